"""No internal code reaches a person: the monthly report, /stats, every drill-down page and the
CLI's table, generated from a cohort holding every code, are scanned for enum values, survey
option values and question keys. A code that leaks fails the test."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook
from typer.testing import CliRunner

from bot.cli import app
from bot.demo.harness import BotHarness
from bot.domain.cases import (
    CaseKind,
    CaseSource,
    CaseStatus,
    HandlingSatisfaction,
    Outcome,
    PraiseStep,
)
from bot.domain.discharge.model import ExclusionReason
from bot.domain.enrolment import Relation, Respondent
from bot.domain.messages import FailureReason, MessageKind, MessageStatus
from bot.domain.red_flags import RedFlagOutcome
from bot.domain.roles import Role
from bot.domain.step_answers import StepAnswer
from bot.domain.surveys.model import Measure
from bot.services.report import build_report
from tests.code_cohort import CHANNEL_REASONS, build_code_cohort
from tests.harness import START, make_settings
from tests.stats_cohort import NOVEMBER, build_cohort
from tests.survey_helpers import SURVEYS

ENUMS: tuple[type[StrEnum], ...] = (
    CaseKind,
    CaseSource,
    CaseStatus,
    HandlingSatisfaction,
    Outcome,
    PraiseStep,
    ExclusionReason,
    FailureReason,
    MessageKind,
    MessageStatus,
    RedFlagOutcome,
    Respondent,
    Relation,
    StepAnswer,
    Measure,
)
CODES = (
    {member.value for enum in ENUMS for member in enum}
    | set(CHANNEL_REASONS)
    | {o.value for s in SURVEYS.values() for q in s.questions for o in q.options}
    | {q.key for s in SURVEYS.values() for q in s.questions}
    | {"text", "typed_time"}
    | {  # the plans' step keys ("day3"): steps are named in words ("出院后 3 天回访")
        step["key"]
        for plan in Path("messages/plans").glob("*.yaml")
        for step in (yaml.safe_load(plan.read_text(encoding="utf-8")) or {}).get("steps", [])
    }
)
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
SUPERVISOR = 802


def leaks(texts: Iterable[object]) -> list[str]:
    """The codes found among the words of these texts (a Chinese reader sees no English)."""
    return sorted({w for text in texts for w in WORD.findall(str(text)) if w in CODES})


def test_the_scan_finds_a_leaked_code() -> None:
    assert leaks(["随访失败:no_answer", "对护士的满意度", "处理状态 closed"]) == [
        "closed",
        "no_answer",
    ]
    assert leaks(["出院 5 人 · NPS 12.5 · ZY001 · 出院后 3 天回访"]) == []
    assert leaks(["通用出院随访 · day3"]) == ["day3"]


async def test_the_report_holds_no_code(harness: BotHarness) -> None:
    await build_code_cohort(harness)
    services = harness.services
    content = await build_report(
        services.store,
        services.scheduling.surveys,
        services.renderer,
        "zh_CN",
        services.settings.zone,
        NOVEMBER,
        None,
        min_answers=services.settings.rank_min_answers,
        plans=services.scheduling.plans,
    )
    book = load_workbook(io.BytesIO(content), read_only=True)
    rows = {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}
    cells = [cell for sheet in rows.values() for row in sheet for cell in row]
    filled = [len(rows[name]) for name in ("投诉登记表", "表扬登记表", "随访失败", "全部回答")]
    assert min(filled) > 4  # the cohort fills every register
    shown = "\n".join(str(cell) for cell in cells if cell is not None)
    for words in ("已转交相关部门", "配偶", "医疗纠纷", "已屏蔽随访消息", "对护士的满意度", "护士"):
        assert words in shown
    assert leaks(c for c in cells if c is not None) == []


async def test_stats_and_every_drill_down_page_hold_no_code(harness: BotHarness) -> None:
    await build_code_cohort(harness)
    now = harness.clock.now()
    await harness.services.store.staff.upsert(SUPERVISOR, Role.SUPERVISOR, None, "医务科", now)
    await harness.text(SUPERVISOR, "/stats 2026-11")
    texts = [harness.telegram.last_text(SUPERVISOR)]
    for first_page in harness.telegram.last_buttons(SUPERVISOR):
        data = first_page
        while data:
            await harness.press(SUPERVISOR, data, user_id=SUPERVISOR)
            texts.append(harness.telegram.last_text(SUPERVISOR))
            page = int(data.rsplit(":", 1)[1])
            following = [
                b for b in harness.telegram.last_buttons(SUPERVISOR) if b.endswith(f":{page + 1}")
            ]
            data = following[0] if following else ""
    assert len(texts) > 5 and any("无应答" in text for text in texts)
    assert leaks(texts) == []


def test_the_cli_table_holds_no_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    settings = make_settings(tmp_path)

    async def build() -> None:
        harness = BotHarness(settings, START)
        await harness.start()
        await build_code_cohort(harness)
        await harness.stop()

    asyncio.run(build())
    monkeypatch.setenv("FOLLOWUP_DATABASE_URL", settings.database_url)
    monkeypatch.delenv("FOLLOWUP_LOCALE", raising=False)
    result = CliRunner().invoke(app, ["stats", "--month", "2026-11"])
    assert result.exit_code == 0, result.output
    assert "出院" in result.stdout and "<b>" not in result.stdout
    assert leaks([result.stdout]) == []


async def test_english_drill_downs_name_questions_answers_and_reasons_in_words(
    harness: BotHarness,
) -> None:
    harness.settings = harness.settings.model_copy(update={"locale": "en"})
    await harness.restart()
    await build_cohort(harness)
    now = harness.clock.now()
    await harness.services.store.staff.upsert(SUPERVISOR, Role.SUPERVISOR, None, "Office", now)
    await harness.text(SUPERVISOR, "/stats 2026-11")
    assert "no answer 1" in harness.telegram.last_text(SUPERVISOR)
    await harness.press(SUPERVISOR, "sd:failed:20261101:20261130:0", user_id=SUPERVISOR)
    assert "Check-in 7 days after discharge · no answer" in harness.telegram.last_text(SUPERVISOR)
    await harness.press(SUPERVISOR, "sd:unsatisfied:20261101:20261130:0", user_id=SUPERVISOR)
    unsatisfied = harness.telegram.last_text(SUPERVISOR)
    assert "Satisfaction with the hospital · Not satisfied" in unsatisfied
    assert "sat_hospital" not in unsatisfied and "unsatisfied" not in unsatisfied
