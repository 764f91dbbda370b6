"""When calls come due, what each outcome does to a call, and the worklist's button ids."""

from __future__ import annotations

import pytest

from bot.demo.harness import BotHarness
from bot.domain.calls import CallOutcome, CallStatus
from bot.domain.worklist.choices import CallAction, CallPick, decode_call, encode_call
from bot.domain.worklist.timing import Later, after_outcome, later_time, typed_time
from tests.harness import SHANGHAI, local

TRIES = 3


@pytest.mark.parametrize(
    ("outcome", "tries", "expected"),
    [
        (CallOutcome.REACHED, 1, (CallStatus.DONE, False)),
        (CallOutcome.NO_ANSWER, 1, (CallStatus.OPEN, True)),
        (CallOutcome.PHONE_OFF, 2, (CallStatus.OPEN, True)),
        (CallOutcome.UNREACHABLE, TRIES, (CallStatus.FAILED, False)),
        (CallOutcome.OUT_OF_SERVICE, TRIES, (CallStatus.FAILED, False)),
        (CallOutcome.WRONG_NUMBER, 1, (CallStatus.FAILED, False)),
        (CallOutcome.REFUSED, 1, (CallStatus.FAILED, False)),
        (CallOutcome.DECEASED, 1, (CallStatus.CANCELLED, False)),
        (CallOutcome.CALL_LATER, TRIES, (CallStatus.OPEN, False)),
    ],
)
def test_each_outcome_closes_or_keeps_the_call(
    outcome: CallOutcome, tries: int, expected: tuple[CallStatus, bool]
) -> None:
    assert after_outcome(outcome, tries, TRIES) == expected


def test_call_later_times_keep_to_the_calling_hours(harness: BotHarness) -> None:
    hours = harness.services.worklist.hours  # winter: 14:00-16:30, 18:00-19:00
    monday = local("2026-11-23", "15:00")
    assert later_time(Later.HOUR, monday, hours) == local("2026-11-23", "16:00")
    assert later_time(Later.HOUR, local("2026-11-23", "16:00"), hours) == local(
        "2026-11-23", "18:00"
    )
    assert later_time(Later.EVENING, monday, hours) == local("2026-11-23", "18:00")
    assert later_time(Later.TOMORROW, monday, hours) == local("2026-11-24", "14:00")
    friday_evening = local("2026-11-27", "19:30")
    assert later_time(Later.EVENING, friday_evening, hours) == local("2026-11-30", "14:00")


def test_a_typed_time_is_the_next_such_moment() -> None:
    now = local("2026-11-23", "15:00")
    assert typed_time("16:30", now, SHANGHAI) == local("2026-11-23", "16:30")
    assert typed_time("9：05", now, SHANGHAI) == local("2026-11-24", "09:05")
    for bad in ("25:00", "4pm", "", "16:3"):
        with pytest.raises(ValueError, match="HH:MM"):
            typed_time(bad, now, SHANGHAI)


def test_button_ids_round_trip_and_forged_ones_are_refused() -> None:
    data = encode_call(12, CallAction.OUTCOME, CallOutcome.OUT_OF_SERVICE.value)
    assert decode_call(data) == CallPick(12, CallAction.OUTCOME, CallOutcome.OUT_OF_SERVICE)
    assert decode_call(encode_call(5, CallAction.LATER, "evening")) == CallPick(
        5, CallAction.LATER, later=Later.EVENING
    )
    assert decode_call(encode_call(0, CallAction.NEXT)) == CallPick(0, CallAction.NEXT)
    assert len(encode_call(10**18 - 1, CallAction.OUTCOME, "out_of_service").encode()) <= 64
    for forged in ("cl:x:o:reached", "cl:1:o:cured", "cl:1:r:now", "cl:1", "pf:1:o:reached"):
        assert decode_call(forged) is None
