"""The phone channel: a message to a patient reached by phone is shown to the nurse on the
call, to read out; with no call in progress it is kept, and a call is owed to read it."""

from __future__ import annotations

from datetime import datetime

from bot.domain.calls import CallReason
from bot.domain.channel_messages import (
    Address,
    ChannelName,
    Choice,
    FaultKind,
    Outgoing,
    SendFault,
    Sent,
)
from bot.domain.clock import Clock
from bot.domain.notice_kinds import notice_kind
from bot.domain.phone_relay import encode_end, encode_relay
from bot.domain.worklist.timing import first_call_time
from bot.services.ports import StaffDesk
from bot.services.worklist import Worklist
from bot.storage.call_tasks import NewCallTask
from bot.storage.phone_calls import CallInProgress
from bot.storage.records import Contact
from bot.storage.store import Store
from bot.templating import Renderer


class PhoneChannel:
    """Shows patients' messages to the nurse on their call (through the staff desk)."""

    name = ChannelName.PHONE

    def __init__(self, store: Store, renderer: Renderer, clock: Clock, locale: str) -> None:
        self.store, self.renderer, self.clock, self.locale = store, renderer, clock, locale
        self.desk: StaffDesk | None = None  # connected once the staff desk is built
        self.worklist: Worklist | None = None  # its rules and calling hours owe the calls

    def connect(self, desk: StaffDesk, worklist: Worklist) -> None:
        """Relay through this staff desk, and owe calls by this worklist's rules (both are
        built over the send path, after the channels)."""
        self.desk, self.worklist = desk, worklist

    async def transmit(self, address: Address, message: Outgoing) -> Sent:
        """Show the message to the nurse on the contact's call, or keep it for a call owed."""
        if not message.text:
            raise SendFault(FaultKind.FAILED, "phone_no_words", detail="media cannot be read out")
        contact = next(iter(await self.store.contacts.at_address(self.name, address.chat)), None)
        if contact is None:
            raise SendFault(FaultKind.FAILED, "phone_no_contact")
        call = await self.store.phone_calls.in_progress_for_contact(contact.id)
        if call is None:
            return await self._keep(address, contact, message)
        return Sent(address, await self._relay(contact, call, message))

    async def _relay(self, contact: Contact, call: CallInProgress, message: Outgoing) -> str:
        """Offer the message's choices in the phone chat and show it to the nurse."""
        if self.desk is None:
            raise SendFault(FaultKind.FAILED, "phone_no_staff_desk")
        offered = message.all_choices()
        await self.store.channel_chats.offer(contact.chat_id, offered, self.clock.now())
        relayed = self.relayed(call.attempt_id, message)
        ref = await self.desk.relay_to_member(call.staff_user, relayed)
        if ref is None:
            raise SendFault(FaultKind.FAILED, "phone_relay_refused")
        return f"relay:{call.attempt_id}:{ref}"

    def relayed(self, attempt_id: int, message: Outgoing) -> Outgoing:
        """Return the message as the nurse reads it out, its options numbered as buttons."""
        lead = "phone/relay_ask" if message.choices else "phone/relay_say"
        text = f"{self.renderer.render(lead, self.locale)}\n\n{message.text}"
        rows: list[tuple[Choice, ...]] = []
        number = 0
        for row in message.choices:
            buttons = []
            for choice in row:
                number += 1
                buttons.append(Choice(encode_relay(attempt_id, number, choice.id), choice.label))
            rows.append(tuple(buttons))
        end = self.renderer.render("buttons/phone_end", self.locale)
        rows.append((Choice(encode_end(attempt_id), end),))
        return Outgoing(text, tuple(rows))

    async def _owe_call(self, key: str, episode_id: int, now: datetime) -> None:
        """Owe the call that reads a kept message out, by the worklist's rules."""
        episode, worklist = await self.store.episodes.get(episode_id), self.worklist
        assert episode is not None and worklist is not None  # a foreign key; connected
        priority = worklist.rules.priority(CallReason.STAFF_REPLY, worklist.is_special(episode))
        due = first_call_time(now, worklist.hours)
        owed = NewCallTask(
            key, episode.id, episode.department_id, CallReason.STAFF_REPLY, priority, due
        )
        await self.store.call_tasks.add(owed, now)

    async def _keep(self, address: Address, contact: Contact, message: Outgoing) -> Sent:
        """Keep the message for the next call that reaches the patient, and owe that call."""
        now = self.clock.now()
        held = await self.store.channel_windows.hold(
            contact.chat_id, message, notice_kind(message), now
        )
        reason = CallReason.STAFF_REPLY
        if await self.store.call_tasks.open_for(contact.episode_id, reason) is None:
            await self._owe_call(f"reply:{contact.id}:{held}", contact.episode_id, now)
        return Sent(address, f"held:{held}")
