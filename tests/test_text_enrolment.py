"""Enrolment on the plain-text channel: the same use case as Telegram's, answered by typing
the identity answer and the number (or the label) of each offered choice."""

from __future__ import annotations

from bot.channels.text.inbox import TextInbox
from bot.demo.harness import BotHarness
from bot.domain.channel_messages import ChannelName
from bot.domain.patient_messages import PatientMessage, PatientMessageKind
from tests.harness import HOSPITAL
from tests.text_enrolling import invite, line_with_patient, open_and_answer
from tests.text_patients import PHONE, reply_choosing


async def test_a_patient_enrols_by_invite_typing_every_answer(harness: BotHarness) -> None:
    line = await line_with_patient(harness)
    await TextInbox(harness.services).open_invite(PHONE, await invite(harness))
    greeting = line.texts_to(PHONE)[-1]
    assert HOSPITAL in greeting and "后4位" in greeting and "张" not in greeting

    await TextInbox(harness.services).receive(PHONE, "8001")
    asked = line.texts_to(PHONE)[-1]
    assert "张**" in asked and "1 我是患者本人" in asked and "2 我是家属" in asked

    await TextInbox(harness.services).receive(PHONE, "1")
    assert "隐私承诺" in line.texts_to(PHONE)[-1] and "1 同意" in line.texts_to(PHONE)[-1]

    await TextInbox(harness.services).receive(PHONE, "同意")  # the label typed, not its number
    agreed = line.texts_to(PHONE)[-1]
    assert "随访已开通" in agreed and "回复“停止”" in agreed and "/stop" not in agreed
    store = harness.services.store
    chat = await store.channel_chats.key_for(PHONE)
    [contact] = await store.contacts.for_chat(chat)
    assert (contact.respondent, contact.consent) == ("patient", "granted")
    assert [c.id for c in await store.contacts.at_address(ChannelName.TEXT, PHONE.chat)] == [
        contact.id
    ]
    history = await store.contacts.consent_history(contact.id)
    assert [(d, via) for d, _, via in history] == [("granted", "invite")]
    assert await store.dialogs.get(chat) is None
    assert await store.outbox.count_pending() > 0  # follow-up planned


async def test_a_family_member_names_the_relation(harness: BotHarness) -> None:
    line = await line_with_patient(harness)
    await open_and_answer(harness, "８００１", "2")
    assert "子女" in line.texts_to(PHONE)[-1]
    await reply_choosing(harness, line, ":child")  # the number shown beside 子女
    await TextInbox(harness.services).receive(PHONE, "1")
    chat = await harness.services.store.channel_chats.key_for(PHONE)
    [contact] = await harness.services.store.contacts.for_chat(chat)
    assert (contact.respondent, contact.relation, contact.consent) == ("family", "child", "granted")


async def test_consent_declined_links_the_phone_without_follow_up(harness: BotHarness) -> None:
    line = await line_with_patient(harness)
    await open_and_answer(harness, "8001", "1", "2")
    assert "尊重您的选择" in line.texts_to(PHONE)[-1]
    chat = await harness.services.store.channel_chats.key_for(PHONE)
    [contact] = await harness.services.store.contacts.for_chat(chat)
    assert contact.consent == "declined"
    assert await harness.services.store.outbox.count_pending() == 0


async def test_a_wrong_answer_is_counted_and_too_many_lock_the_invite(
    harness: BotHarness,
) -> None:
    line = await line_with_patient(harness)
    await open_and_answer(harness, "1234")
    wrong = line.texts_to(PHONE)[-1]
    assert "核对未通过" in wrong and "张" not in wrong
    for _ in range(harness.settings.identity_attempts - 1):
        await TextInbox(harness.services).receive(PHONE, "0000")
    assert "已被锁定" in line.texts_to(PHONE)[-1]
    await TextInbox(harness.services).receive(PHONE, "8001")  # too late: no dialog any more
    assert "无法识别您的号码" in line.texts_to(PHONE)[-1]
    chat = await harness.services.store.channel_chats.key_for(PHONE)
    assert await harness.services.store.contacts.for_chat(chat) == []


async def test_an_unusable_token_is_refused_politely(harness: BotHarness) -> None:
    line = await line_with_patient(harness)
    await TextInbox(harness.services).open_invite(PHONE, "not-a-real-token")
    assert "链接" in line.texts_to(PHONE)[-1] and "张" not in line.texts_to(PHONE)[-1]


async def test_typed_words_at_a_choice_step_are_asked_for_a_number(harness: BotHarness) -> None:
    line = await line_with_patient(harness)
    await open_and_answer(harness, "8001", "我不太清楚")
    told = line.texts_to(PHONE)[-1]
    assert "数字" in told and "按钮" not in told


async def test_a_clicked_choice_counts_and_a_stale_one_is_closed(harness: BotHarness) -> None:
    line = await line_with_patient(harness)
    await open_and_answer(harness, "8001")
    inbox = TextInbox(harness.services)
    await inbox.receive_choice(PHONE, "en:c:yes")  # not offered now: the respondent is asked
    assert "这个问题已经结束" in line.texts_to(PHONE)[-1]
    chat = await harness.services.store.channel_chats.key_for(PHONE)
    assert await harness.services.store.contacts.for_chat(chat) == []
    await inbox.receive_choice(PHONE, "en:r:patient")
    await inbox.receive_choice(PHONE, "en:c:yes")
    assert "随访已开通" in line.texts_to(PHONE)[-1]
    await inbox.receive_choice(PHONE, "en:c:yes")  # pressed twice
    assert "这个问题已经结束" in line.texts_to(PHONE)[-1]


async def test_start_says_where_the_phone_stands(harness: BotHarness) -> None:
    line = await line_with_patient(harness)
    await open_and_answer(harness, "8001", "1", "1")
    await TextInbox(harness.services).receive(PHONE, "“开始”")  # as the texts quote it
    assert "您已开通" in line.texts_to(PHONE)[-1] and "/stop" not in line.texts_to(PHONE)[-1]
    await TextInbox(harness.services).receive(PHONE, "Help")
    assert "回复“停止”" in line.texts_to(PHONE)[-1] and "/language" not in line.texts_to(PHONE)[-1]


async def test_media_during_enrolment_waits_for_words(harness: BotHarness) -> None:
    line = await line_with_patient(harness)
    await open_and_answer(harness, "8001")
    photo = PatientMessage(PatientMessageKind.PHOTO, "", "photo-1")
    await TextInbox(harness.services).receive_media(PHONE, photo)
    told = line.texts_to(PHONE)[-1]
    assert "只能读取文字" in told and "按钮" not in told
