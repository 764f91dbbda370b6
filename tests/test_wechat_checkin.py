"""A scheduled check-in through WeChat, end to end: answered by clicking the msgmenu's
choices, or by typing, it is stored, finished and counted as a Telegram patient's is."""

from __future__ import annotations

import dataclasses

from bot.demo.harness import BotHarness
from bot.domain.stats import DepartmentFigures
from bot.services.statistics import compute_stats
from bot.storage.schema import scheduled_messages as m
from tests.harness import RecordFields, enrol, local, record, seed
from tests.stats_cohort import NOVEMBER
from tests.test_survey_flow import GENERAL, HAPPY_PATH, answer
from tests.test_typed_answers import TYPED_ZH, stored_answers
from tests.wechat_checkins import (
    click_answer,
    due,
    enrol_by_qr,
    refusals,
    start_wechat_checkin,
)
from tests.wechat_patients import last_menu, notices, says, start_with_wechat, texts

GROUP = -1008321
TELEGRAM_CHAT = 321
EYES: RecordFields = {"department": "眼科", "discharged_at": local("2026-11-20")}
THANKS = "非常感谢您的支持与配合"


async def test_a_checkin_answered_by_clicks_is_stored_and_finished(harness: BotHarness) -> None:
    fake, contact = await start_wechat_checkin(harness, GROUP)
    assert "呼吸科" in texts(fake)[-1]
    for question, value in HAPPY_PATH:
        session = (await harness.services.store.surveys.open_for_chat(contact.chat_id))[0]
        assert session.current_question == question
        await click_answer(harness, question, value)
    assert THANKS in texts(fake)[-1]
    assert await harness.services.store.surveys.open_for_chat(contact.chat_id) == []
    assert await stored_answers(harness, contact.chat_id) == dict(HAPPY_PATH)
    [row] = await harness.services.store.outbox.rows(m.c.step_key == "day3")
    assert row.status == "answered"
    assert notices(fake) == [] and refusals(fake) == []


async def test_the_statistics_count_a_wechat_checkin_as_a_telegram_one(
    harness: BotHarness,
) -> None:
    fake = await start_with_wechat(harness, GROUP)
    await seed(harness.settings, record(**GENERAL), record("ZY002", **EYES))
    await enrol_by_qr(harness)
    await enrol(harness, TELEGRAM_CHAT, "ZY002")
    await due(harness, "2026-11-23")  # both day-3 check-ins
    for question, value in HAPPY_PATH:
        await click_answer(harness, question, value)
        await answer(harness, question, value, TELEGRAM_CHAT)
    assert THANKS in harness.telegram.last_text(TELEGRAM_CHAT)
    assert await stored_answers(harness, TELEGRAM_CHAT) == dict(HAPPY_PATH)
    services = harness.services
    stats = await compute_stats(
        services.store,
        services.scheduling.surveys,
        services.settings.zone,
        NOVEMBER,
        None,
        min_answers=1,
    )
    assert (stats.followed_up, stats.reached, stats.nps_counts) == (2, 2, {9: 2})
    figures = {d.name: anonymous(d) for d in stats.departments}
    assert figures["呼吸科"] == figures["眼科"]  # WeChat's department, Telegram's
    assert figures["呼吸科"].satisfied == 1 and refusals(fake) == []


def anonymous(figures: DepartmentFigures) -> DepartmentFigures:
    return dataclasses.replace(figures, name="", rank=None)


async def test_a_checkin_answered_by_typing_is_understood(harness: BotHarness) -> None:
    fake, contact = await start_wechat_checkin(harness, GROUP)
    for _question, text, _ in TYPED_ZH:
        await says(harness, text)
    assert THANKS in texts(fake)[-1]
    expected = {question: value for question, _, value in TYPED_ZH}
    assert await stored_answers(harness, contact.chat_id) == expected
    assert refusals(fake) == []


async def test_typed_words_and_a_number_answer_the_questions_they_fit(
    harness: BotHarness,
) -> None:
    fake, contact = await start_wechat_checkin(harness, GROUP)
    typed = {"condition": "好多了", "sat_doctors": "满意", "recommend": "8分"}
    for question, value in HAPPY_PATH:
        if question in typed:
            await says(harness, typed[question])
        elif question == "anything_else":
            first = last_menu(fake)[0][0]
            await says(harness, "1")  # the first choice's number, as if it were numbered
            await says(harness, "护士很耐心,谢谢")  # the suggestion it asks for
        else:
            await click_answer(harness, question, value)
    answers = await stored_answers(harness, contact.chat_id)
    assert (answers["condition"], answers["sat_doctors"], answers["recommend"]) == (
        "better",
        "satisfied",
        "8",
    )
    assert first.endswith(f":anything_else:{answers['anything_else']}")
    assert THANKS in texts(fake)[-1] and refusals(fake) == []
