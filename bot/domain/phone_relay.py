"""A nurse relays a check-in on the phone: the buttons the nurse presses, and who answered.

A relayed question's buttons carry the call attempt and the option's number in the phone
chat's offered choices, with a short check of the choice's id: a button left on an older
question names another choice (or none) and is refused, never read as today's option.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from bot.domain.choices import CALLBACK_BUDGET, Prefix
from bot.domain.enrolment import Relation, Respondent

END = "end"  # the "call ended" button
CHECK_CHARS = 6
ATTEMPT_DIGITS = 18
WHO = f"{Prefix.PHONE_RELAY}:who:"  # choice ids of "who answered the phone"


@dataclass(frozen=True)
class RelayPress:
    """A nurse's press on a relayed message: an option (number and check), or the end."""

    attempt_id: int
    number: int | None = None  # None: the call ended
    check: str = ""


def choice_check(choice_id: str) -> str:
    """Return the short check of a choice id that a relay button carries."""
    return hashlib.blake2b(choice_id.encode("utf-8"), digest_size=8).hexdigest()[:CHECK_CHARS]


def encode_relay(attempt_id: int, number: int, choice_id: str) -> str:
    """Return the callback data of option `number` (1-based) on a call, e.g. "pr:7:2:a1b2c3"."""
    data = f"{Prefix.PHONE_RELAY}:{attempt_id}:{number}:{choice_check(choice_id)}"
    assert len(data.encode("ascii")) <= CALLBACK_BUDGET
    return data


def encode_end(attempt_id: int) -> str:
    """Return the callback data of the "call ended" button, e.g. "pr:7:end"."""
    return f"{Prefix.PHONE_RELAY}:{attempt_id}:{END}"


def decode_relay(data: str) -> RelayPress | None:
    """Return the press a callback carries, or None if it is not a well-formed relay press."""
    parts = data.split(":")
    if len(parts) < 3 or parts[0] != Prefix.PHONE_RELAY or not _digits(parts[1]):
        return None
    attempt = int(parts[1])
    if parts[2:] == [END]:
        return RelayPress(attempt)
    if len(parts) != 4 or not _digits(parts[2], 3) or len(parts[3]) != CHECK_CHARS:
        return None
    return RelayPress(attempt, int(parts[2]), parts[3])


def _digits(text: str, most: int = ATTEMPT_DIGITS) -> bool:
    return text.isdecimal() and text.isascii() and 0 < len(text) <= most


@dataclass(frozen=True)
class Answerer:
    """Who answered the phone: the patient, or a relative (and which)."""

    respondent: Respondent
    relation: Relation | None = None


ANSWERERS: tuple[Answerer, ...] = (
    Answerer(Respondent.PATIENT),
    *(Answerer(Respondent.FAMILY, relation) for relation in Relation),
)


def who_choice(answerer: Answerer) -> str:
    """Return the choice id of an answer to "who answered", e.g. "pr:who:family:child"."""
    tail = answerer.respondent.value
    if answerer.relation is not None:
        tail = f"{tail}:{answerer.relation.value}"
    return WHO + tail


def read_who(choice_id: str) -> Answerer | None:
    """Return who answered, from a choice id; None if it is not such a choice."""
    return next((a for a in ANSWERERS if who_choice(a) == choice_id), None)
