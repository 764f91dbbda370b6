"""What a nurse on a call enters: a pressed option or typed words, taken as the patient's own
on the phone contact (the same use cases as a chat), or the end of the call."""

from __future__ import annotations

from enum import StrEnum

from bot.channels.text.inbox import TextInbox
from bot.domain.phone_relay import RelayPress, choice_check, decode_relay, read_who
from bot.services.container import Services
from bot.services.phone_checkin import end_phone_call, take_answerer
from bot.storage.phone_calls import CallInProgress
from bot.storage.records import Contact


class Pressed(StrEnum):
    """What a press on a relayed message did."""

    TAKEN = "taken"
    ENDED = "ended"
    REFUSED = "refused"  # not the presser's call, the call is over, or an older question


class PhoneInbox:
    """Takes what the nurse on a call enters, for the patient's phone contact."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.inbox = TextInbox(services)

    async def press(self, staff_user: int, data: str) -> Pressed:
        """Take a nurse's press on a relayed message; refused unless it is the presser's call
        in progress and an option offered now."""
        press = decode_relay(data)
        found = None if press is None else await self._call(press.attempt_id, staff_user)
        if press is None or found is None:
            return Pressed.REFUSED
        call, contact = found
        if press.number is None:
            await end_phone_call(self.services, staff_user)
            return Pressed.ENDED
        choice = await self._offered(contact, press)
        if choice is None:
            return Pressed.REFUSED
        if (answerer := read_who(choice)) is not None:
            await take_answerer(self.services, call, answerer)
        else:
            await self.inbox.receive_choice(contact.address, choice)
        return Pressed.TAKEN

    async def type(self, staff_user: int, text: str) -> bool:
        """Take words a nurse typed as the patient's on their call; False if on no call."""
        call = await self.services.store.phone_calls.in_progress_for_staff(staff_user)
        found = None if call is None else await self._call(call.attempt_id, staff_user)
        if found is None:
            return False
        await self.inbox.receive(found[1].address, text)
        return True

    async def _call(
        self, attempt_id: int, staff_user: int
    ) -> tuple[CallInProgress, Contact] | None:
        """Return the call and its phone contact, if it is this staff member's call now."""
        store = self.services.store
        call = await store.phone_calls.in_progress(attempt_id)
        if call is None or call.staff_user != staff_user or call.contact_id is None:
            return None
        contact = await store.contacts.get(call.contact_id)
        return None if contact is None else (call, contact)

    async def _offered(self, contact: Contact, press: RelayPress) -> str | None:
        """Return the id of the option pressed, if the phone chat offers it now."""
        offered = await self.services.store.channel_chats.offered(contact.chat_id)
        if press.number is None or not 1 <= press.number <= len(offered):
            return None
        choice = offered[press.number - 1].id
        return choice if choice_check(choice) == press.check else None
