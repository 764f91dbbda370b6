"""The world the update fuzzing runs in: a live bot with patients, staff and what it offered."""

from __future__ import annotations

import itertools
import logging
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.demo.fake_telegram import Call, keyboard
from bot.demo.harness import BotHarness
from bot.domain.roles import Role
from bot.storage.database import sqlite_path
from tests.fuzzing import LiveBot
from tests.harness import RecordFields, enrol, local, record, seed

PATIENTS = (501, 502)
STAFF, SUPERVISOR, ADMIN = 7100, 7200, 901
STRANGERS = (990, 991)
STAFF_ONLY = ("cs", "ack", "te", "bc", "sd")
ADMIN_ONLY = ("te", "bc")
GENERAL: RecordFields = {"department": "呼吸科", "discharged_at": local("2026-11-20")}
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


async def set_up_world(harness: BotHarness) -> None:
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


def assert_no_errors(caplog: pytest.LogCaptureFixture) -> None:
    failed = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not failed, [(r.getMessage(), r.exc_info) for r in failed]


NUMBERS = ("0", "1", "2", "3", "7", "999", "-1", "01", "²", "١", "१२", "１", "9" * 19, "9" * 40, "")
