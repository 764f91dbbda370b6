"""The complaint and praise registers as the handbook's forms, filled through the real bot:
who answered, who is concerned, the department in charge, the feedback to the patient, the
leadership comment written in chat with /comment, and what was done with a praise."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from bot.demo.harness import BotHarness
from bot.domain.periods import month_period
from bot.services.report import build_report
from tests.test_case_work import praise
from tests.test_complaints import (
    CHAT,
    GROUP,
    STAFF,
    SUPERVISOR,
    complain,
    group_calls,
    reply_to_patient,
    setup,
)
from tests.test_survey_flow import HAPPY_PATH, answer, start_checkin

NOVEMBER = month_period("2026-11")
COMMENT = "请护理部本周内约谈夜班护士,并回复患者。"


async def workbook(harness: BotHarness, locale: str) -> dict[str, list[tuple[Any, ...]]]:
    services = harness.services
    content = await build_report(
        services.store,
        services.scheduling.surveys,
        services.renderer,
        locale,
        services.settings.zone,
        NOVEMBER,
        None,
        min_answers=services.settings.rank_min_answers,
    )
    book = load_workbook(io.BytesIO(content), read_only=True)
    return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}


def register(rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    headers = rows[0]
    return [dict(zip(headers, row, strict=True)) for row in rows[1:]]


async def worked_complaint(harness: BotHarness) -> None:
    """A complaint taken, answered, closed as resolved, rated, and commented on by a leader."""
    await setup(harness)
    await complain(harness)
    thread = int(str(group_calls(harness, "sendMessage")[0]["message_thread_id"]))
    await harness.press(GROUP, "cs:take:1", user_id=STAFF)
    await reply_to_patient(harness, 1, "非常抱歉,我们已加强夜班巡视。", thread)
    await harness.press(GROUP, "cs:close:1", user_id=STAFF)
    await harness.press(GROUP, "cs:outcome:1:resolved", user_id=STAFF)
    await harness.text(GROUP, "已与夜班护士沟通,增加巡视频次。", user_id=STAFF, thread_id=thread)
    await harness.press(CHAT, harness.telegram.button(CHAT, "ch:1:yes"))
    await harness.text(SUPERVISOR, f"/comment 1 {COMMENT}")


async def test_the_complaint_register_carries_every_field_of_the_form(harness: BotHarness) -> None:
    await worked_complaint(harness)
    assert "已记录" in harness.telegram.last_text(SUPERVISOR)
    assert COMMENT in harness.telegram.last_text(GROUP)  # the case's thread shows it too
    [row] = register((await workbook(harness, "zh_CN"))["投诉登记表"])
    assert row["被回访人姓名"] == row["患者姓名"] and row["与患者关系"] == "患者本人"
    assert row["涉及科室或个人"] == "科室:呼吸科" and row["主管部门"] == "呼吸科"
    assert row["来源"] == "患者主动反映" and row["反馈时限"] is not None
    assert (row["处理状态"], row["核实结果"], row["患者对处理是否满意"]) == (
        "已结案",
        "已解决",
        "满意",
    )
    assert row["涉及科室和个人反馈结果"] == "已与夜班护士沟通,增加巡视频次。"
    assert row["反馈给患者"].startswith("非常抱歉,我们已加强夜班巡视。(刘护士长,2026-")
    assert row["领导批示意见"].startswith(f"{COMMENT}(张主任,2026-")


async def test_the_complaint_register_in_english(harness: BotHarness) -> None:
    await worked_complaint(harness)
    [row] = register((await workbook(harness, "en"))["Complaint register"])
    assert (row["Person answering"], row["Relation to patient"]) == (
        row["Patient"],
        "the patient",
    )
    assert (row["Status"], row["Outcome"], row["Patient satisfied with handling"]) == (
        "closed",
        "resolved",
        "satisfied",
    )
    assert row["Source"] == "raised by the patient"
    assert row["Leadership comment"].startswith(f"{COMMENT} (张主任, 2026-")


@pytest.mark.parametrize(
    ("locale", "sheet", "concerned", "who"),
    [
        ("zh_CN", "投诉登记表", "护士", "家属"),
        ("en", "Complaint register", "nurses", "a family member"),
    ],
)
async def test_a_survey_born_complaint_names_who_it_concerns_from_its_question(
    harness: BotHarness, locale: str, sheet: str, concerned: str, who: str
) -> None:
    await start_checkin(harness, staff_group=True, respondent="family")
    for question, value in (("respondent", "family"), ("good_time", "yes"), ("can_answer", "yes")):
        await answer(harness, question, value)
    for question, value in HAPPY_PATH[1:9]:
        await answer(harness, question, value)
    await answer(harness, "sat_doctors", "satisfied")
    await answer(harness, "sat_nurses", "unsatisfied")
    await answer(harness, "nurses_complaint", "skip")
    [row] = (await workbook(harness, locale))[sheet][1:]
    assert row[8] == concerned and row[2] == who and row[10] in ("随访问卷", "follow-up survey")


async def test_the_praise_register_says_what_was_done_in_words(harness: BotHarness) -> None:
    await setup(harness)
    await praise(harness)
    await harness.press(GROUP, "cs:thank:1", user_id=STAFF)
    await harness.press(GROUP, "cs:passon:1", user_id=STAFF)
    await harness.text(SUPERVISOR, "/comment #1 在科室例会上通报表扬。")
    [row] = register((await workbook(harness, "zh_CN"))["表扬登记表"])
    handling = row["表扬处理情况"].splitlines()
    assert handling[0].startswith("已向患者致谢(刘护士长,2026-")
    assert handling[1].startswith("已转达被表扬人(刘护士长,2026-")
    assert row["患者表扬内容"] == "王护士非常耐心,谢谢!" and row["处理状态"] == "已结案"
    assert "王护士" in row["受表扬科室或个人"]
    assert row["领导批示意见"].startswith("在科室例会上通报表扬。(张主任,")
    [english] = register((await workbook(harness, "en"))["Praise register"])
    assert english["What was done"].startswith("thanked the patient (刘护士长, 2026-")


async def test_a_comment_needs_a_supervisor_a_case_and_words(harness: BotHarness) -> None:
    await setup(harness)
    await complain(harness)
    await harness.text(STAFF, "/comment 1 好")
    assert "仅限主管" in harness.telegram.last_text(STAFF)
    await harness.text(SUPERVISOR, "/comment")
    assert "/comment 编号 意见内容" in harness.telegram.last_text(SUPERVISOR)
    await harness.text(SUPERVISOR, "/comment 99 请核实")
    assert "没有找到编号为 99" in harness.telegram.last_text(SUPERVISOR)
    await harness.text(SUPERVISOR, "/comment 1 " + "长" * 1001)
    assert "1000 字以内" in harness.telegram.last_text(SUPERVISOR)
    kinds = [e.kind for e in await harness.services.store.cases.events(1)]
    assert "leader_comment" not in kinds
