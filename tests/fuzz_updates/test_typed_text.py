"""Typed text and command arguments, however odd, are escaped where shown and never fail."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from bot.demo.fake_telegram import Call
from bot.services.invitations import invite_patient
from bot.storage.audit import Actor
from bot.storage.imports import apply_discharge_records
from tests.fuzz_updates.world import (
    ADMIN,
    FREE_TEXT_QUESTIONS,
    HAPPY,
    MARK,
    NUMBERS,
    PATIENTS,
    STAFF,
    STRANGERS,
    SUPERVISOR,
    World,
    _complain,
    assert_no_errors,
    check_consistent,
    database,
)
from tests.fuzzing import SLOW_OK, check_sent
from tests.fuzzing import STAFF_GROUP as GROUP
from tests.harness import enrol, record

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
