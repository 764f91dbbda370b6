"""Stopping on the plain-text channel: a stop word asks to confirm, the number confirms or
keeps; an unfollow withdraws at once without a word; media and start from an enrolled phone."""

from __future__ import annotations

from bot.channels.text.inbox import TextInbox
from bot.demo.harness import BotHarness
from bot.domain.patient_messages import PatientMessage, PatientMessageKind
from tests.harness import local, record, seed
from tests.text_line import RecordingLine
from tests.text_patients import PHONE, enrol_by_phone, reply_choosing, start_with_text_line

GROUP = -1008313


async def enrolled_line(harness: BotHarness) -> RecordingLine:
    line = await start_with_text_line(harness, GROUP)
    await seed(harness.settings, record(department="呼吸科", discharged_at=local("2026-11-20")))
    await enrol_by_phone(harness)
    return line


async def consent_of(harness: BotHarness) -> list[tuple[str, str]]:
    store = harness.services.store
    [contact] = await store.contacts.for_chat(await store.channel_chats.key_for(PHONE))
    return [(d, via) for d, _, via in await store.contacts.consent_history(contact.id)]


async def test_a_stop_word_confirmed_withdraws_consent(harness: BotHarness) -> None:
    line = await enrolled_line(harness)
    await TextInbox(harness.services).receive(PHONE, "退订")
    assert "确定要停止" in line.texts_to(PHONE)[-1] and "1 确定停止" in line.texts_to(PHONE)[-1]
    await reply_choosing(harness, line, ":yes")
    assert "已为您停止" in line.texts_to(PHONE)[-1]
    assert await consent_of(harness) == [("granted", "test"), ("withdrawn", "stop")]
    assert await harness.services.store.outbox.count_pending() == 0


async def test_stop_kept_changes_nothing(harness: BotHarness) -> None:
    line = await enrolled_line(harness)
    pending = await harness.services.store.outbox.count_pending()
    await TextInbox(harness.services).receive(PHONE, "ＴＤ")  # full width, as phones send it
    await reply_choosing(harness, line, ":no")
    assert "随访将继续" in line.texts_to(PHONE)[-1]
    assert await consent_of(harness) == [("granted", "test")]
    assert await harness.services.store.outbox.count_pending() == pending


async def test_stop_ends_a_dialog_under_way_first(harness: BotHarness) -> None:
    line = await enrolled_line(harness)
    await TextInbox(harness.services).receive(PHONE, "投诉")
    await TextInbox(harness.services).receive(PHONE, "取消随访")
    assert "确定要停止" not in line.texts_to(PHONE)[-1]
    chat = await harness.services.store.channel_chats.key_for(PHONE)
    assert await harness.services.store.dialogs.get(chat) is None
    assert await consent_of(harness) == [("granted", "test")]


async def test_an_unfollow_withdraws_without_a_message(harness: BotHarness) -> None:
    line = await enrolled_line(harness)
    sent = len(line.delivered)
    assert await TextInbox(harness.services).withdraw(PHONE)
    assert len(line.delivered) == sent  # the person can no longer be written to
    assert await consent_of(harness) == [("granted", "test"), ("withdrawn", "unsubscribe")]
    assert await harness.services.store.outbox.count_pending() == 0
    assert not await TextInbox(harness.services).withdraw(PHONE)  # nothing left to withdraw


async def test_a_stale_stop_choice_is_closed(harness: BotHarness) -> None:
    line = await enrolled_line(harness)
    await TextInbox(harness.services).receive_choice(PHONE, "stop:yes")
    assert "这个问题已经结束" in line.texts_to(PHONE)[-1]
    assert await consent_of(harness) == [("granted", "test")]


async def test_a_photo_from_an_enrolled_phone_reaches_staff(harness: BotHarness) -> None:
    line = await enrolled_line(harness)
    photo = PatientMessage(PatientMessageKind.PHOTO, "伤口的照片", "photo-1")
    await TextInbox(harness.services).receive_media(PHONE, photo)
    chat = await harness.services.store.channel_chats.key_for(PHONE)
    [kept] = await harness.services.store.patient_messages.for_chat(chat)
    assert kept.case_id is not None
    posts = [str(c.params.get("text", "")) for c in harness.telegram.delivered_to(GROUP)]
    assert any("伤口的照片" in post for post in posts)
    assert line.texts_to(PHONE)[-1]  # acknowledged


async def test_start_from_an_unknown_phone_names_the_hospital(harness: BotHarness) -> None:
    line = await start_with_text_line(harness, GROUP)
    await TextInbox(harness.services).receive(PHONE, "开始")
    assert "无法识别您的号码" in line.texts_to(PHONE)[-1]
