"""Roles: the one check, the staff CLI, and /invite in the bot refused to non-staff."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.demo.harness import BotHarness
from bot.domain.roles import Permission, Role, is_allowed, parse_role
from tests.harness import record, seed

runner = CliRunner()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (None, set()),
        (Role.DOCTOR, {Permission.ISSUE_INVITES, Permission.WORK_CASES, Permission.WORK_CALLS}),
        (
            Role.STAFF,
            {
                Permission.ISSUE_INVITES,
                Permission.WORK_CASES,
                Permission.RECORD_PATIENT_FACTS,
                Permission.SEE_PATIENT_PHONE,
                Permission.WORK_CALLS,
            },
        ),
        (
            Role.SUPERVISOR,
            {Permission.VIEW_STATS, Permission.WORK_CASES, Permission.SEE_PATIENT_PHONE},
        ),
        (Role.ADMIN, set(Permission) - {Permission.SEE_PATIENT_PHONE, Permission.WORK_CALLS}),
    ],
)
def test_permission_matrix(role: Role | None, allowed: set[Permission]) -> None:
    assert {p for p in Permission if is_allowed(role, p)} == allowed


def test_department_scope() -> None:
    assert is_allowed(
        Role.STAFF, Permission.ISSUE_INVITES, member_department_id=1, target_department_id=1
    )
    assert not is_allowed(
        Role.STAFF, Permission.ISSUE_INVITES, member_department_id=1, target_department_id=2
    )
    assert is_allowed(Role.STAFF, Permission.ISSUE_INVITES, target_department_id=2)


def test_parse_role_names_valid_roles() -> None:
    assert parse_role(" Admin ") is Role.ADMIN
    with pytest.raises(ValueError, match="admin, supervisor, staff, doctor"):
        parse_role("boss")


def test_staff_cli_add_list_remove(cli_env: object) -> None:
    added = runner.invoke(
        app,
        ["staff", "add", "42", "--role", "doctor", "--department", "心内科", "--name", "李明华"],
    )
    assert added.exit_code == 0, added.output
    listed = runner.invoke(app, ["staff", "list"])
    assert listed.stdout.strip() == "42\tdoctor\t心内科\t李明华"
    changed = runner.invoke(app, ["staff", "add", "42", "--role", "admin"])
    assert changed.exit_code == 0
    assert runner.invoke(app, ["staff", "list"]).stdout.splitlines() == ["42\tadmin\t\t"]
    assert runner.invoke(app, ["staff", "remove", "42"]).exit_code == 0
    missing = runner.invoke(app, ["staff", "remove", "42"])
    assert missing.exit_code == 1 and "42" in missing.output
    bad = runner.invoke(app, ["staff", "add", "7", "--role", "boss"])
    assert bad.exit_code == 2


STAFF_CHAT = 9001


async def test_invite_command_refused_to_patients_and_strangers(harness: BotHarness) -> None:
    await seed(harness.settings, record())
    await harness.text(STAFF_CHAT, "/invite ZY001")
    assert "仅限医院工作人员" in harness.telegram.last_text(STAFF_CHAT)
    assert "ZY001" not in harness.telegram.last_text(STAFF_CHAT)
    assert not [c for c in harness.telegram.calls if c.method == "sendPhoto"]


async def test_invite_command_gives_staff_a_qr_and_link(harness: BotHarness) -> None:
    await seed(harness.settings, record())
    now = harness.clock.now()
    await harness.services.store.staff.upsert(STAFF_CHAT, Role.STAFF, "心内科", "护士", now)
    await harness.text(STAFF_CHAT, "/invite ZY001")
    [photo] = [c for c in harness.telegram.calls if c.method == "sendPhoto"]
    caption = photo.params["caption"]
    assert "https://t.me/followup_test_bot?start=" in caption and "张三丰" in caption
    token = caption.split("start=")[1].split()[0]
    await harness.text(501, f"/start {token}")
    assert "后4位" in harness.telegram.last_text(501)


async def test_invite_command_respects_department_scope(harness: BotHarness) -> None:
    await seed(harness.settings, record())
    now = harness.clock.now()
    await harness.services.store.staff.upsert(STAFF_CHAT, Role.DOCTOR, "骨科", None, now)
    await harness.text(STAFF_CHAT, "/invite ZY001")
    assert "未找到您可查看" in harness.telegram.last_text(STAFF_CHAT)
    assert "张三丰" not in harness.telegram.last_text(STAFF_CHAT)


async def test_supervisor_may_not_issue_invites(harness: BotHarness) -> None:
    await seed(harness.settings, record())
    now = harness.clock.now()
    await harness.services.store.staff.upsert(STAFF_CHAT, Role.SUPERVISOR, None, None, now)
    await harness.text(STAFF_CHAT, "/invite ZY001")
    assert "仅限医院工作人员" in harness.telegram.last_text(STAFF_CHAT)


def test_invites_cli_writes_qr_files_and_index(cli_env: object, tmp_path: Path) -> None:
    sample = Path(__file__).resolve().parent.parent / "examples" / "discharge_sample.csv"
    assert runner.invoke(app, ["import", str(sample)]).exit_code == 0
    out = tmp_path / "qr"
    result = runner.invoke(
        app,
        [
            "invites",
            "--discharged-from",
            "2026-11-01",
            "--discharged-to",
            "2026-11-30",
            "--out",
            str(out),
            "--bot-username",
            "demo_bot",
        ],
    )
    assert result.exit_code == 0, result.output
    index = (out / "index.csv").read_text(encoding="utf-8-sig").splitlines()
    assert index[0] == "hospital_no,name,link"
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert len(pngs) == len(index) - 1 > 0
    assert (out / pngs[0]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert oct((out / "index.csv").stat().st_mode & 0o777) == "0o600"
    single = runner.invoke(
        app,
        [
            "invite",
            index[1].split(",")[0],
            "--bot-username",
            "demo_bot",
            "--qr",
            str(tmp_path / "one.png"),
        ],
    )
    assert single.exit_code == 0
    assert (tmp_path / "one.png").read_bytes()[:4] == b"\x89PNG"


async def test_each_role_gets_its_own_command_menu(harness: BotHarness) -> None:
    now = harness.clock.now()
    store = harness.services.store
    await store.staff.upsert(31, Role.STAFF, None, None, now)
    await store.staff.upsert(32, Role.SUPERVISOR, None, None, now)
    await store.staff.upsert(33, Role.ADMIN, None, None, now)
    await harness.restart()
    menus = {}
    for call in harness.telegram.calls:
        if call.method == "setMyCommands":
            scope = call.params.get("scope", {})
            menus[scope.get("chat_id")] = [c["command"] for c in call.params["commands"]]
    assert menus[None] == ["start", "complain", "praise", "language", "stop", "help"]
    assert menus[31] == ["calls", "invite", "stopmed", "deceased", "dispute", "help"]
    assert menus[32] == ["stats", "chart", "report", "comment", "help"]
    assert menus[33] == [
        "invite",
        "stopmed",
        "deceased",
        "dispute",
        "stats",
        "chart",
        "report",
        "comment",
        "templates",
        "plans",
        "broadcast",
        "audit",
        "help",
    ]
