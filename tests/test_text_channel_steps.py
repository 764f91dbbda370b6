"""Plan steps answered by number on the plain-text channel: medicine reminders, "still
taking?" checks and "keep receiving messages?", the same use cases as Telegram's buttons."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.demo.harness import BotHarness
from bot.storage.schema import scheduled_messages as m
from tests.harness import RecordFields, local, record, seed
from tests.text_line import RecordingLine
from tests.text_patients import (
    PHONE,
    enrol_by_phone,
    reply_number_of,
    start_with_text_line,
)

STAFF_GROUP = -1005555
GENERAL: RecordFields = {"department": "呼吸科", "discharged_at": local("2026-11-20")}
DAILY = "阿司匹林肠溶片 100mg qd 30天"
LONG_TERM = "阿司匹林肠溶片 100mg qd 长期"
TAKEN = {"zh_CN": "已记录您本次已服药", "en": "noted that you have taken this dose"}
SNOOZED = {"zh_CN": "30 分钟后再提醒您", "en": "again in 30 minutes"}
SKIPPED = {"zh_CN": "已记录本次未服用", "en": "this dose was not taken"}
STILL_TAKING = {"zh_CN": "会继续按时提醒您", "en": "We will keep reminding you"}
STOPPED = {"zh_CN": "不再发送 阿司匹林肠溶片 的服药提醒", "en": "no longer remind you"}
KEEP_ASKING = {"zh_CN": "还希望继续接收", "en": "keep receiving them"}
CONTINUES = {"zh_CN": "随访将继续", "en": "follow-up continues"}
WITHDRAWN = {"zh_CN": "已为您停止随访消息", "en": "Follow-up messages have been stopped"}


async def go_to(harness: BotHarness, moment: object) -> None:
    harness.clock.advance(moment - harness.clock.now())  # type: ignore[operator]
    await harness.tick()


def staff_posts(harness: BotHarness) -> list[str]:
    return [str(c.params.get("text", "")) for c in harness.telegram.delivered_to(STAFF_GROUP)]


async def patient_with(harness: BotHarness, locale: str, **fields: object) -> RecordingLine:
    line = await start_with_text_line(harness, STAFF_GROUP)
    await seed(harness.settings, record(**{**GENERAL, **fields}))  # type: ignore[arg-type]
    await enrol_by_phone(harness, locale=locale)
    return line


async def answers_of(harness: BotHarness, kind: str) -> list[list[str]]:
    outbox = harness.services.store.outbox
    given = [await outbox.answers(row.id) for row in await outbox.rows(m.c.kind == kind)]
    return [answers for answers in given if answers]  # rows not yet sent have none


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
async def test_a_medicine_reminder_is_taken_snoozed_and_skipped_by_number(
    harness: BotHarness, locale: str
) -> None:
    line = await patient_with(harness, locale, medications=DAILY)
    await go_to(harness, local("2026-11-23", "08:00"))
    reminder = line.texts_to(PHONE)[-1]
    assert "阿司匹林肠溶片" in reminder and "<b>" not in reminder
    await reply_number_of(harness, line, "md:taken:")
    assert TAKEN[locale] in line.texts_to(PHONE)[-1]
    await go_to(harness, local("2026-11-24", "08:00"))
    await reply_number_of(harness, line, "md:snooze:")
    assert SNOOZED[locale] in line.texts_to(PHONE)[-1]
    await go_to(harness, local("2026-11-24", "08:31"))  # reminded again after the snooze
    assert "阿司匹林肠溶片" in line.texts_to(PHONE)[-1]
    await reply_number_of(harness, line, "md:skip:")
    assert SKIPPED[locale] in line.texts_to(PHONE)[-1]
    assert await answers_of(harness, "medication") == [["taken"], ["snoozed", "skipped"]]


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
async def test_still_taking_keeps_the_reminders(harness: BotHarness, locale: str) -> None:
    line = await patient_with(harness, locale, medications=LONG_TERM)
    await go_to(harness, local("2026-12-21", "08:01"))
    await reply_number_of(harness, line, "mc:yes:")
    assert STILL_TAKING[locale] in line.texts_to(PHONE)[-1]
    assert "阿司匹林肠溶片" in line.texts_to(PHONE)[-1]
    assert await answers_of(harness, "medication_check") == [["still_taking"]]
    assert await harness.services.store.outbox.rows(m.c.step_key == "med0", m.c.status == "pending")
    assert not any("停药" in post for post in staff_posts(harness))


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
async def test_a_stopped_medicine_ends_its_reminders_and_staff_are_told(
    harness: BotHarness, locale: str
) -> None:
    line = await patient_with(harness, locale, medications=LONG_TERM)
    await go_to(harness, local("2026-12-21", "08:01"))
    await reply_number_of(harness, line, "mc:stopped:")
    assert STOPPED[locale] in line.texts_to(PHONE)[-1]
    [notice] = [post for post in staff_posts(harness) if "患者告知已停药" in post]
    assert "阿司匹林肠溶片" in notice  # staff read the hospital's language
    assert not await harness.services.store.outbox.rows(
        m.c.step_key.in_(("med0", "med0_check")), m.c.status == "pending"
    )
    assert await answers_of(harness, "medication_check") == [["stopped"]]


async def silent_for_a_month(harness: BotHarness, line: RecordingLine, locale: str) -> None:
    """Leave every check-in unanswered until the keep-receiving question comes."""
    moment = local("2026-11-22", "10:00")
    while moment < local("2026-12-27"):
        await go_to(harness, moment)
        moment += timedelta(hours=6)
    assert KEEP_ASKING[locale] in line.texts_to(PHONE)[-1]


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
async def test_keep_receiving_yes_goes_on(harness: BotHarness, locale: str) -> None:
    line = await patient_with(harness, locale)
    await silent_for_a_month(harness, line, locale)
    await reply_number_of(harness, line, "ka:yes:")
    assert CONTINUES[locale] in line.texts_to(PHONE)[-1]
    [contact] = await harness.services.store.contacts.for_chat(
        await harness.services.store.channel_chats.key_for(PHONE)
    )
    assert contact.consent == "granted"
    [answers] = await answers_of(harness, "keep_asking")
    assert answers[-1] == "yes"  # after the silence noted while it waited


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
async def test_keep_receiving_no_withdraws(harness: BotHarness, locale: str) -> None:
    line = await patient_with(harness, locale)
    await silent_for_a_month(harness, line, locale)
    await reply_number_of(harness, line, "ka:no:")
    assert WITHDRAWN[locale] in line.texts_to(PHONE)[-1]
    [contact] = await harness.services.store.contacts.for_chat(
        await harness.services.store.channel_chats.key_for(PHONE)
    )
    assert contact.consent == "withdrawn"
    assert await harness.services.store.outbox.rows(m.c.status == "pending") == []
