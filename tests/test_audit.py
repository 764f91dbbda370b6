"""The audit log: reads of patient data and changes, who and when; /audit for admins only."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.demo.harness import BotHarness
from bot.domain.actors import ActorKind
from bot.domain.roles import Role
from bot.settings import Settings
from bot.storage.audit import Actor
from bot.storage.plan_edits import PlanChange
from tests.harness import START
from tests.stats_cohort import build_cohort
from tests.test_complaints import GROUP, STAFF, complain, group_calls, reply_to_patient, setup

runner = CliRunner()
ADMIN = 7300


async def _actions(harness: BotHarness) -> list[tuple[str, str, str | None]]:
    entries = await harness.services.store.audit.since(START)
    return [(str(Actor(ActorKind(e.actor_kind), e.actor_id)), e.action, e.subject) for e in entries]


async def test_case_work_and_consent_are_audited_with_who(harness: BotHarness) -> None:
    await setup(harness)
    await complain(harness)
    thread = int(str(group_calls(harness, "sendMessage")[0]["message_thread_id"]))
    await harness.press(GROUP, "cs:take:1", user_id=STAFF)
    await harness.text(GROUP, "已核实,备注一下。", user_id=STAFF, thread_id=thread)
    await reply_to_patient(harness, 1, "已核实,向您致歉。", thread)
    actions = await _actions(harness)
    assert ("contact:1", "consent.granted", "contact:1") in actions
    assert ("bot:bot", "case.posted", "case:1") in actions  # the card shown to the staff group
    assert (f"staff:{STAFF}", "case.taken", "case:1") in actions
    assert (f"staff:{STAFF}", "case.note", "case:1") in actions
    assert (f"staff:{STAFF}", "case.replied", "case:1") in actions
    stored = str(await harness.services.store.audit.since(START))
    assert "已核实" not in stored and "张三丰" not in stored and "ZY001" not in stored


async def test_edits_reports_and_drill_downs_are_audited(harness: BotHarness) -> None:
    await build_cohort(harness)
    store, now = harness.services.store, harness.clock.now()
    await store.staff.upsert(802, Role.SUPERVISOR, None, "医务科", now)
    await store.templates.save("enrol/agreed", "zh_CN", "谢谢", 802, now)
    await store.plan_edits.add(PlanChange("general", "day3", "offset", "4d"), 802, now)
    await harness.text(802, "/report 2026-11")
    await harness.text(802, "/stats 2026-11")
    await harness.press(802, harness.telegram.button(802, "sd:"))
    actions = [(actor, action) for actor, action, _ in await _actions(harness)]
    for action in ("template.edit", "plan.edit", "report.read", "stats.drill"):
        assert ("staff:802", action) in actions


async def test_audit_command_is_for_admins_only(harness: BotHarness) -> None:
    await setup(harness)
    await complain(harness)
    await harness.services.store.staff.upsert(ADMIN, Role.ADMIN, None, "信息科", START)
    await harness.text(ADMIN, "/audit 7")
    shown = harness.telegram.last_text(ADMIN)
    assert "case.created" in shown and "consent.granted" in shown
    await harness.text(ADMIN, f"/audit 7 {STAFF}")
    assert "case.created" not in harness.telegram.last_text(ADMIN)  # only that actor's
    await harness.text(ADMIN, "/audit lots")
    assert "/audit 7" in harness.telegram.last_text(ADMIN)  # usage
    await harness.text(STAFF, "/audit 7")
    refusal = harness.telegram.last_text(STAFF)
    assert "管理员" in refusal and "case" not in refusal


def test_cli_lists_by_date_and_actor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.stats_cohort import cohort_database

    cohort_database(tmp_path, monkeypatch)
    listed = runner.invoke(app, ["audit", "--since", "2026-11-01"])
    assert listed.exit_code == 0 and "consent.granted" in listed.stdout
    assert (
        runner.invoke(app, ["audit", "--since", "2026-11-01", "--actor", "9"]).stdout.count(
            "case.acknowledged"
        )
        == 2
    )
    as_json = runner.invoke(app, ["audit", "--since", "2026-11-01", "--json"])
    assert as_json.stdout.splitlines()[0].startswith("{")
    later = runner.invoke(app, ["audit", "--since", "2099-01-01"])
    assert later.exit_code == 0 and later.stdout == ""
    bad = runner.invoke(app, ["audit", "--since", "2026-13-01"])
    assert bad.exit_code == 1 and "YYYY-MM-DD" in bad.output


def test_imports_from_the_cli_are_audited(cli_env: Settings, tmp_path: Path) -> None:
    source = tmp_path / "list.csv"
    source.write_text(
        "住院号,姓名,科室,出院日期,同意回访,联系电话\nA1,王五,心内科,2026-11-20,是,13800000001\n",
        encoding="utf-8",
    )
    assert runner.invoke(app, ["import", str(source)]).exit_code == 0
    listed = runner.invoke(app, ["audit", "--since", "2000-01-01"]).stdout
    assert "import  file:list.csv  new 1" in listed and "cli:" in listed
