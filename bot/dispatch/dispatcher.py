"""The dispatcher: one periodic job claims due rows with a lease and sends them, paced: each
row takes its channel's turn once composed, right before it goes out."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import defaultdict
from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from jinja2 import TemplateError

from bot.dispatch.compose import MessageComposer
from bot.dispatch.faults import Verdict, classify
from bot.dispatch.ordering import sort_claimed
from bot.dispatch.outcomes import FollowUp, OutcomeBuffer
from bot.dispatch.pacing import Pacer
from bot.domain.catch_up import ORDER_GAP
from bot.domain.channel_messages import Address, ChannelName, SendFault
from bot.domain.clock import Clock
from bot.domain.messages import (
    DeliveryOutcome,
    FailureReason,
    MessageKind,
    MessageStatus,
    WaitReason,
)
from bot.domain.schedule import SendPolicy, lateness_limit, next_send_time
from bot.domain.step_hours import step_hours_of
from bot.services.ports import Channel
from bot.storage.outbox_records import Delivery, OutboxRow, Outcome
from bot.storage.store import Store

log = logging.getLogger(__name__)
AWAITS_ANSWER = frozenset({MessageKind.CHECKIN, MessageKind.KEEP_ASKING})
SURVEY_WAIT = timedelta(minutes=30)
# Medicines keep their own times (never at night); the still-taking question follows one.
WINDOWLESS = frozenset({MessageKind.MEDICATION, MessageKind.MEDICATION_CHECK})
MAX_IN_FLIGHT = 32  # requests open at once; below the HTTP connection pool's size
# A phone row is shown to the nurse through the send path, which takes Telegram's turn itself.
RELAYED = frozenset({ChannelName.PHONE})


@dataclass(frozen=True)
class DispatchConfig:
    batch_size: int
    lease: timedelta
    catch_up: timedelta
    windows: SendPolicy | None = None  # None: send whenever due (benchmarks)


@dataclass
class DispatchStats:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    unreachable: int = 0
    missed: int = 0
    superseded: int = 0
    reasons: dict[str, int] = field(default_factory=lambda: defaultdict(int))


class Dispatcher:
    def __init__(
        self,
        store: Store,
        composer: MessageComposer,
        channels: Mapping[ChannelName, Channel],
        clock: Clock,
        pacer: Pacer,
        config: DispatchConfig,
        pacers: Mapping[ChannelName, Pacer] | None = None,
    ) -> None:
        """`pacer` paces every channel but those `pacers` gives their own (WeChat's, SMS's)."""
        self.store, self.composer, self.clock = store, composer, clock
        self.channels = dict(channels)
        self.pacer, self.config = pacer, config
        self.pacers = dict(pacers or {})
        self.owner = uuid.uuid4().hex
        self.outcomes = OutcomeBuffer(store, clock, self.owner)
        self._in_flight = asyncio.Semaphore(MAX_IN_FLIGHT)
        self.stopping = False  # the bot is stopping: no new batch is claimed

    def stop_soon(self) -> None:
        """Claim no new batch: a tick under way ends once its batch in flight is sent and
        recorded (the rest stays due for the next start), so a stop does not wait for it."""
        self.stopping = True

    async def run_once(self, budget_seconds: float = 60.0) -> DispatchStats:
        """Send due rows batch after batch until none is due, the budget is spent or the bot
        is stopping."""
        stats = DispatchStats()
        deadline = time.monotonic() + budget_seconds
        while time.monotonic() < deadline and not self.stopping:
            rows = await self.store.outbox.claim_due(
                self.clock.now(), self.config.batch_size, self.config.lease, self.owner
            )
            if not rows:
                break
            await self._send_batch(rows, stats)
        for pacer in (self.pacer, *self.pacers.values()):
            pacer.forget_idle_chats()
        return stats

    async def send_now(self, row_id: int) -> bool:
        """Send one pending row now, whenever it was due (a nurse on the phone waits for its
        question); False if another dispatcher has it, or it may no longer be sent."""
        row = await self.store.outbox.claim_row(
            row_id, self.clock.now(), self.config.lease, self.owner
        )
        if row is None:
            return False
        async with self.outcomes.flushing():
            return await self._deliver(row, DispatchStats())

    async def _send_batch(self, rows: list[OutboxRow], stats: DispatchStats) -> None:
        ordered = await sort_claimed(self.store, rows, self.clock.now())
        queue = interleave_chats(ordered.send)
        behind = same_address_before(queue)
        loop = asyncio.get_running_loop()
        went: dict[int, asyncio.Future[bool]] = {
            row.id: loop.create_future() for row in ordered.send
        }
        async with self.outcomes.flushing():
            for row, until in ordered.held:  # an earlier step of this contact goes first
                self._hold(row, until)
            for row in ordered.superseded:
                await self._close(row, stats, MessageStatus.SUPERSEDED, FailureReason.CAUGHT_UP)
            await asyncio.gather(
                *(
                    self._deliver_in_turn(row, stats, Turn(ordered.after, behind, went))
                    for row in queue
                )
            )

    def _hold(self, row: OutboxRow, until: datetime) -> None:
        delivery = delivery_of(row, DeliveryOutcome.RETRY, WaitReason.EARLIER_STEP_FIRST)
        self.outcomes.add(Outcome(row.id, delivery, {"send_at": until, "attempts": row.attempts}))

    async def _deliver_in_turn(self, row: OutboxRow, stats: DispatchStats, turn: Turn) -> None:
        """Deliver a row once the row before it to the same address in this batch is done,
        and only if the earlier step of its contact in this batch has gone out."""
        sent = False
        try:
            before = turn.behind.get(row.id)
            if before is not None:  # a person reads their messages in the order they were due
                await asyncio.shield(turn.went[before])
            earlier = turn.after.get(row.id)
            if earlier is not None and not await turn.went[earlier]:
                self._hold(row, self.clock.now() + ORDER_GAP)
                return
            sent = await self._deliver_guarded(row, stats)
        finally:
            turn.went[row.id].set_result(sent)

    def _turn(self, address: Address) -> AbstractAsyncContextManager[None]:
        """Return the channel's turn for a send (none for a relay: its own send takes one)."""
        if address.channel in RELAYED:
            return nullcontext()
        return self.pacers.get(address.channel, self.pacer).turn(address.chat)

    async def _deliver_guarded(self, row: OutboxRow, stats: DispatchStats) -> bool:
        try:
            async with self._in_flight:
                return await self._deliver(row, stats)
        except (SendFault, asyncio.CancelledError):
            raise
        except Exception:  # one bad row must never stop the dispatcher
            log.exception("outbox row %s failed unexpectedly", row.id)
            await self._close(row, stats, MessageStatus.FAILED, FailureReason.INTERNAL_ERROR)
            return False

    async def _deliver(self, row: OutboxRow, stats: DispatchStats) -> bool:
        now = self.clock.now()
        if now - row.send_at > lateness_limit(row.kind, self.config.catch_up):
            await self._close(row, stats, MessageStatus.MISSED, FailureReason.LATE)
            return False
        if (later := self._next_window(row, now)) is not None:  # e.g. after the bot was down
            delivery = delivery_of(row, DeliveryOutcome.RETRY, WaitReason.OUTSIDE_WINDOW)
            self.outcomes.add(Outcome(row.id, delivery, {"send_at": later}))
            return False
        try:
            composed = await self.composer.compose(row)
        except (TemplateError, KeyError, ValueError) as error:  # recorded against its row
            log.warning("outbox row %s: template %s failed: %s", row.id, row.template, error)
            await self._close(row, stats, MessageStatus.FAILED, FailureReason.TEMPLATE_ERROR)
            return False
        if composed is None:  # another survey is under way in this chat: one after the other
            wait = {"send_at": now + SURVEY_WAIT, "attempts": row.attempts}
            self.outcomes.add(
                Outcome(
                    row.id, delivery_of(row, DeliveryOutcome.RETRY, WaitReason.SURVEY_BUSY), wait
                )
            )
            stats.retried += 1
            return False
        address = address_of(row)
        try:
            async with self._turn(address):
                sent = await self.channels[address.channel].transmit(address, composed)
        except SendFault as fault:
            await self._on_fault(row, fault, stats)
            return False
        await self._on_sent(row, sent.ref, stats)
        return True

    def _next_window(self, row: OutboxRow, now: datetime) -> datetime | None:
        """Return the next window's time when a windowed message is due outside the windows."""
        if self.config.windows is None or row.kind in WINDOWLESS:
            return None
        if row.channel == ChannelName.PHONE:  # a nurse asks it on a call, in calling hours
            return None
        own = step_hours_of(row.payload)
        later = next_send_time(now, self.config.windows, spread_key=row.id, step=own)
        return None if later == now else later

    async def _on_sent(self, row: OutboxRow, ref: str, stats: DispatchStats) -> None:
        telegram_id = int(ref) if row.channel == ChannelName.TELEGRAM else None
        now = self.clock.now()
        values: dict[str, object] = {
            "status": MessageStatus.SENT.value,
            "sent_at": now,
            "attempts": 0,
            "telegram_message_id": telegram_id,
            "tries": row.tries + 1,
            "failure_reason": None,
        }
        if row.kind in AWAITS_ANSWER:
            values["answer_due_at"] = now + timedelta(seconds=row.answer_timeout_s)
        delivery = delivery_of(row, DeliveryOutcome.SENT, None, telegram_id)
        self.outcomes.add(Outcome(row.id, delivery, values))
        stats.sent += 1

    async def _on_fault(self, row: OutboxRow, fault: SendFault, stats: DispatchStats) -> None:
        attempts = row.attempts + 1
        outcome = classify(fault, attempts)
        if outcome.verdict is Verdict.RETRY:
            retry_at = self.clock.now() + outcome.delay
            values: dict[str, object] = {"send_at": retry_at, "attempts": attempts}
            delivery = delivery_of(row, DeliveryOutcome.RETRY, outcome.reason)
            self.outcomes.add(Outcome(row.id, delivery, values))
            stats.retried += 1
            stats.reasons[outcome.reason] += 1
            return
        if outcome.verdict is Verdict.UNREACHABLE:
            stats.unreachable += 1
            await self._close(
                row,
                stats,
                MessageStatus.FAILED,
                outcome.reason,
                then=lambda: self._stop_contact(row, outcome.reason),
            )
            return
        await self._close(row, stats, MessageStatus.FAILED, outcome.reason)

    async def _stop_contact(self, row: OutboxRow, reason: str) -> None:
        await self.store.contacts.mark_unreachable(row.contact_id, reason)
        await self.store.outbox.cancel_pending_for_contacts(
            [row.contact_id], self.clock.now(), FailureReason.UNREACHABLE
        )

    async def _close(
        self,
        row: OutboxRow,
        stats: DispatchStats,
        status: MessageStatus,
        reason: str,
        then: FollowUp | None = None,
    ) -> None:
        delivery = delivery_of(row, DeliveryOutcome(status.value), reason)
        values: dict[str, object] = {"status": status.value, "failure_reason": reason}
        self.outcomes.add(Outcome(row.id, delivery, values), then)
        if status is MessageStatus.MISSED:
            stats.missed += 1
        elif status is MessageStatus.SUPERSEDED:
            stats.superseded += 1
        else:
            stats.failed += 1
        stats.reasons[reason] += 1


@dataclass(frozen=True)
class Turn:
    """Which rows of a batch a row waits for: `after` an earlier step of its contact (and is
    held if that did not go), `behind` the row before it to the same address; `went` says,
    for each row, whether it was sent."""

    after: dict[int, int]
    behind: dict[int, int]
    went: dict[int, asyncio.Future[bool]]


def same_address_before(queue: list[OutboxRow]) -> dict[int, int]:
    """Map each row to the row before it in the queue that goes to the same address."""
    last: dict[Address, int] = {}
    behind: dict[int, int] = {}
    for row in queue:
        address = address_of(row)
        if address in last:
            behind[row.id] = last[address]
        last[address] = row.id
    return behind


def delivery_of(
    row: OutboxRow,
    outcome: DeliveryOutcome,
    detail: str | None = None,
    telegram_id: int | None = None,
) -> Delivery:
    """Return the record of one delivery attempt of a row."""
    return Delivery(row.chat_id, outcome, detail, telegram_id, row.channel, row.handle)


def address_of(row: OutboxRow) -> Address:
    """Return where a row's contact is written to."""
    return Address(ChannelName(row.channel), row.handle or str(row.chat_id))


def interleave_chats(rows: list[OutboxRow]) -> list[OutboxRow]:
    """Order rows round-robin by chat so one chat's messages do not queue back to back."""
    by_chat: dict[int, list[OutboxRow]] = defaultdict(list)
    for row in rows:
        by_chat[row.chat_id].append(row)
    queues = list(by_chat.values())
    ordered: list[OutboxRow] = []
    depth = 0
    while len(ordered) < len(rows):
        ordered.extend(queue[depth] for queue in queues if depth < len(queue))
        depth += 1
    return ordered
