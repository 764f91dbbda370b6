"""Random and forged button presses fail nothing, and forged ones change nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from tests.fuzz_updates.world import (
    ADMIN,
    ADMIN_ONLY,
    NUMBERS,
    PATIENTS,
    STAFF,
    STAFF_ONLY,
    STRANGERS,
    SUPERVISOR,
    World,
    assert_no_errors,
    check_consistent,
    database,
    dump,
)
from tests.fuzzing import SLOW_OK, check_sent
from tests.fuzzing import STAFF_GROUP as GROUP

# ---------------------------------------------------------------------------- presses

PREFIXES = (
    "cs:take:",
    "cs:reply:",
    "cs:close:",
    "cs:reopen:",
    "cs:outcome:",
    "ack:",
    "sd:",
    "md:",
    "md:taken:",
    "rx:",
    "rx:confirm:",
    "ka:",
    "cp:",
    "cp:c:",
    "ch:",
    "te:",
    "bc:",
    "en:",
    "en:r:",
    "en:c:",
    "sv:",
    "stop:",
)


NUMBER = st.sampled_from(NUMBERS)
SUFFIX = st.text(max_size=20) | st.sampled_from(
    ("yes", "no", "save", "cancel", "1:yes", "1:resolved", "c:other", "r:patient")
)
RAW = st.binary(max_size=64).flatmap(
    lambda b: st.sampled_from((b.decode("utf-8", "replace"), b.decode("latin-1")))
)


def _other_ids(data: str, numbers: list[str]) -> str:
    """Replace each number in real callback data by another one (other users, other cases)."""
    found = iter(numbers)
    return re.sub(r"\d+", lambda m: next(found, m[0]), data)


def callback_data(world: World) -> st.SearchStrategy[str]:
    real = st.sampled_from(world.buttons)
    return st.one_of(
        real,
        st.builds(_other_ids, real, st.lists(NUMBER, min_size=4, max_size=4)),
        st.builds(str.__add__, st.sampled_from(PREFIXES), SUFFIX | NUMBER),
        RAW,
        real.map(lambda d: d[: len(d) // 2]),
    )


@dataclass(frozen=True)
class Press:
    who: str  # stranger | patient | staff | supervisor | admin
    user: int
    chat: int
    data: str


def presses(world: World) -> st.SearchStrategy[Press]:
    pressers = st.one_of(
        st.tuples(st.just("stranger"), st.sampled_from(STRANGERS), st.booleans()),
        st.tuples(st.just("patient"), st.sampled_from(PATIENTS), st.just(False)),
        st.tuples(st.just("staff"), st.just(STAFF), st.booleans()),
        st.tuples(st.just("supervisor"), st.just(SUPERVISOR), st.booleans()),
        st.tuples(st.just("admin"), st.just(ADMIN), st.booleans()),
    )
    return st.builds(
        lambda p, data: Press(p[0], p[1], GROUP if p[2] else p[1], data),
        pressers,
        callback_data(world),
    )


def must_change_nothing(world: World, press: Press) -> bool:
    """A press by someone without the right: strangers, or buttons that are not theirs."""
    prefix = press.data.split(":")[0]
    if press.who == "stranger":
        return True
    if press.who == "patient":
        own = world.offered.get(press.chat, set())
        others = (b for chat, b in world.offered.items() if chat != press.chat)
        foreign = any(re.search(r"\d", press.data) and press.data in b for b in others)
        return prefix in STAFF_ONLY or (foreign and press.data not in own)
    if press.who in ("staff", "supervisor"):
        return prefix in ADMIN_ONLY or (press.who == "staff" and prefix == "sd")
    return False


@settings(max_examples=100, deadline=None, suppress_health_check=SLOW_OK)
@given(data=st.data())
def test_random_presses_fail_nothing_and_forged_ones_change_nothing(
    world: World, data: st.DataObject, no_errors: pytest.LogCaptureFixture
) -> None:
    press = data.draw(presses(world))
    bot, harness = world.bot, world.harness
    db = database(harness)
    before, calls = dump(db), len(harness.telegram.calls)
    bot.run(harness.press(press.chat, press.data, user_id=press.user))
    sent = bot.calls_since(calls)
    check_sent(sent)
    world.note_buttons(sent)
    assert_no_errors(no_errors)
    changed = dump(db) != before
    event(f"{press.who}: {'changed' if changed else 'nothing changed'}")
    if must_change_nothing(world, press):
        assert not changed, f"{press} changed the database"
    check_consistent(db)


@pytest.mark.parametrize(
    "data", ["cs:take:²", "ack:²", "ch:²:yes", "md:taken:²", "sd:failed:20261101:20261130:²"]
)
def test_digit_like_ids_are_refused(
    world: World, data: str, no_errors: pytest.LogCaptureFixture
) -> None:
    """Regression: superscript digits pass str.isdigit() but not int(); presses crashed."""
    bot, harness = world.bot, world.harness
    for user, chat in ((STAFF, GROUP), (PATIENTS[0], PATIENTS[0]), (SUPERVISOR, SUPERVISOR)):
        calls = len(harness.telegram.calls)
        bot.run(harness.press(chat, data, user_id=user))
        check_sent(bot.calls_since(calls))
    assert_no_errors(no_errors)
