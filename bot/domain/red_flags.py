"""Red flags are worked: acknowledged within minutes, escalated once when not, closed with
what was done. Pure rules; the sweep and the staff desk act on them."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum


class RedFlagOutcome(StrEnum):
    """What staff did about a red flag, recorded once it is acknowledged."""

    CALLED_PATIENT = "called_patient"
    ADVISED_TO_COME_IN = "advised_to_come_in"
    NO_ACTION_NEEDED = "no_action_needed"


class RedFlagAction(StrEnum):
    """The second field of a red flag's staff buttons (rf:ACTION:CASE[:OUTCOME])."""

    OUTCOME = "outcome"
    PHONE = "phone"


def ack_due(created_at: datetime, minutes: int) -> datetime:
    """Return when a red flag raised at created_at must be acknowledged."""
    return created_at + timedelta(minutes=minutes)


def parse_user_ids(text: str) -> tuple[int, ...]:
    """Read comma-separated Telegram user (or chat) ids; raise ValueError naming a bad one."""
    ids = []
    for part in (piece.strip() for piece in text.split(",")):
        if not part:
            continue
        if not part.lstrip("-").isdecimal() or len(part) > 20:
            raise ValueError(
                f"{part!r} is not a Telegram user id; expected a comma-separated list of "
                "numeric ids such as 123456789,987654321 (or empty)"
            )
        ids.append(int(part))
    return tuple(ids)
