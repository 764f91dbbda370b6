"""The one send path: every message to a patient or to staff goes through a channel here.

It takes each send's turn from its channel's Pacer (the one the dispatcher uses; replies and
notices go ahead of the bulk sends waiting), retries what
the channel says may be retried (waiting as long as it asks, a bounded number of times),
stops writing to a contact that blocked us, and records every attempt in `deliveries`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager, nullcontext

from sqlalchemy.exc import SQLAlchemyError

from bot.dispatch.pacing import Pacer
from bot.domain.channel_messages import (
    Address,
    ChannelName,
    FaultKind,
    Outgoing,
    SendFault,
    SendPurpose,
    Sent,
)
from bot.domain.clock import Clock
from bot.domain.messages import DeliveryOutcome, FailureReason
from bot.services.ports import Channel
from bot.storage.deliveries import SendRecord
from bot.storage.store import Store

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3  # a reply is wanted now: a message still refused after three tries is dropped
MAX_RETRY_WAIT = 30.0  # seconds; a channel asking for longer is not waited for
NETWORK_BACKOFF = (0.5, 2.0)  # seconds before the second and the third try
# Someone is waiting on these (a person who just wrote, staff told of a red flag): they go
# ahead of the dispatcher's queued bulk sends.
PRIORITY = frozenset({SendPurpose.REPLY, SendPurpose.NOTICE})


class ChannelSender:
    """Sends neutral messages through the channel of their address, paced and recorded."""

    def __init__(
        self,
        channels: Mapping[ChannelName, Channel],
        store: Store,
        clock: Clock,
        pacers: Mapping[ChannelName, Pacer],
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.channels, self.pacers = dict(channels), dict(pacers)
        self.store, self.clock, self.sleep = store, clock, sleep

    async def send(
        self, address: Address, message: Outgoing, purpose: SendPurpose = SendPurpose.REPLY
    ) -> Sent | None:
        """Send a message now; None (recorded, logged without content) when it was refused."""
        channel = self.channels[address.channel]
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                async with self._turn(address, purpose):
                    sent = await channel.transmit(address, message)
            except SendFault as fault:
                wait = retry_wait(fault, attempt)
                outcome = DeliveryOutcome.RETRY if wait is not None else _final_outcome(fault)
                await self._record(SendRecord(*_where(address, purpose), outcome, fault.reason))
                if wait is None:
                    await self._refused(address, fault)
                    return None
                await self.sleep(wait)
                continue
            await self._record(
                SendRecord(*_where(address, purpose), DeliveryOutcome.SENT, ref=sent.ref)
            )
            return sent
        return None  # unreachable: the last attempt never asks to wait

    def _turn(self, address: Address, purpose: SendPurpose) -> AbstractAsyncContextManager[None]:
        pacer = self.pacers.get(address.channel)
        if pacer is None:  # a channel without a pacer of its own (the phone) goes unpaced
            return nullcontext()
        return pacer.turn(address.chat, urgent=purpose in PRIORITY)

    async def _refused(self, address: Address, fault: SendFault) -> None:
        log.warning("%s message not sent: %s", address.channel, fault.reason)
        if fault.kind is not FaultKind.UNREACHABLE:
            return
        contacts = await self.store.contacts.at_address(address.channel, address.chat)
        now = self.clock.now()
        for contact in contacts:
            await self.store.contacts.mark_unreachable(contact.id, fault.reason)
        if contacts:
            ids = [contact.id for contact in contacts]
            await self.store.outbox.cancel_pending_for_contacts(ids, now, FailureReason.UNREACHABLE)

    async def _record(self, record: SendRecord) -> None:
        try:
            await self.store.deliveries.record(record, self.clock.now())
        except SQLAlchemyError as error:  # the message went (or not) all the same
            log.warning("send not recorded: %s", type(error).__name__)


def retry_wait(fault: SendFault, attempt: int) -> float | None:
    """Return how long to wait before trying again, or None to give up."""
    if fault.kind is not FaultKind.RETRY or attempt >= MAX_ATTEMPTS:
        return None
    if fault.retry_after is not None:
        return fault.retry_after if fault.retry_after <= MAX_RETRY_WAIT else None
    return NETWORK_BACKOFF[min(attempt, len(NETWORK_BACKOFF)) - 1]


def _final_outcome(fault: SendFault) -> DeliveryOutcome:
    if fault.kind is FaultKind.UNREACHABLE:
        return DeliveryOutcome.UNREACHABLE
    return DeliveryOutcome.FAILED


def _where(address: Address, purpose: SendPurpose) -> tuple[str, str, str]:
    return address.channel.value, address.chat, purpose.value
