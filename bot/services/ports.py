"""What use cases need from the outside world: channels, the one send path, the staff desk.

A use case says *what* to tell *whom* (an `Outgoing` to an `Address`, bot.domain.channel_messages);
each channel adapter decides *how* (inline buttons on Telegram, numbered options in plain
text, a menu on WeChat).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from bot.domain.channel_messages import (
    Address,
    ChannelName,
    Choices,
    Media,
    Original,
    Outgoing,
    SendPurpose,
    Sent,
)

if TYPE_CHECKING:
    from bot.domain.cases import Case, Posting, StaffPost
    from bot.storage.records import Episode


class Channel(Protocol):
    """One platform's way of delivering a neutral message; raises SendFault when refused."""

    name: ChannelName

    async def transmit(self, address: Address, message: Outgoing) -> Sent:
        """Deliver one message now (the send path has already paced it)."""
        ...


@runtime_checkable
class SweepingChannel(Protocol):
    """A channel with periodic work of its own (e.g. notices owed until the contact hours)."""

    async def sweep(self, now: datetime) -> None:
        """Do what is due by now."""
        ...


class Sender(Protocol):
    """The one send path: every message to a patient or to staff goes through it."""

    async def send(
        self, address: Address, message: Outgoing, purpose: SendPurpose = SendPurpose.REPLY
    ) -> Sent | None:
        """Send a message; None when the channel refused it (the refusal is recorded)."""
        ...


class StaffDesk(Protocol):
    """The staff side (today a Telegram group): where cases are posted and worked.

    Every message it posts goes through the one send path; its texts are templates in the
    hospital's language.
    """

    async def post_case(self, case: Case) -> Posting:
        """Post a case (its thread and card) once, whoever calls first."""
        ...

    async def post_note(self, case: Case, key: str, /, **variables: object) -> str | None:
        """Post a note in a posted case's thread; return its id, None if not posted."""
        ...

    async def offer(
        self, case: Case, key: str, choices: Choices, /, **variables: object
    ) -> str | None:
        """Post a note with choices in a posted case's thread; return its id, None if not."""
        ...

    async def offer_outcomes(self, case: Case) -> None:
        """Ask in the case's thread which outcome closes it."""
        ...

    async def refresh_card(self, case_id: int) -> None:
        """Show the case's current status and choices on its card."""
        ...

    async def refresh_red_flag(self, case_id: int) -> None:
        """Show a red flag's current choices on its alert (acknowledge, then the outcomes)."""
        ...

    async def post_alert(
        self,
        key: str,
        episode: Episode,
        /,
        acknowledge: int | None = None,
        choices: Choices = (),
        **variables: object,
    ) -> StaffPost | None:
        """Post an alert about a patient (with a choice to acknowledge case `acknowledge`,
        or the choices given)."""
        ...

    async def copy_into(self, case: Case, original: Original) -> str | None:
        """Show a copy of a person's own message in a posted case's thread."""
        ...

    async def attach(self, case: Case, media: Media) -> str | None:
        """Post a file a person sent (its bytes) in a posted case's thread."""
        ...

    async def tell_member(self, user_id: int, key: str, /, **variables: object) -> bool:
        """Write to one staff member privately; False if it could not be delivered."""
        ...

    async def relay_to_member(self, user_id: int, message: Outgoing) -> str | None:
        """Show a staff member privately a message to read out to a patient on a call;
        return its id, None if it could not be delivered."""
        ...
