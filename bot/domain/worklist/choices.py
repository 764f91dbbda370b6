"""The ids of the worklist's buttons: "cl:<task>:<action>[:<value>]" (≤ 64 bytes)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.calls import CallOutcome
from bot.domain.choices import Prefix
from bot.domain.worklist.timing import Later

MAX_ID_DIGITS = 18


class CallAction(StrEnum):
    OUTCOME = "o"  # what the call found (value: a CallOutcome)
    LATER = "l"  # call back later (value: a Later)
    RELEASE = "r"  # put the call back on the worklist
    NEXT = "n"  # show the next call (task 0)


@dataclass(frozen=True)
class CallPick:
    """A nurse's button on a call: the task, the action and its value."""

    task_id: int
    action: CallAction
    outcome: CallOutcome | None = None
    later: Later | None = None


def encode_call(task_id: int, action: CallAction, value: str = "") -> str:
    """Return a button's id, e.g. "cl:12:o:no_answer"."""
    tail = f":{value}" if value else ""
    return f"{Prefix.CALL}:{task_id}:{action}{tail}"


def decode_call(data: str) -> CallPick | None:
    """Return what a worklist button asks, or None for an id that is not one."""
    parts = data.split(":")
    if len(parts) not in (3, 4) or parts[0] != Prefix.CALL:
        return None
    number, action, value = parts[1], parts[2], parts[3] if len(parts) == 4 else ""
    if not number.isdecimal() or len(number) > MAX_ID_DIGITS or action not in set(CallAction):
        return None
    pick = CallPick(int(number), CallAction(action))
    if pick.action is CallAction.OUTCOME and value in set(CallOutcome):
        return CallPick(pick.task_id, pick.action, outcome=CallOutcome(value))
    if pick.action is CallAction.LATER and value in set(Later):
        return CallPick(pick.task_id, pick.action, later=Later(value))
    valueless = pick.action in (CallAction.RELEASE, CallAction.NEXT)
    return pick if valueless and not value else None
