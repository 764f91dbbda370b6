"""Statistics that can be trusted: reply rates per plan, a minimum sample before a department
is ranked, the on-time share of complaints per department, in /stats and the report."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from bot.demo.harness import BotHarness
from bot.domain.roles import Role
from bot.domain.stats import DepartmentFigures, rank_departments
from tests.harness import START
from tests.stats_cohort import A, B, build_cohort

SUPERVISOR = 802


async def _stats_text(harness: BotHarness, min_answers: int, locale: str = "zh_CN") -> str:
    update = {"rank_min_answers": min_answers, "locale": locale}
    harness.settings = harness.settings.model_copy(update=update)
    await harness.restart()
    await build_cohort(harness)
    now = harness.clock.now()
    await harness.services.store.staff.upsert(SUPERVISOR, Role.SUPERVISOR, None, "医务科", now)
    await harness.text(SUPERVISOR, "/stats 2026-11")
    return harness.telegram.last_text(SUPERVISOR)


async def test_stats_ranks_no_department_below_the_minimum_sample(harness: BotHarness) -> None:
    text = await _stats_text(harness, min_answers=2)
    ranking = text.split("科室满意度排名")[1]
    assert "满 2 份才排名" in ranking
    assert f"{A} 样本不足(1 份),投诉按时答复 100.0%(1/1)" in ranking
    assert f"{B} 样本不足(1 份),投诉按时答复 0.0%(0/1)" in ranking
    assert "1." not in ranking and "0.0%(1 份)" not in ranking


async def test_stats_ranks_departments_with_enough_answers(harness: BotHarness) -> None:
    text = await _stats_text(harness, min_answers=1)
    ranking = text.split("科室满意度排名")[1]
    assert f"1. {A} 100.0%(1 份),投诉按时答复 100.0%(1/1)" in ranking
    assert f"2. {B} 0.0%(1 份),投诉按时答复 0.0%(0/1)" in ranking
    assert "样本不足" not in ranking


async def test_english_stats_say_too_few_answers(harness: BotHarness) -> None:
    text = await _stats_text(harness, min_answers=20, locale="en")
    ranking = text.split("Departments by satisfaction")[1]
    assert "(ranked from 20 answers)" in ranking
    assert f"{A} too few answers (1 answer), complaints answered on time 100.0% (1/1)" in ranking


async def test_reply_rates_are_per_plan_and_step_in_words(harness: BotHarness) -> None:
    text = await _stats_text(harness, min_answers=20)
    steps = text.split("各随访计划、各步骤回复率")[1]
    assert "慢病随访 · 不再使用的步骤:1/1(100.0%)"  # the cohort's made-up step in steps
    assert "通用出院随访 · 出院后 3 天回访:1/2(50.0%)" in steps
    assert "通用出院随访 · 出院后 7 天回访:0/1(0.0%)" in steps


async def test_english_reply_rates_name_the_plan(harness: BotHarness) -> None:
    english = await _stats_text(harness, min_answers=20, locale="en")
    assert "Chronic disease follow-up · a step no longer in the plan: 1/1 (100.0%)" in english
    assert "General follow-up · Check-in 3 days after discharge: 1/2 (50.0%)" in english


async def test_report_department_sheet_has_rank_and_on_time_share(harness: BotHarness) -> None:
    await _stats_text(harness, min_answers=1)
    await harness.text(SUPERVISOR, "/report 2026-11")
    [document] = [c for c in harness.telegram.calls if c.method == "sendDocument"]
    book = load_workbook(io.BytesIO(next(iter(document.files.values()))), read_only=True)
    header, *rows = [tuple(r) for r in book["科室"].iter_rows(values_only=True)]
    assert header[:2] == ("科室", "排名") and header[-2:] == ("投诉", "按时答复(%)")
    assert [(r[0], r[1], r[6], r[7], r[8], r[9]) for r in rows] == [
        (A, 1, 100.0, 1, 1, 100.0),
        (B, 2, 0.0, 1, 1, 0.0),
    ]


async def test_report_department_sheet_marks_too_few_answers(harness: BotHarness) -> None:
    await _stats_text(harness, min_answers=5)
    await harness.text(SUPERVISOR, "/report 2026-11")
    [document] = [c for c in harness.telegram.calls if c.method == "sendDocument"]
    book = load_workbook(io.BytesIO(next(iter(document.files.values()))), read_only=True)
    rows = [tuple(r) for r in book["科室"].iter_rows(values_only=True)][1:]
    assert [(r[0], r[1]) for r in rows] == [(B, "样本不足"), (A, "样本不足")]  # by name


def test_equal_shares_share_a_rank_and_small_samples_follow_unranked() -> None:
    figures = [
        DepartmentFigures("乙科", satisfied=18, answers=20),
        DepartmentFigures("甲科", satisfied=9, answers=10),
        DepartmentFigures("丙科", satisfied=20, answers=20),
        DepartmentFigures("丁科", satisfied=1, answers=1),
        DepartmentFigures("戊科", complaints=2, complaints_on_time=1),
    ]
    ranked = rank_departments(figures, min_answers=10)
    assert [(d.name, d.rank) for d in ranked] == [
        ("丙科", 1),
        ("乙科", 2),
        ("甲科", 2),
        ("丁科", None),
        ("戊科", None),
    ]
    assert ranked[-1].on_time_rate == 50.0 and ranked[-1].satisfied_share is None


async def _drill(harness: BotHarness, user: int, figure: str) -> str:
    await harness.press(user, f"sd:{figure}:20261101:20261130:0", user_id=user)
    return harness.telegram.last_text(user)


async def test_drill_downs_behind_satisfaction_nps_and_on_time(harness: BotHarness) -> None:
    await _stats_text(harness, min_answers=20)
    basically = await _drill(harness, SUPERVISOR, "basically")
    assert "基本满意的回答" in basically and "共 1 条" in basically
    assert "P3" in basically and "基本满意" in basically.split("P3")[1]
    assert "sat_doctors" not in basically and "basically" not in basically
    detractors = await _drill(harness, SUPERVISOR, "detractors")
    assert "共 1 条" in detractors and "P3" in detractors and "recommend" not in detractors
    promoters = await _drill(harness, SUPERVISOR, "promoters")
    assert "共 1 条" in promoters and "P1" in promoters and "P3" not in promoters
    ranking = await _drill(harness, SUPERVISOR, "ranking")  # B's unsatisfied, A's satisfied
    lines = ranking.splitlines()[1:]
    assert "共 2 条" in ranking and len(lines) == 2
    assert lines[0].startswith(f"• {B} · ") and "(P3)" in lines[0] and lines[0].endswith("· 不满意")
    assert lines[1].startswith(f"• {A} · ") and "(P1)" in lines[1] and lines[1].endswith("· 满意")
    not_taken = await _drill(harness, SUPERVISOR, "not_taken")  # adherence 50%: one of two
    assert "共 1 条" in not_taken and "P1" in not_taken and "未回复" in not_taken
    on_time = await _drill(harness, SUPERVISOR, "on_time")
    assert "按时答复的投诉" in on_time and "共 1 条" in on_time and "P1" in on_time


async def test_drill_downs_are_scoped_like_the_figures(harness: BotHarness) -> None:
    await _stats_text(harness, min_answers=20)
    await harness.services.store.staff.upsert(801, Role.SUPERVISOR, B, "呼吸科主任", START)
    assert "共 1 条" in await _drill(harness, 801, "detractors")  # P3 is in B
    assert "共 0 条" in await _drill(harness, 801, "promoters")  # P1 is in A
    assert "共 0 条" in await _drill(harness, 801, "on_time")
    assert "共 0 条" in await _drill(harness, 801, "not_taken")
    ranking = await _drill(harness, 801, "ranking")
    assert "共 1 条" in ranking and A not in ranking


async def test_english_drill_down_titles(harness: BotHarness) -> None:
    await _stats_text(harness, min_answers=20, locale="en")
    text = await _drill(harness, SUPERVISOR, "promoters")
    assert "Promoters (9-10)" in text and "P1" in text


async def test_the_report_first_sheet_ranks_no_department_below_the_minimum(
    harness: BotHarness,
) -> None:
    await _stats_text(harness, min_answers=5)
    await harness.text(SUPERVISOR, "/report 2026-11")
    [document] = [c for c in harness.telegram.calls if c.method == "sendDocument"]
    book = load_workbook(io.BytesIO(next(iter(document.files.values()))), read_only=True)
    rows = [tuple(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    heading = next(i for i, row in enumerate(rows) if row[0] == "科室满意度排名")
    assert rows[heading + 1][:5] == ("名次", "科室", "满意率(%)", "满意度答卷", "投诉按时答复率(%)")
    assert [row[:2] for row in rows[heading + 2 : heading + 4]] == [
        ("样本不足", B),
        ("样本不足", A),
    ]
    assert rows[heading + 3][4] == 100.0  # A's one complaint was answered on time
