"""Crash tests of state that must survive SIGKILL: an import's transaction, a survey under way.

Shared by benchmarks/crash_test.py and tests/test_crash.py, with benchmarks/crash.py.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.common import fill_outbox, migrated_sqlite, minutes_ago, start_fake_botapi
from benchmarks.crash import (
    PATIENCE,
    CrashTestError,
    Followup,
    current_fingerprint,
    kill,
    loopback,
    query,
    stop,
    wait_until,
)
from benchmarks.import_100k import write_list
from bot.demo.fake_telegram import BOT_ID
from bot.templating import Renderer

# ---------------------------------------------------------------- an import under kill -9


@dataclass
class ImportResult:
    rows: int
    seed: int
    killed_after: float  # seconds after the import said it was writing
    killed_while_running: bool
    patients_after_kill: int  # the list's patients in the database after the kill
    stays_after_kill: int  # and the file's stays (episodes)
    integrity: str
    rerun_exit: int
    patients_after_rerun: int
    stays_after_rerun: int

    def problems(self) -> list[str]:
        """Return the requirements this run broke (none: it passed)."""
        found = []
        if {self.patients_after_kill, self.stays_after_kill} not in ({0}, {self.rows}):
            found.append(
                f"import half-written: {self.patients_after_kill} patients and "
                f"{self.stays_after_kill} stays of {self.rows} after the kill"
            )
        if self.integrity != "ok":
            found.append(f"database damaged after the kill: {self.integrity}")
        complete = {self.patients_after_rerun, self.stays_after_rerun} == {self.rows}
        if self.rerun_exit != 0 or not complete:
            found.append(
                f"re-run of the import: exit {self.rerun_exit}, {self.patients_after_rerun} "
                f"patients and {self.stays_after_rerun} stays of {self.rows}"
            )
        return found


def import_crash(folder: Path, rows: int, seed: int, kill_within: float) -> ImportResult:
    """Kill `followup import` of a `rows`-row list at a random moment while it writes."""
    rng = random.Random(seed)
    source = folder / "discharges.csv"
    write_list(source, rows)
    database = folder / "import.db"
    migrated_sqlite(database)
    followup = Followup(folder, database)
    writing = Renderer().render("cli/import_writing")  # the progress bar's label, on stderr
    with followup.running("import", str(source)) as importing:

        def started_writing() -> bool:
            if importing.poll() is not None:
                raise CrashTestError(
                    f"followup import ended before writing:\n{followup.log_tail()}"
                )
            return writing in followup.log_tail()

        wait_until(started_writing, "the import to start writing")
        delay = rng.uniform(0.0, kill_within)
        time.sleep(delay)
        running = kill(importing)
    after_kill = _imported(database, source)
    integrity = str(query(database, "PRAGMA integrity_check")[0][0])
    with followup.running("import", str(source)) as rerun:
        rerun_exit = rerun.wait(timeout=PATIENCE)
    return ImportResult(
        rows,
        seed,
        delay,
        running,
        *after_kill,
        integrity,
        rerun_exit,
        *_imported(database, source),
    )


def _imported(database: Path, source: Path) -> tuple[int, int]:
    """Return how many patients of the generated list, and stays from the file, are stored."""
    patients = query(database, "SELECT count(*) FROM patients WHERE hospital_no LIKE 'ZY%'")
    stays = query(database, "SELECT count(*) FROM episodes WHERE source_file = ?", source.name)
    return int(patients[0][0]), int(stays[0][0])


# ---------------------------------------------------------------- a survey under kill -9

CHAT = 10_001  # the one contact fill_outbox makes (its user id is the same)
BEFORE_KILL = (("good_time", "yes"), ("condition", "better"), ("new_symptoms", "no"))
AFTER_RESTART = ("medicines", "yes")


@dataclass
class SurveyResult:
    seed: int
    killed_after: float  # seconds after the bot asked the question left open
    answers: dict[str, str]  # as stored after the restart
    sessions: int
    open_question: str | None  # the session's open question in the database
    asked_after_restart: str | None  # the question the bot asked after the answer

    def problems(self) -> list[str]:
        """Return the requirements this run broke (none: it passed)."""
        expected = dict((*BEFORE_KILL, AFTER_RESTART))
        found = []
        if self.sessions != 1 or self.answers != expected:
            found.append(f"survey not resumed: {self.sessions} sessions, answers {self.answers}")
        if self.asked_after_restart is None or self.asked_after_restart != self.open_question:
            found.append(
                f"next question: asked {self.asked_after_restart}, open {self.open_question}"
            )
        return found


def survey_crash(folder: Path, seed: int) -> SurveyResult:
    """Answer a check-in's first questions, kill -9 the bot, restart it, answer the next one."""
    rng = random.Random(seed)
    database = folder / "survey.db"
    migrated_sqlite(database)
    fill_outbox(
        database,
        1,
        1,
        "plans/general/day3_checkin",
        minutes_ago(1),
        current_fingerprint(),
        kind="checkin",
        survey="checkin_first",
        payload=lambda _n: {},
    )
    server, port = start_fake_botapi(limits=False)
    followup = Followup(folder, database, port)
    try:
        with followup.running("run") as bot:
            question = _next_question(port, 0)
            for key, value in BEFORE_KILL:
                question = _answer(port, question, key, value)
            delay = rng.uniform(0.0, 1.0)
            time.sleep(delay)
            if not kill(bot):
                raise CrashTestError(f"followup run ended before the kill:\n{followup.log_tail()}")
        with followup.running("run") as bot:
            asked = _answer(port, question, *AFTER_RESTART)
            stop(bot)
    finally:
        kill(server)
    return SurveyResult(seed, delay, *_stored_survey(database), _question_key(asked))


def _next_question(port: int, seen: int) -> dict[str, Any]:
    """Wait for the bot's next message to the patient after the first `seen` ones."""
    sent: list[dict[str, Any]] = []

    def arrived() -> bool:
        sent[:] = loopback(port, f"/sent?chat_id={CHAT}")
        return len(sent) > seen

    wait_until(arrived, f"message {seen + 1} of the survey")
    return {**sent[seen], "index": seen}


def _answer(port: int, question: dict[str, Any], key: str, value: str) -> dict[str, Any]:
    """Press the answer button `value` of `question` (which must ask `key`); return the next."""
    if _question_key(question) != key:
        raise CrashTestError(f"expected the question {key}, got {question['text']!r}")
    buttons = [b for row in question["reply_markup"]["inline_keyboard"] for b in row]
    data = next(b["callback_data"] for b in buttons if b["callback_data"].endswith(f":{value}"))
    loopback(port, "/updates", _button_press(question, data))
    return _next_question(port, question["index"] + 1)


def _question_key(question: dict[str, Any]) -> str | None:
    """Return the survey question a message asks, from its buttons' data (sv:session:key:value)."""
    markup = question.get("reply_markup") or {"inline_keyboard": []}
    data = [b["callback_data"] for row in markup["inline_keyboard"] for b in row]
    return data[0].split(":")[2] if data else None


def _button_press(question: dict[str, Any], data: str) -> dict[str, Any]:
    """Return the Bot API update of the patient pressing a button under a bot message."""
    user = {"id": CHAT, "is_bot": False, "first_name": "患者", "language_code": "zh"}
    message = {
        "message_id": question["message_id"],
        "date": int(time.time()),
        "chat": {"id": CHAT, "type": "private"},
        "from": {"id": BOT_ID, "is_bot": True, "first_name": "Followup"},
        "text": question["text"],
    }
    query_ = {"id": str(time.monotonic_ns()), "from": user, "chat_instance": str(CHAT)}
    return {"callback_query": {**query_, "message": message, "data": data}}


def _stored_survey(database: Path) -> tuple[dict[str, str], int, str | None]:
    """Return the answers, the number of sessions and the open question, as stored."""
    answers = query(database, "SELECT question, value FROM survey_answers")
    sessions = query(database, "SELECT current_question FROM survey_sessions")
    open_question = sessions[0][0] if len(sessions) == 1 else None
    return dict(answers), len(sessions), open_question
