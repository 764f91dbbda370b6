"""Statistics against a hand-computed cohort: every figure, and the department scope."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from bot.cli import app
from bot.demo.harness import BotHarness
from bot.domain.cases import CaseChange, CaseEventKind, CaseKind, CaseSource, CaseStatus, Deadline
from bot.domain.discharge.model import ExclusionReason
from bot.domain.enrolment import ConsentDecision
from bot.domain.periods import month_period
from bot.domain.roles import Role
from bot.domain.stats import Stats
from bot.services.statistics import compute_stats, department_id
from bot.services.steps import mark_step_answered
from bot.storage.cases import NewCase
from bot.storage.contacts import NewContact
from bot.storage.outbox_records import PlannedMessage
from bot.storage.schema import scheduled_messages as m
from bot.storage.surveys import NewSession
from tests.harness import START, enrol, local, make_settings, record, seed

NOVEMBER = month_period("2026-11")
A, B = "心内科", "呼吸科"


async def build_cohort(harness: BotHarness) -> None:
    """P1 A, P2 A, P3 B enrolled in November; P4 B no consent; P5 A in October; P6 B dispute."""
    await seed(
        harness.settings,
        record("P1", department=A, discharged_at=local("2026-11-05")),
        record("P2", department=A, discharged_at=local("2026-11-10")),
        record("P3", department=B, discharged_at=local("2026-11-12")),
        record(
            "P4",
            department=B,
            discharged_at=local("2026-11-15"),
            consent=False,
            exclusion=ExclusionReason.NO_CONSENT,
        ),
        record("P5", department=A, discharged_at=local("2026-10-30")),
        record(
            "P6",
            department=B,
            discharged_at=local("2026-11-20"),
            flags="纠纷",
            exclusion=ExclusionReason.DISPUTE,
        ),
    )
    store, now = harness.services.store, harness.clock.now()
    for number, chat in (("P1", 1), ("P2", 2), ("P3", 3)):
        episode = await store.episodes.latest_for(number)
        assert episode is not None
        new = NewContact(episode.patient_id, episode.id, chat, chat, "patient", None, "zh_CN")
        await store.contacts.link(new, ConsentDecision.GRANTED, now, via="test")
    await _steps(harness)
    await _answers(harness)
    await _cases(harness)


async def _row(
    harness: BotHarness,
    chat: int,
    key: str,
    kind: str,
    status: str,
    tries: int,
    answer: str | None = None,
    reason: str | None = None,
) -> None:
    store, now = harness.services.store, harness.clock.now()
    [contact] = await store.contacts.for_chat(chat)
    planned = PlannedMessage(key, 0, kind, "plans/general/day3_checkin", now, now)
    await store.outbox.add(contact.id, contact.episode_id, contact.patient_id, planned, now)
    [row] = [
        r for r in await store.outbox.rows() if r.contact_id == contact.id and r.step_key == key
    ]
    await store.outbox.record_answer(
        row, answer or "none", now, status=status, tries=tries, failure_reason=reason
    )


async def _steps(harness: BotHarness) -> None:
    await _row(harness, 1, "day3", "checkin", "answered", 1, "good")
    await _row(harness, 1, "day7", "checkin", "failed", 3, reason="no_answer")
    await _row(harness, 1, "med0", "medication", "answered", 1, "taken")
    await _row(harness, 1, "med1", "medication", "sent", 1)
    await _row(harness, 2, "day3", "checkin", "sent", 1)
    await _row(harness, 3, "day3", "checkin", "answered", 1, "good")
    await _row(harness, 3, "reexam_1d", "reexam_reminder", "answered", 1, "attended")


async def _answers(harness: BotHarness) -> None:
    store, now = harness.services.store, harness.clock.now()
    given = {
        1: (("sat_doctors", "satisfied"), ("sat_hospital", "satisfied"), ("recommend", "10")),
        3: (("sat_doctors", "basically"), ("sat_hospital", "unsatisfied"), ("recommend", "6")),
    }
    for chat, answers in given.items():
        [contact] = await store.contacts.for_chat(chat)
        new = NewSession(
            None,
            contact.id,
            contact.patient_id,
            contact.episode_id,
            "checkin_first",
            "general",
            "patient",
            None,
        )
        session = await store.surveys.open_for_message(
            new, answers[0][0], now, now + timedelta(days=3)
        )
        for (question, value), following in zip(answers, [*answers[1:], (None, None)], strict=True):
            assert await store.surveys.record_answer(
                session, question, value, None, now, following[0], "open"
            )


async def _cases(harness: BotHarness) -> None:
    store, now = harness.services.store, harness.clock.now()
    contacts = {chat: (await store.contacts.for_chat(chat))[0] for chat in (1, 2, 3)}

    async def case(chat: int, kind: CaseKind) -> int:
        c = contacts[chat]
        opened = await store.cases.open(
            NewCase(
                kind,
                c.patient_id,
                c.episode_id,
                c.id,
                CaseSource.PATIENT,
                due_at=now + timedelta(days=7),
            ),
            now,
        )
        return opened.id

    on_time = await case(1, CaseKind.COMPLAINT)
    replied = CaseChange(CaseEventKind.REPLIED, now + timedelta(days=2), answer=True)
    assert await store.cases.transition(on_time, CaseStatus.NEW, replied)
    late = await case(3, CaseKind.COMPLAINT)
    assert await store.cases.mark_overdue(late, Deadline.ANSWER, now + timedelta(days=8))
    await case(3, CaseKind.PRAISE)
    for chat, minutes in ((1, 10), (2, 20)):
        flag = await case(chat, CaseKind.RED_FLAG)
        ack = CaseChange(
            CaseEventKind.ACKNOWLEDGED,
            now + timedelta(minutes=minutes),
            9,
            status=CaseStatus.ACKNOWLEDGED,
            acknowledge=True,
        )
        assert await store.cases.transition(flag, CaseStatus.NEW, ack)


def cohort_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Build the cohort in a database the CLI is pointed at."""
    settings = make_settings(tmp_path)

    async def build() -> None:
        harness = BotHarness(settings, START)
        await harness.start()
        await build_cohort(harness)
        await harness.stop()

    asyncio.run(build())
    monkeypatch.setenv("FOLLOWUP_DATABASE_URL", settings.database_url)


async def test_hospital_wide_figures(harness: BotHarness) -> None:
    await build_cohort(harness)
    services = harness.services
    s = await compute_stats(
        services.store, services.scheduling.surveys, services.settings.zone, NOVEMBER, None
    )
    assert (s.discharged, s.eligible, s.enrolled) == (5, 3, 3)
    assert s.excluded == {"no_consent": 1, "dispute": 1}
    assert (s.followed_up, s.reached, s.success_rate) == (3, 2, 66.7)
    assert s.failed == {"no_answer": 1}
    assert s.satisfaction["satisfaction_hospital"].shares == {
        "satisfied": 50.0,
        "basically": 0.0,
        "unsatisfied": 50.0,
    }
    assert s.satisfaction["satisfaction_doctors"].shares == {
        "satisfied": 50.0,
        "basically": 50.0,
        "unsatisfied": 0.0,
    }
    assert (s.nps_counts, s.nps_answers, s.nps) == ({10: 1, 6: 1}, 2, 0.0)
    assert (s.complaints, s.complaints_on_time, s.on_time_rate, s.complaints_overdue) == (
        2,
        1,
        50.0,
        1,
    )
    assert (s.praise, s.red_flags, s.median_ack_minutes) == (1, 2, 15.0)
    assert s.medication == {"taken": 1, "unanswered": 1} and s.adherence == 50.0
    assert s.reexam == {"attended": 1}
    assert [(x.step, x.sent, x.answered, x.reply_rate) for x in s.steps] == [
        ("day3", 3, 2, 66.7),
        ("day7", 1, 0, 0.0),
    ]
    assert s.departments == [(A, 100.0, 1), (B, 0.0, 1)]


async def test_one_department(harness: BotHarness) -> None:
    await build_cohort(harness)
    services = harness.services
    b = await department_id(services.store, B)
    s = await compute_stats(
        services.store, services.scheduling.surveys, services.settings.zone, NOVEMBER, b
    )
    assert (s.discharged, s.eligible, s.followed_up, s.reached) == (3, 1, 1, 1)
    assert (s.complaints, s.complaints_overdue, s.praise, s.red_flags) == (1, 1, 1, 0)
    assert s.departments == [(B, 0.0, 1)]


async def test_stats_command_scopes_by_role(harness: BotHarness) -> None:
    await build_cohort(harness)
    store, now = harness.services.store, harness.clock.now()
    await store.staff.upsert(801, Role.SUPERVISOR, B, "呼吸科主任", now)
    await store.staff.upsert(802, Role.SUPERVISOR, None, "医务科", now)
    await store.staff.upsert(803, Role.STAFF, None, "护士", now)
    await harness.text(801, "/stats 2026-11")
    assert "呼吸科" in harness.telegram.last_text(
        801
    ) and "出院 3 人" in harness.telegram.last_text(801)
    await harness.text(801, f"/stats 2026-11 {A}")  # a department supervisor sees only theirs
    assert "出院 3 人" in harness.telegram.last_text(801)
    await harness.text(802, "/stats 2026-11")
    assert "全院" in harness.telegram.last_text(802) and "出院 5 人" in harness.telegram.last_text(
        802
    )
    await harness.text(802, f"/stats 2026-11-01 2026-11-30 {A}")
    assert "出院 2 人" in harness.telegram.last_text(802)
    await harness.text(803, "/stats")
    assert "仅限主管" in harness.telegram.last_text(803)
    await harness.text(802, "/stats 2026-13")
    assert "YYYY-MM" in harness.telegram.last_text(802)


def test_cli_prints_the_same_figures_as_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cohort_database(tmp_path, monkeypatch)
    result = CliRunner().invoke(app, ["stats", "--month", "2026-11", "--format", "json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert (figures["discharged"], figures["reached"], figures["success_rate"]) == (5, 2, 66.7)
    assert figures["nps"] == 0.0 and figures["reply_rates"] == {"day3": 66.7, "day7": 0.0}
    bad = CliRunner().invoke(app, ["stats", "--month", "2026-13"])
    assert bad.exit_code == 1 and "YYYY-MM" in bad.output


def test_monthly_report_holds_the_registers_and_every_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cohort_database(tmp_path, monkeypatch)
    out = tmp_path / "report.xlsx"
    result = CliRunner().invoke(app, ["report", "--month", "2026-11", "--out", str(out)])
    assert result.exit_code == 0, result.output
    book = load_workbook(out, read_only=True)
    assert book.sheetnames == [
        "统计汇总",
        "科室",
        "投诉登记表",
        "表扬登记表",
        "随访失败",
        "全部回答",
    ]
    rows = {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}
    assert rows["投诉登记表"][0][:3] == ("编号", "受理时间", "回访对象")
    assert len(rows["投诉登记表"]) == 1 + 2 and len(rows["表扬登记表"]) == 1 + 1
    assert [r[1] for r in rows["随访失败"][1:]] == ["P1"]
    assert len(rows["全部回答"]) == 1 + 6
    summary = [tuple(r) for r in rows["统计汇总"]]
    assert ("出院人数", 5) in summary and ("不予随访:no_consent", 1) in summary
    assert not [r for r in summary if "{" in str(r[1])]  # no Python dict shown to people
    assert [r[0] for r in rows["科室"][1:]] == [B, A] or [r[0] for r in rows["科室"][1:]] == [A, B]
    assert oct(out.stat().st_mode & 0o777) == "0o600"


async def test_report_command_sends_the_workbook_to_supervisors_only(
    harness: BotHarness,
) -> None:
    await build_cohort(harness)
    now = harness.clock.now()
    await harness.services.store.staff.upsert(802, Role.SUPERVISOR, None, "医务科", now)
    await harness.text(802, "/report 2026-11")
    [document] = [c for c in harness.telegram.calls if c.method == "sendDocument"]
    assert "2026-11-01" in document.params["caption"]
    await harness.text(5, "/report 2026-11")
    assert len([c for c in harness.telegram.calls if c.method == "sendDocument"]) == 1


def test_export_writes_every_answer_as_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cohort_database(tmp_path, monkeypatch)
    out = tmp_path / "answers.csv"
    result = CliRunner().invoke(
        app, ["export", "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("患者,住院号") and len(lines) == 1 + 6
    assert any(",P1," in line and "sat_hospital,satisfied" in line for line in lines)


async def test_chart_command_sends_two_real_charts_to_supervisors(harness: BotHarness) -> None:
    await build_cohort(harness)
    now = harness.clock.now()
    await harness.services.store.staff.upsert(802, Role.SUPERVISOR, None, "医务科", now)
    await harness.text(802, "/chart 2026-11")
    [album] = [c for c in harness.telegram.calls if c.method == "sendMediaGroup"]
    media = album.params["media"]
    media = json.loads(media) if isinstance(media, str) else media
    assert len(media) == 2 and "随访统计图" in media[0]["caption"]
    await harness.text(803, "/chart")
    assert "仅限主管" in harness.telegram.last_text(803)


async def test_drill_down_lists_the_patients_behind_a_figure(harness: BotHarness) -> None:
    await build_cohort(harness)
    store, now = harness.services.store, harness.clock.now()
    await store.staff.upsert(801, Role.SUPERVISOR, B, "呼吸科主任", now)
    await store.staff.upsert(802, Role.SUPERVISOR, None, "医务科", now)
    await harness.text(802, "/stats 2026-11")
    assert harness.telegram.last_buttons(802) == [
        "sd:failed:20261101:20261130:0",
        "sd:unsatisfied:20261101:20261130:0",
        "sd:overdue:20261101:20261130:0",
        "sd:red_flags:20261101:20261130:0",
    ]
    await harness.press(802, "sd:failed:20261101:20261130:0", user_id=802)
    assert "P1" in harness.telegram.last_text(802) and "no_answer" in harness.telegram.last_text(
        802
    )
    await harness.press(802, "sd:unsatisfied:20261101:20261130:0", user_id=802)
    assert "P3" in harness.telegram.last_text(802) and "sat_hospital" in harness.telegram.last_text(
        802
    )
    await harness.press(802, "sd:red_flags:20261101:20261130:0", user_id=802)
    text = harness.telegram.last_text(802)
    assert "P1" in text and "P2" in text and "共 2 条" in text
    await harness.press(801, "sd:red_flags:20261101:20261130:0", user_id=801)  # B only
    assert "共 0 条" in harness.telegram.last_text(801)
    await harness.press(803, "sd:failed:20261101:20261130:0", user_id=803)  # not a supervisor
    await harness.press(802, "sd:failed:20261131:20261101:0", user_id=802)  # forged dates
    assert [a.get("text") for a in harness.telegram.answered_callbacks()][-2:] == [
        "抱歉,这个问题已经结束了。"
    ] * 2


async def test_drill_down_pages_ten_at_a_time(harness: BotHarness) -> None:
    records = [
        record(f"F{i:02d}", department=A, discharged_at=local("2026-11-05")) for i in range(23)
    ]
    await seed(harness.settings, *records)
    store, now = harness.services.store, harness.clock.now()
    for i in range(23):
        episode = await store.episodes.latest_for(f"F{i:02d}")
        assert episode is not None
        new = NewContact(episode.patient_id, episode.id, 100 + i, 100 + i, "patient", None, "zh_CN")
        await store.contacts.link(new, ConsentDecision.GRANTED, now, via="test")
        await _row(harness, 100 + i, "day3", "checkin", "failed", 3, reason="no_answer")
    await store.staff.upsert(802, Role.SUPERVISOR, None, None, now)
    pages = []
    data = "sd:failed:20261101:20261130:0"
    while data:
        await harness.press(802, data, user_id=802)
        pages.append(harness.telegram.last_text(802))
        following = [b for b in harness.telegram.last_buttons(802) if b.endswith(f":{len(pages)}")]
        data = following[0] if following else ""
    assert len(pages) == 3 and "第 3/3 页" in pages[-1]
    assert [page.count("•") for page in pages] == [10, 10, 3]


async def test_counts_follow_real_check_ins_after_the_first_computation(
    harness: BotHarness,
) -> None:
    services = harness.services
    general = {"department": B, "discharged_at": local("2026-11-20")}
    await seed(harness.settings, record("Q1", **general))

    async def figures() -> Stats:
        return await compute_stats(
            services.store, services.scheduling.surveys, services.settings.zone, NOVEMBER, None
        )

    assert (await figures()).followed_up == 0  # the counts now start being kept as we go
    await enrol(harness, 41, "Q1")
    harness.clock.advance(local("2026-11-23") - harness.clock.now())
    await harness.tick()  # the day-3 check-in goes out
    s = await figures()
    assert (s.enrolled, s.followed_up, s.reached) == (1, 1, 0)
    for question, value in (
        ("respondent", "patient"),
        ("good_time", "yes"),
        ("condition", "better"),
    ):
        data = next(
            d for d in harness.telegram.latest_buttons(41) if d.endswith(f":{question}:{value}")
        )
        await harness.press(41, data)
    s = await figures()
    assert (s.followed_up, s.reached) == (1, 1)
    assert [(x.step, x.sent, x.answered) for x in s.steps] == [("day3", 1, 1)]


async def test_a_late_answer_turns_a_failure_into_a_reached_check_in(harness: BotHarness) -> None:
    services = harness.services
    await seed(harness.settings, record("L1", department=B, discharged_at=local("2026-11-20")))

    async def figures() -> Stats:
        return await compute_stats(
            services.store, services.scheduling.surveys, services.settings.zone, NOVEMBER, None
        )

    await figures()  # from now on the counts are kept as things happen
    await enrol(harness, 51, "L1")
    harness.clock.advance(local("2026-11-23") - harness.clock.now())
    await harness.tick()
    [row] = await services.store.outbox.rows(m.c.step_key == "day3")
    await services.store.outbox.record_answer(
        row, "no_answer", harness.clock.now(), status="failed", failure_reason="no_answer"
    )
    assert (await figures()).failed == {"no_answer": 1}
    await mark_step_answered(services.store, row.id, harness.clock.now())
    s = await figures()
    assert (s.failed, s.reached) == ({}, 1)


def test_steps_are_listed_in_the_order_of_the_plan() -> None:
    from bot.storage.stats import _natural

    steps = ["day30", "day3", "week2", "day7", "month12", "month3"]
    assert sorted(steps, key=_natural) == ["day3", "day7", "day30", "month3", "month12", "week2"]


def test_text_a_patient_typed_with_control_characters_fits_in_the_workbook() -> None:
    from zoneinfo import ZoneInfo

    from openpyxl import Workbook

    from bot.services.report import _cell

    typed = "夜里\x0b太吵\x0c\u202e<b>"
    cell = _cell(typed, ZoneInfo("Asia/Shanghai"))
    assert cell == "夜里太吵\u202e<b>"
    Workbook().active.append([cell])  # raised IllegalCharacterError before
