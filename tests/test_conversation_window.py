"""WeChat's window: conversation within 48 h and 5 messages of the person's last message,
else held with one notice, repeated no sooner than NOTICE_REPEAT_AFTER while unanswered."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.conversation_window import (
    NOTICE_REPEAT_AFTER,
    QUOTA,
    WINDOW,
    WindowDecision,
    WindowState,
    decide,
)

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
CONVERSE, NOTIFY, HOLD = (
    WindowDecision.CONVERSE,
    WindowDecision.HOLD_AND_NOTIFY,
    WindowDecision.HOLD,
)


def test_the_platform_figures() -> None:
    assert (timedelta(hours=48), 5) == (WINDOW, QUOTA)


@pytest.mark.parametrize(
    ("inbound_ago", "sent", "notice_ago", "parts", "queued", "expected"),
    [
        (None, 0, None, 1, 0, NOTIFY),  # never wrote: only a notice reaches them
        (HOUR, 0, None, 1, 0, CONVERSE),
        (47 * HOUR, 4, None, 1, 0, CONVERSE),  # the fifth message, just inside 48 h
        (48 * HOUR, 0, None, 1, 0, NOTIFY),  # 48 h passed
        (HOUR, 5, None, 1, 0, NOTIFY),  # the quota is spent
        (HOUR, 3, None, 3, 0, NOTIFY),  # a message of three parts does not fit in two
        (HOUR, 3, None, 2, 0, CONVERSE),
        (HOUR, 0, None, 1, 1, NOTIFY),  # older held messages go first
        (49 * HOUR, 0, 11 * HOUR, 1, 0, HOLD),  # a notice already asks them to write
        (49 * HOUR, 0, 12 * HOUR, 1, 0, NOTIFY),  # it went unanswered long enough
        (HOUR, 5, HOUR, 1, 0, HOLD),
    ],
)
def test_decisions(
    inbound_ago: timedelta | None,
    sent: int,
    notice_ago: timedelta | None,
    parts: int,
    queued: int,
    expected: WindowDecision,
) -> None:
    state = WindowState(
        None if inbound_ago is None else NOW - inbound_ago,
        sent,
        None if notice_ago is None else NOW - notice_ago,
    )
    assert decide(state, NOW, parts, queued) is expected


hours = st.integers(min_value=0, max_value=24 * 5).map(lambda h: timedelta(hours=h))


@given(inbound=st.none() | hours, sent=st.integers(0, 8), notice=st.none() | hours)
def test_a_conversation_message_never_goes_outside_the_window_or_quota(
    inbound: timedelta | None, sent: int, notice: timedelta | None
) -> None:
    state = WindowState(
        None if inbound is None else NOW - inbound,
        sent,
        None if notice is None else NOW - notice,
    )
    decision = decide(state, NOW)
    inside = inbound is not None and inbound < WINDOW and sent < QUOTA
    assert (decision is CONVERSE) == inside
    if decision is WindowDecision.HOLD:
        assert notice is not None and notice < NOTICE_REPEAT_AFTER


@given(reminders=st.lists(st.integers(1, 180), min_size=1, max_size=40))
def test_at_most_one_notice_per_twelve_hours_without_an_answer(reminders: list[int]) -> None:
    """Reminders held minutes apart for days: the notices sent are 12 h apart or more."""
    state, now, notices = WindowState(), NOW, []
    for minutes in reminders:
        now += timedelta(minutes=minutes)
        if decide(state, now) is NOTIFY:
            notices.append(now)
            state = WindowState(notice_sent_at=now)
    assert notices[0] == NOW + timedelta(minutes=reminders[0])
    assert all(b - a >= NOTICE_REPEAT_AFTER for a, b in itertools.pairwise(notices))


def test_remaining_counts_down_and_closes_with_the_window() -> None:
    state = WindowState(NOW, 2)
    assert state.remaining(NOW) == 3
    assert state.remaining(NOW + WINDOW) == 0
    assert WindowState(NOW, 9).remaining(NOW) == 0


MINUTE = timedelta(minutes=1)


@pytest.mark.parametrize(
    ("event_ago", "sent_since_event", "inbound_ago", "sent", "expected"),
    [
        (timedelta(seconds=10), 0, None, 0, 3),  # a scan by a new follower: three, for a minute
        (timedelta(seconds=10), 2, None, 0, 1),
        (timedelta(seconds=10), 3, None, 0, 0),
        (MINUTE, 0, None, 0, 0),  # the minute is over
        (timedelta(seconds=10), 3, HOUR, 1, 4),  # a click inside a conversation does not cut it
        (timedelta(seconds=10), 1, HOUR, 4, 2),  # a click gives more than the spent message
    ],
)
def test_a_follow_scan_or_click_allows_three_messages_for_a_minute(
    event_ago: timedelta,
    sent_since_event: int,
    inbound_ago: timedelta | None,
    sent: int,
    expected: int,
) -> None:
    state = WindowState(
        NOW - inbound_ago if inbound_ago else None, sent, None, NOW - event_ago, sent_since_event
    )
    assert state.remaining(NOW) == expected
