"""Fuzzing the bot through the real Application: forged presses, hostile text, odd commands.

One bot runs for each test, set up with two enrolled patients (check-ins, medicine and
re-examination reminders, a complaint with its topic, a red flag), staff, a supervisor and
an admin. Examples then press random callback data (real buttons, other users' and other
cases' ids, prefixes of real ones, random bytes) as strangers, patients and staff, and type
text (over 4096 characters, emoji, control characters, HTML, RTL marks, zero-width
characters) in enrolment, in a check-in's free-text question, in /complain, in a case
thread, and as command arguments.

Properties: no handler fails (no apology, nothing logged at ERROR); a press by someone
without the right changes nothing in the database; every message is one Telegram takes
(its HTML rules, 1-4096 characters shown, captions 1024, alerts 200); typed `<b>` reaches
HTML messages as `&lt;b&gt;`; SQLite finds no damage and no dangling foreign key.
"""

from __future__ import annotations

import itertools
import logging
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from bot.demo.fake_telegram import Call, keyboard
from bot.demo.harness import BotHarness
from bot.domain.roles import Role
from bot.services.invitations import invite_patient
from bot.storage.audit import Actor
from bot.storage.database import sqlite_path
from bot.storage.imports import apply_discharge_records
from tests.fuzzing import SLOW_OK, LiveBot, check_sent, live_bot
from tests.fuzzing import STAFF_GROUP as GROUP
from tests.harness import enrol, local, record, seed

PATIENTS = (501, 502)
STAFF, SUPERVISOR, ADMIN = 7100, 7200, 901
STRANGERS = (990, 991)
STAFF_ONLY = ("cs", "ack", "te", "bc", "sd")
ADMIN_ONLY = ("te", "bc")
GENERAL = {"department": "呼吸科", "discharged_at": local("2026-11-20")}
MARK = "Ⓜ"  # precedes a typed <b>, to find the user's text in what the bot sends
HAPPY = {
    "respondent": "patient",
    "good_time": "yes",
    "condition": "better",
    "new_symptoms": "no",
    "medicines": "yes",
    "diet": "good",
    "sleep": "good",
    "exercise": "good",
    "reexam": "booked",
    "doctor_question": "no",
    "recommend": "9",
}
FREE_TEXT_QUESTIONS = {"question_text": ("doctor_question", "yes")}
FREE_TEXT_QUESTIONS["doctors_complaint"] = ("sat_doctors", "unsatisfied")


@dataclass
class World:
    """The running bot and what it offered so far: callback data by chat."""

    bot: LiveBot
    offered: dict[int, set[str]] = field(default_factory=dict)
    buttons: tuple[str, ...] = ()  # what the set-up offered (fixed: examples draw from it)
    numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def harness(self) -> BotHarness:
        return self.bot.harness

    def note_buttons(self, calls: list[Call]) -> None:
        """Remember the callback data of every button the bot sent, by chat."""
        for call in calls:
            chat = call.params.get("chat_id")
            for _label, data in keyboard(call.params.get("reply_markup")):
                if chat is not None:
                    self.offered.setdefault(int(chat), set()).add(data)

    def all_offered(self) -> tuple[str, ...]:
        return tuple(sorted({data for buttons in self.offered.values() for data in buttons}))


async def _set_up(harness: BotHarness) -> None:
    meds = {"medications": "阿司匹林肠溶片 100mg qd 30天", "revisit_at": local("2026-11-26").date()}
    await seed(
        harness.settings,
        record("ZY001", nurse="王护士", **meds, **GENERAL),
        record("ZY002", name="李四", **GENERAL),
        record("ZY003", name="王五", **GENERAL),
    )
    await enrol(harness, PATIENTS[0], "ZY001")
    await enrol(harness, PATIENTS[1], "ZY002")
    now, staff = harness.clock.now(), harness.services.store.staff
    await staff.upsert(STAFF, Role.STAFF, None, "刘护士长", now)
    await staff.upsert(SUPERVISOR, Role.SUPERVISOR, None, "张主任", now)
    await staff.upsert(ADMIN, Role.ADMIN, None, "信息科", now)
    for moment in (local("2026-11-23", "08:00"), local("2026-11-23", "11:20")):
        harness.clock.advance(moment - harness.clock.now())
        await harness.tick()  # medicine and re-examination reminders, then check-ins
    await _complain(harness, PATIENTS[1], "夜里病房太吵。")
    await harness.press(PATIENTS[0], _answer_button(harness, PATIENTS[0], "respondent"))
    await harness.press(PATIENTS[0], _answer_button(harness, PATIENTS[0], "good_time"))
    worse = _answer_button(harness, PATIENTS[0], "condition", "worse")
    await harness.press(PATIENTS[0], worse)  # a red flag: an Acknowledge button for staff
    await harness.text(SUPERVISOR, "/stats")
    await harness.text(ADMIN, "/edit stop/kept zh_CN")
    await harness.text(ADMIN, "好的,随访将继续。")


async def _complain(harness: BotHarness, chat: int, text: str) -> None:
    await harness.text(chat, "/complain")
    await harness.text(chat, text)
    await harness.press(chat, "cp:c:other")
    await harness.press(chat, "cp:ok")


def _answer_button(harness: BotHarness, chat: int, question: str, value: str = "") -> str:
    pattern = re.compile(rf"^sv:\d+:{question}:{value or HAPPY.get(question, '')}")
    return next(d for d in harness.telegram.latest_buttons(chat) if pattern.match(d))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with live_bot(tmp_path_factory.mktemp("fuzz-updates")) as bot:
        found = World(bot)
        bot.run(_set_up(bot.harness))
        found.note_buttons(bot.harness.telegram.calls)
        found.buttons = found.all_offered()
        assert {d.split(":")[0] for d in found.buttons} >= {
            "sv",
            "md",
            "rx",
            "cs",
            "ack",
            "sd",
            "te",
        }
        yield found


def database(harness: BotHarness) -> Path:
    path = sqlite_path(harness.settings.database_url)
    assert path is not None
    return path


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table."""
    with sqlite3.connect(path) as conn:
        names = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: conn.execute(f'SELECT * FROM "{n}" ORDER BY rowid').fetchall() for n in names}


def check_consistent(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


@pytest.fixture
def no_errors(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.ERROR)
    yield caplog


def assert_no_errors(caplog: pytest.LogCaptureFixture) -> None:
    failed = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not failed, [(r.getMessage(), r.exc_info) for r in failed]


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
NUMBERS = ("0", "1", "2", "3", "7", "999", "-1", "01", "²", "١", "१२", "１", "9" * 19, "9" * 40, "")
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


# ---------------------------------------------------------------------------- typed text

SPECIALS = (
    "<b>",
    "</b>",
    "<",
    ">",
    "&",
    "&amp;",
    "&lt;",
    '"',
    "'",
    "<a href='x'>",
    "\u202e",
    "\u200f",
    "\u200e",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\x00",
    "\x07",
    "\x1b[31m",
    "\r",
    "\n",
    "\r\n\r\n\r\n",
    "\t",
    "😀",
    "👨‍👩‍👧",
    "🇨🇳",
    "{{ hospital }}",
    "{% raw %}",
    "%s",
    "{0}",
    "\\",
    "`",
    "*_~",
    "[x](tg://user?id=1)",
    "/start",
    "住院号",
    "８００１",
    "8001",
)
PIECES = st.sampled_from(SPECIALS) | st.text(max_size=15)
LONG = st.sampled_from(("长" * 4096, "&" * 4000, "<b>" * 1400, "😀" * 4100, "a" * 5000))


@st.composite
def typed_texts(draw: st.DrawFn) -> str:
    """Text as a user may type (or a client may forge): always with a marked <b> early on."""
    body = "".join(draw(st.lists(PIECES, max_size=8)))
    if draw(st.integers(0, 5)) == 0:
        body += draw(LONG)
    return draw(st.sampled_from(("", " ", "x"))) + MARK + "<b>" + body


def check_escaped(calls: list[Call]) -> None:
    """Wherever the typed text shows in an HTML message, its <b> arrived as &lt;b&gt;."""
    for call in calls:
        text = str(call.params.get("text", call.params.get("caption", "")))
        if call.params.get("parse_mode") == "HTML" and MARK in text:
            assert MARK + "&lt;b&gt;" in text, text[:300]


async def _in_enrolment(world: World, text: str) -> None:
    harness, chat = world.harness, 20_000 + next(world.numbers)
    issued = await invite_patient(
        harness.services.store, "ZY003", harness.clock.now(), 30, Actor.cli()
    )
    await harness.text(chat, f"/start {issued.token}")
    await harness.text(chat, text)


async def _new_patient(world: World) -> tuple[int, int]:
    """Import and enrol a new patient discharged four days ago; return (chat, patient id)."""
    harness, number = world.harness, next(world.numbers)
    chat, hospital_no, now = 30_000 + number, f"FZ{number:04d}", world.harness.clock.now()
    new = record(hospital_no, department="呼吸科", discharged_at=now - timedelta(days=4))
    await apply_discharge_records(harness.services.store.engine, [new], "fuzz.csv", now)
    contact = await enrol(harness, chat, hospital_no)
    return chat, contact.patient_id


async def _in_a_checkin(world: World, text: str, question: str) -> None:
    """A new patient whose check-in is due now, walked to a free-text question."""
    harness = world.harness
    chat, _ = await _new_patient(world)
    await harness.tick()
    asked, value = FREE_TEXT_QUESTIONS[question]
    for _ in range(20):
        buttons = harness.telegram.latest_buttons(chat)
        current = next((b.split(":")[2] for b in buttons if b.startswith("sv:")), None)
        if current is None or current == question:
            break
        choice = value if current == asked else HAPPY.get(current, "")
        pattern = re.compile(rf"^sv:\d+:{current}:{choice}")
        await harness.press(chat, next(b for b in buttons if pattern.match(b)), user_id=chat)
        if current == asked:
            break
    [session] = await harness.services.store.surveys.open_for_chat(chat)
    assert session.current_question == question
    await harness.text(chat, text)


async def _in_a_complaint(world: World, text: str) -> None:
    """/complain with the text; staff reply, the patient answers, staff close with it."""
    harness = world.harness
    chat, patient = await _new_patient(world)
    await _complain(harness, chat, text)
    [case] = await harness.services.store.cases.for_patient(patient)
    thread = case.topic_id
    await harness.press(GROUP, f"cs:take:{case.id}", user_id=STAFF)
    await harness.text(GROUP, text, user_id=STAFF, thread_id=thread)
    await harness.text(chat, text)
    await harness.press(GROUP, f"cs:close:{case.id}", user_id=STAFF)
    await harness.press(GROUP, f"cs:outcome:{case.id}:resolved", user_id=STAFF)
    await harness.text(GROUP, text, user_id=STAFF, thread_id=thread)


async def _from_a_stranger(world: World, text: str) -> None:
    harness, chat = world.harness, STRANGERS[0]
    await harness.text(chat, text)
    await harness.text(chat, "/complain")
    await harness.text(chat, text)
    await harness.text(GROUP, text, user_id=chat)


# a check-in takes ten presses to reach its free-text question: drawn half as often
CONTEXTS = ("enrolment", "complaint", "stranger") * 2 + (
    "checkin:question_text",
    "checkin:doctors_complaint",
)


@settings(max_examples=30, deadline=None, suppress_health_check=SLOW_OK)
@given(text=typed_texts(), where=st.sampled_from(CONTEXTS))
@example(text=MARK + "<b>" + "&" * 4000, where="complaint")
@example(text=MARK + "<b>" + "长" * 4093, where="complaint")
def test_typed_text_is_escaped_and_never_fails(
    world: World, text: str, where: str, no_errors: pytest.LogCaptureFixture
) -> None:
    bot, harness = world.bot, world.harness
    calls = len(harness.telegram.calls)
    if where == "enrolment":
        bot.run(_in_enrolment(world, text))
    elif where.startswith("checkin:"):
        bot.run(_in_a_checkin(world, text, where.split(":")[1]))
    elif where == "complaint":
        bot.run(_in_a_complaint(world, text))
    else:
        bot.run(_from_a_stranger(world, text))
    sent = bot.calls_since(calls)
    check_sent(sent)
    check_escaped(sent)
    world.note_buttons(sent)
    assert_no_errors(no_errors)
    event(where)
    check_consistent(database(harness))


# ---------------------------------------------------------------------------- commands

COMMANDS = (
    "/start",
    "/help",
    "/stop",
    "/complain",
    "/praise",
    "/invite",
    "/stats",
    "/report",
    "/audit",
    "/templates",
    "/template",
    "/edit",
    "/history",
    "/rollback",
    "/plans",
    "/plan",
    "/planstep",
    "/broadcast",
    "/deceased",
    "/dispute",
)
ARGUMENTS = st.lists(
    st.sampled_from(NUMBERS)
    | PIECES
    | st.sampled_from(("stop/kept", "zh_CN", "general", "day3", "ZY003", "2026-11", "呼吸科")),
    max_size=4,
)


@settings(max_examples=40, deadline=None, suppress_health_check=SLOW_OK)
@given(
    command=st.sampled_from(COMMANDS),
    arguments=ARGUMENTS,
    user=st.sampled_from((STRANGERS[1], PATIENTS[1], STAFF, SUPERVISOR, ADMIN)),
)
@example(command="/audit", arguments=["²"], user=ADMIN)
@example(command="/rollback", arguments=["stop/kept", "²"], user=ADMIN)
def test_commands_with_odd_arguments_never_fail(
    world: World,
    command: str,
    arguments: list[str],
    user: int,
    no_errors: pytest.LogCaptureFixture,
) -> None:
    bot, harness = world.bot, world.harness
    calls = len(harness.telegram.calls)
    words = [a.replace(" ", "_") or "_" for a in arguments if "\n" not in a]
    bot.run(harness.text(user, " ".join([command, *words])))
    bot.run(harness.text(user, "/stop"))  # leave no dialog open for the next example
    sent = bot.calls_since(calls)
    check_sent(sent)
    world.note_buttons(sent)
    assert_no_errors(no_errors)
    event(command)
    check_consistent(database(harness))
