"""`followup patient deceased|dispute HOSPITAL_NO`: the same fact as in chat, from a terminal."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from bot.domain.patient_facts import PatientFact
from bot.settings import Settings
from bot.storage import migrate
from bot.storage.outbox_records import MessageStatus
from bot.storage.patient_facts import RecordedFact
from bot.storage.schema import scheduled_messages
from bot.storage.store import Store
from tests.harness import record, seed

runner = CliRunner()


def _seeded(settings: Settings) -> None:
    asyncio.run(seed(settings, record("F1"), record("F2", name="李四")))


def _facts(settings: Settings, hospital_no: str) -> tuple[list[RecordedFact], int]:
    """Return the patient's recorded facts and how many messages are pending for it."""

    async def read() -> tuple[list[RecordedFact], int]:
        store = Store.open(settings.database_url)
        await migrate.upgrade(store.engine)
        episode = await store.episodes.latest_for(hospital_no)
        assert episode is not None
        pending = await store.outbox.rows(
            scheduled_messages.c.patient_id == episode.patient_id,
            scheduled_messages.c.status == MessageStatus.PENDING.value,
        )
        history = await store.facts.history(episode.patient_id)
        await store.close()
        return history, len(pending)

    return asyncio.run(read())


def test_deceased_asks_for_the_number_again_records_and_audits(cli_env: Settings) -> None:
    _seeded(cli_env)
    mismatch = runner.invoke(app, ["patient", "deceased", "F1"], input="F2\n")
    assert mismatch.exit_code == 1 and "未作任何更改" in mismatch.output
    assert _facts(cli_env, "F1")[0] == []

    done = runner.invoke(app, ["patient", "deceased", "F1", "--date", "2026-11-30"], input="F1\n")
    assert done.exit_code == 0, done.output
    assert "张三丰" in done.output and "已停止" in done.output
    [fact], pending = _facts(cli_env, "F1")
    assert (fact.fact, fact.active, fact.on_date, fact.source) == (
        PatientFact.DECEASED,
        True,
        date(2026, 11, 30),
        "cli",
    )
    assert fact.actor.startswith("cli:") and pending == 0

    again = runner.invoke(app, ["patient", "deceased", "F1", "--yes"])
    assert again.exit_code == 0 and "未作更改" in again.output
    listed = runner.invoke(app, ["audit", "--since", "2000-01-01"])
    assert listed.stdout.count("patient.deceased") == 1
    assert "F1" not in listed.stdout and "张三丰" not in listed.stdout


def test_dispute_on_and_off(cli_env: Settings) -> None:
    _seeded(cli_env)
    on = runner.invoke(app, ["patient", "dispute", "F2", "--on", "--yes"])
    assert on.exit_code == 0, on.output
    off = runner.invoke(app, ["patient", "dispute", "F2", "--off", "--yes"])
    assert off.exit_code == 0 and "恢复随访" in off.output
    history, _pending = _facts(cli_env, "F2")
    assert [(f.fact, f.active) for f in history] == [
        (PatientFact.DISPUTE, True),
        (PatientFact.DISPUTE, False),
    ]
    assert _facts(cli_env, "F1")[0] == []  # the other patient is untouched


def test_bad_input_changes_nothing(cli_env: Settings, tmp_path: Path) -> None:
    _seeded(cli_env)
    unknown = runner.invoke(app, ["patient", "deceased", "NOPE", "--yes"])
    assert unknown.exit_code == 1 and "NOPE" in unknown.output and "没有找到" in unknown.output
    bad_date = runner.invoke(app, ["patient", "deceased", "F1", "--date", "30/11", "--yes"])
    assert bad_date.exit_code == 1 and "YYYY-MM-DD" in bad_date.output
    future = runner.invoke(app, ["patient", "deceased", "F1", "--date", "2999-01-01", "--yes"])
    assert future.exit_code == 1 and "将来" in future.output
    no_switch = runner.invoke(app, ["patient", "dispute", "F1", "--yes"])
    assert no_switch.exit_code == 2 and "--on" in no_switch.output
    assert _facts(cli_env, "F1")[0] == []


def test_a_death_recorded_in_error_is_withdrawn_from_the_cli_only(cli_env: Settings) -> None:
    _seeded(cli_env)
    nothing = runner.invoke(app, ["patient", "deceased", "F1", "--revoke", "--yes"])
    assert nothing.exit_code == 0 and "没有登记为已故" in nothing.output
    assert runner.invoke(app, ["patient", "deceased", "F1", "--yes"]).exit_code == 0
    asked = runner.invoke(app, ["patient", "deceased", "F1", "--revoke"], input="F1\n")
    assert asked.exit_code == 0, asked.output
    assert "撤销" in asked.output and "恢复随访" in asked.output
    history, _pending = _facts(cli_env, "F1")
    assert [(f.fact, f.active) for f in history] == [
        (PatientFact.DECEASED, True),
        (PatientFact.DECEASED, False),
    ]
    listed = runner.invoke(app, ["audit", "--since", "2000-01-01"])
    assert "patient.deceased_off" in listed.stdout
