"""Re-examination reminders answered by number on the plain-text channel, and "another date"
answered with a typed date: asked again once when not understood, then passed to staff."""

from __future__ import annotations

from datetime import date

import pytest

from bot.demo.harness import BotHarness
from bot.domain.cases import CaseKind
from bot.storage.schema import scheduled_messages as m
from tests.harness import SHANGHAI, RecordFields, enrol, local, record, seed
from tests.text_line import RecordingLine
from tests.text_patients import (
    PHONE,
    enrol_by_phone,
    reply_number_of,
    say_to_bot,
    start_with_text_line,
)

STAFF_GROUP = -1005555
TELEGRAM_CHAT = 888
VISIT: RecordFields = {
    "department": "呼吸科",
    "discharged_at": local("2026-11-20"),
    "revisit_at": date(2026, 12, 2),
}
CONFIRMED = {"zh_CN": "请按时到院复诊", "en": "Please come to your re-examination on time"}
ATTENDED = {"zh_CN": "感谢您按时复诊", "en": "Thank you for attending"}
ASK_DATE = {"zh_CN": "想改到哪一天复诊", "en": "Which day would suit you"}
RETRY = {"zh_CN": "没能看懂这个日期", "en": "could not read that date"}
MOVED = {"zh_CN": "改为 2026-12-10", "en": "now on 2026-12-10"}
PASSED_ON = {"zh_CN": "复诊日期暂时不变", "en": "stays as it is for now"}
RECORDED = {"zh_CN": "已经详细记录", "en": "recorded your message in full"}
REQUESTED = {"zh_CN": "会尽快与您联系另约时间", "en": "contact you soon to arrange"}
GARBAGE = ("过几天吧", "我也说不准")


async def go_to(harness: BotHarness, moment: object) -> None:
    harness.clock.advance(moment - harness.clock.now())  # type: ignore[operator]
    await harness.tick()


def staff_posts(harness: BotHarness) -> list[str]:
    return [str(c.params.get("text", "")) for c in harness.telegram.delivered_to(STAFF_GROUP)]


def last(line: RecordingLine) -> str:
    return line.texts_to(PHONE)[-1]


async def reminded(harness: BotHarness, locale: str) -> RecordingLine:
    """A patient on the text line reminded on 2026-11-29 (a Sunday) of the visit on 12-02."""
    line = await start_with_text_line(harness, STAFF_GROUP)
    await seed(harness.settings, record(**VISIT))
    await enrol_by_phone(harness, locale=locale)
    await go_to(harness, local("2026-11-29", "09:00"))
    assert "2026-12-02" in last(line) and "<" not in last(line)
    return line


async def asked_for_a_date(harness: BotHarness, locale: str) -> RecordingLine:
    line = await reminded(harness, locale)
    await reply_number_of(harness, line, "rx:other:")
    assert ASK_DATE[locale] in last(line)
    assert "2026-12-06" in last(line)  # the ready-made dates, numbered
    return line


async def reexam_days(harness: BotHarness, status: str) -> list[date]:
    rows = await harness.services.store.outbox.rows(
        m.c.kind == "reexam_reminder", m.c.status == status
    )
    return [row.due_at.astimezone(SHANGHAI).date() for row in rows]


async def date_question_open(harness: BotHarness) -> bool:
    chat = await harness.services.store.channel_chats.key_for(PHONE)
    return await harness.services.store.dialogs.get(chat) is not None


async def assert_moved_to_december_10(
    harness: BotHarness, line: RecordingLine, locale: str
) -> None:
    assert MOVED[locale] in last(line)
    [notice] = [post for post in staff_posts(harness) if "复诊已改期" in post]
    assert "2026-12-02" in notice and "2026-12-10" in notice
    assert await reexam_days(harness, "pending") == [date(2026, 12, 7), date(2026, 12, 9)]
    episode = await harness.services.store.episodes.latest_for("ZY001")
    assert episode is not None and episode.revisit_at == date(2026, 12, 10)
    assert not await date_question_open(harness)


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
async def test_a_reexam_reminder_is_confirmed_by_number(harness: BotHarness, locale: str) -> None:
    line = await reminded(harness, locale)
    await reply_number_of(harness, line, "rx:confirm:")
    assert CONFIRMED[locale] in last(line)
    outbox = harness.services.store.outbox
    [row] = await outbox.rows(m.c.kind == "reexam_reminder", m.c.status == "answered")
    assert await outbox.answers(row.id) == ["confirmed"]


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
async def test_already_went_by_number_closes_the_visit(harness: BotHarness, locale: str) -> None:
    line = await reminded(harness, locale)
    await reply_number_of(harness, line, "rx:done:")
    assert ATTENDED[locale] in last(line)
    assert await reexam_days(harness, "pending") == []  # no reminder of that visit is left


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
async def test_another_date_typed_moves_the_visit(harness: BotHarness, locale: str) -> None:
    line = await asked_for_a_date(harness, locale)
    await say_to_bot(harness, "12月10号上午")
    await assert_moved_to_december_10(harness, line, locale)


async def test_a_ready_made_date_is_chosen_by_number(harness: BotHarness) -> None:
    line = await asked_for_a_date(harness, "zh_CN")
    await reply_number_of(harness, line, "rd:1w")
    assert "改为 2026-12-06" in last(line)
    assert not await date_question_open(harness)
    assert any("复诊已改期" in post and "2026-12-06" in post for post in staff_posts(harness))


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
async def test_staff_can_be_asked_to_arrange_the_date_by_number(
    harness: BotHarness, locale: str
) -> None:
    line = await asked_for_a_date(harness, locale)
    await reply_number_of(harness, line, "rd:staff")
    assert REQUESTED[locale] in last(line)
    assert any("复诊改期申请" in post for post in staff_posts(harness))
    assert await reexam_days(harness, "pending") == [date(2026, 12, 1)]  # unchanged


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
async def test_a_date_not_understood_twice_goes_to_staff(harness: BotHarness, locale: str) -> None:
    line = await asked_for_a_date(harness, locale)
    await say_to_bot(harness, "2026-11-01")  # understood, but already past: asked again
    await say_to_bot(harness, GARBAGE[0])
    assert RETRY[locale] in last(line) and "2026-12-06" in last(line)
    assert await date_question_open(harness)
    await say_to_bot(harness, GARBAGE[1])
    told = line.texts_to(PHONE)[-2:]
    assert PASSED_ON[locale] in told[0] and RECORDED[locale] in told[1]
    assert any("复诊改期申请" in post and "2026-12-02" in post for post in staff_posts(harness))
    assert any(GARBAGE[1] in post for post in staff_posts(harness))  # the patient's own words
    episode = await harness.services.store.episodes.latest_for("ZY001")
    assert episode is not None
    [case] = await harness.services.store.cases.for_patient(episode.patient_id)
    assert (case.kind, case.text) == (CaseKind.QUESTION, GARBAGE[1])
    assert await reexam_days(harness, "pending") == [date(2026, 12, 1)]  # unchanged
    assert not await date_question_open(harness)


async def test_the_date_question_survives_a_restart(harness: BotHarness) -> None:
    line = await asked_for_a_date(harness, "zh_CN")
    await harness.restart()  # the question and its count wait in the database
    await say_to_bot(harness, GARBAGE[0])
    assert "没能看懂这个日期" in last(line)
    await harness.restart()
    await say_to_bot(harness, "12月10号上午")
    await assert_moved_to_december_10(harness, line, "zh_CN")


async def test_a_misread_is_remembered_across_a_restart(harness: BotHarness) -> None:
    line = await asked_for_a_date(harness, "zh_CN")
    await say_to_bot(harness, GARBAGE[0])
    await harness.restart()
    await say_to_bot(harness, GARBAGE[1])
    assert "复诊日期暂时不变" in line.texts_to(PHONE)[-2]
    assert any(GARBAGE[1] in post for post in staff_posts(harness))


async def test_danger_typed_during_the_date_question_is_acted_on_first(
    harness: BotHarness,
) -> None:
    line = await asked_for_a_date(harness, "zh_CN")
    await say_to_bot(harness, "我今天胸口很痛,喘不上气")
    assert "120" in last(line)
    assert any("胸口很痛" in post for post in staff_posts(harness))
    assert await date_question_open(harness)  # the question still waits for its date
    await say_to_bot(harness, "12月10号上午")
    await assert_moved_to_december_10(harness, line, "zh_CN")


async def test_a_reminder_answered_in_another_chat_is_closed_here(harness: BotHarness) -> None:
    line = await start_with_text_line(harness, STAFF_GROUP)
    await seed(harness.settings, record(**VISIT))
    await enrol(harness, TELEGRAM_CHAT)  # the same patient also on Telegram
    await enrol_by_phone(harness)
    await go_to(harness, local("2026-11-29", "09:00"))
    await harness.press(TELEGRAM_CHAT, harness.telegram.button(TELEGRAM_CHAT, "rx:confirm"))
    assert "2026-12-02" in last(line)  # the text line's reminder, still showing its options
    await reply_number_of(harness, line, "rx:other:")
    assert "这个问题已经结束了" in last(line)
    assert not await date_question_open(harness)
