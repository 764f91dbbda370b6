"""Staff decide what the patient sees: text in a case thread is an internal note; a message
to the patient is asked for with Reply, previewed, and sent only with Send; the closing
summary stays internal and closing may add a separate, previewed word to the patient."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from bot.demo.harness import BotHarness
from bot.domain.roles import Role
from bot.storage.schema import contacts
from tests.test_complaints import CHAT, GROUP, STAFF, complain, group_calls, setup
from tests.test_patient_inbox import CHAT as INBOX_CHAT
from tests.test_patient_inbox import GROUP as INBOX_GROUP
from tests.test_patient_inbox import STAFF as INBOX_STAFF
from tests.test_patient_inbox import setup as inbox_setup

OTHER_STAFF = 7101


async def topic_of(harness: BotHarness, number: int = 1) -> int:
    case = await harness.services.store.cases.get(number)
    assert case is not None and case.topic_id is not None
    return case.topic_id


def patient_texts(harness: BotHarness) -> list[str]:
    return [str(c.params.get("text", "")) for c in harness.telegram.sent(CHAT)]


async def event_kinds(harness: BotHarness, number: int = 1) -> list[str]:
    return [e.kind for e in await harness.services.store.cases.events(number)]


async def in_english(harness: BotHarness) -> None:
    """The hospital works in English and so does the patient."""
    harness.settings = harness.settings.model_copy(update={"locale": "en"})
    await harness.restart()
    async with harness.services.store.engine.begin() as conn:
        await conn.execute(update(contacts).values(locale="en"))


@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_plain_text_in_a_topic_is_an_internal_note(
    harness: BotHarness, language: str
) -> None:
    await setup(harness)
    await complain(harness)
    if language == "en":
        await in_english(harness)
    before = len(patient_texts(harness))
    thread = await topic_of(harness)
    await harness.text(GROUP, "患者情绪比较激动,先别电话联系。", user_id=STAFF, thread_id=thread)
    assert len(patient_texts(harness)) == before  # nothing reached the patient
    ack = harness.telegram.last_text(GROUP)
    if language == "zh_CN":
        assert "内部备注" in ack and "患者看不到" in ack and "回复患者" in ack
    else:
        assert "internal note" in ack and "does not see it" in ack and "Reply to patient" in ack
    [note] = [e for e in await harness.services.store.cases.events(1) if e.kind == "note"]
    assert (note.actor_id, note.detail) == (STAFF, "患者情绪比较激动,先别电话联系。")
    case = await harness.services.store.cases.get(1)
    assert case is not None and case.answered_at is None  # a note answers nothing


@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_reply_is_previewed_as_the_patient_reads_it_and_sent_once(
    harness: BotHarness, language: str
) -> None:
    await setup(harness)
    await complain(harness)
    if language == "en":
        await in_english(harness)
    thread = await topic_of(harness)
    await harness.press(GROUP, "cs:reply:1", user_id=STAFF)
    prompt = harness.telegram.sent(GROUP)[-1]
    assert ("回复本条消息" if language == "zh_CN" else "reply to this message") in str(
        prompt.params["text"]
    )
    before = len(patient_texts(harness))
    await harness.text(
        GROUP,
        "您好,我们已核实并致歉。",
        user_id=STAFF,
        thread_id=thread,
        reply_to=int(prompt.result["message_id"]),
    )
    preview = harness.telegram.last_text(GROUP)
    heading = "患者将收到" if language == "zh_CN" else "the patient will receive"
    signed = "关于您反映的问题" if language == "zh_CN" else "about the matter you raised"
    assert heading in preview and signed in preview and "您好,我们已核实并致歉。" in preview
    assert len(patient_texts(harness)) == before  # a preview only
    send = harness.telegram.button(GROUP, "cs:send:1:")
    await harness.press(GROUP, send, user_id=STAFF)
    await harness.press(GROUP, send, user_id=STAFF)  # pressed twice: sent once
    relayed = [t for t in patient_texts(harness)[before:] if "我们已核实并致歉" in t]
    assert len(relayed) == 1 and signed in relayed[0]
    refusal = harness.telegram.answered_callbacks()[-1]
    assert refusal["show_alert"] and "#1" in refusal["text"]
    case = await harness.services.store.cases.get(1)
    assert case is not None and (case.status, case.answered_at is not None) == ("answered", True)
    assert (await event_kinds(harness)).count("replied") == 1


async def test_a_new_text_replaces_the_preview_and_cancel_sends_nothing(
    harness: BotHarness,
) -> None:
    await setup(harness)
    await complain(harness)
    thread = await topic_of(harness)
    await harness.press(GROUP, "cs:reply:1", user_id=STAFF)
    await harness.text(GROUP, "第一稿:您好。", user_id=STAFF, thread_id=thread)
    first = harness.telegram.button(GROUP, "cs:send:1:")
    await harness.text(GROUP, "第二稿:您好,已核实。", user_id=STAFF, thread_id=thread)
    second = harness.telegram.button(GROUP, "cs:send:1:")
    assert first != second and "第二稿" in harness.telegram.last_text(GROUP)
    await harness.press(GROUP, first, user_id=STAFF)  # the replaced preview
    assert "已失效" in harness.telegram.answered_callbacks()[-1]["text"]
    await harness.press(GROUP, second.replace("cs:send:", "cs:cancel:"), user_id=STAFF)
    assert "已取消" in harness.telegram.last_text(GROUP)
    assert not any("稿" in t for t in patient_texts(harness))
    assert "draft_cancelled" in await event_kinds(harness)
    await harness.text(GROUP, "取消后再写的是备注。", user_id=STAFF, thread_id=thread)
    assert "内部备注" in harness.telegram.last_text(GROUP)


async def test_a_colleagues_text_stays_a_note_while_another_drafts(harness: BotHarness) -> None:
    await setup(harness)
    now = harness.clock.now()
    await harness.services.store.staff.upsert(OTHER_STAFF, Role.STAFF, None, "陈护士", now)
    await complain(harness)
    thread = await topic_of(harness)
    await harness.press(GROUP, "cs:reply:1", user_id=STAFF)
    await harness.text(GROUP, "我来看看病历。", user_id=OTHER_STAFF, thread_id=thread)
    assert "内部备注" in harness.telegram.last_text(GROUP)
    await harness.text(GROUP, "您好,正在核实。", user_id=STAFF, thread_id=thread)
    assert "预览" in harness.telegram.last_text(GROUP)


@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_the_closing_summary_stays_internal_and_a_word_after_is_previewed(
    harness: BotHarness, language: str
) -> None:
    await setup(harness)
    await complain(harness)
    if language == "en":
        await in_english(harness)
    thread = await topic_of(harness)
    await harness.press(GROUP, "cs:close:1", user_id=STAFF)
    await harness.press(GROUP, "cs:outcome:1:resolved", user_id=STAFF)
    await harness.text(GROUP, "已与当班护士谈话,科室组织了培训。", user_id=STAFF, thread_id=thread)
    assert not any("当班护士谈话" in t for t in patient_texts(harness))
    closed_word = "已处理完毕" if language == "zh_CN" else "dealt with and closed"
    assert any(closed_word in t for t in patient_texts(harness))
    case = await harness.services.store.cases.get(1)
    assert case is not None and case.summary == "已与当班护士谈话,科室组织了培训。"
    note = harness.telegram.text_with_button(GROUP, "cs:tell:1")
    assert "已与当班护士谈话" in note
    assert ("患者看不到" if language == "zh_CN" else "not shown to the patient") in note
    await harness.press(GROUP, "cs:tell:1", user_id=STAFF)
    await harness.text(GROUP, "再次感谢您的意见,祝您早日康复。", user_id=STAFF, thread_id=thread)
    assert not any("再次感谢" in t for t in patient_texts(harness))  # previewed first
    await harness.press(GROUP, harness.telegram.button(GROUP, "cs:send:1:"), user_id=STAFF)
    assert "再次感谢您的意见" in patient_texts(harness)[-1]
    assert "after_close_message" in await event_kinds(harness)
    case = await harness.services.store.cases.get(1)
    assert case is not None and case.closed


async def test_a_reply_cannot_be_asked_for_on_a_closed_case(harness: BotHarness) -> None:
    await setup(harness)
    await complain(harness)
    thread = await topic_of(harness)
    await harness.press(GROUP, "cs:reply:1", user_id=STAFF)
    await harness.press(GROUP, "cs:close:1", user_id=STAFF)
    await harness.press(GROUP, "cs:outcome:1:resolved", user_id=STAFF)
    await harness.text(GROUP, "处理完毕。", user_id=STAFF, thread_id=thread)  # the summary
    case = await harness.services.store.cases.get(1)
    assert case is not None and case.closed and case.summary == "处理完毕。"
    await harness.press(GROUP, "cs:reply:1", user_id=STAFF)
    assert "已结案" in harness.telegram.answered_callbacks()[-1]["text"]
    await harness.text(GROUP, "结案后的备注。", user_id=STAFF, thread_id=thread)
    assert "内部备注" in harness.telegram.last_text(GROUP)
    assert not any("结案后的备注" in t for t in patient_texts(harness))
    assert len(group_calls(harness, "createForumTopic")) == 1


async def test_a_reply_too_long_for_a_patient_is_not_cut_short(harness: BotHarness) -> None:
    await setup(harness)
    await complain(harness)
    thread = await topic_of(harness)
    await harness.press(GROUP, "cs:reply:1", user_id=STAFF)
    await harness.text(GROUP, "很" * 3200, user_id=STAFF, thread_id=thread)
    assert "3200" in harness.telegram.last_text(GROUP) and "没有发送" in harness.telegram.last_text(
        GROUP
    )
    await harness.text(GROUP, "您好,简短答复。", user_id=STAFF, thread_id=thread)  # still waiting
    await harness.press(GROUP, harness.telegram.button(GROUP, "cs:send:1:"), user_id=STAFF)
    assert "简短答复" in patient_texts(harness)[-1]
    assert not any("很很很" in t for t in patient_texts(harness))


async def test_an_inbox_case_is_answered_through_reply_and_send_too(harness: BotHarness) -> None:
    await inbox_setup(harness)
    await harness.text(INBOX_CHAT, "想问一下复诊要不要空腹")
    [case] = await harness.services.store.cases.for_patient(1)
    assert case.topic_id is not None
    await harness.text(INBOX_GROUP, "查一下医嘱。", user_id=INBOX_STAFF, thread_id=case.topic_id)
    assert "内部备注" in harness.telegram.last_text(INBOX_GROUP)
    assert not any("查一下医嘱" in str(c.params) for c in harness.telegram.sent(INBOX_CHAT))
    await harness.press(INBOX_GROUP, f"cs:reply:{case.id}", user_id=INBOX_STAFF)
    await harness.text(
        INBOX_GROUP, "您好,复诊抽血需要空腹。", user_id=INBOX_STAFF, thread_id=case.topic_id
    )
    send = harness.telegram.button(INBOX_GROUP, f"cs:send:{case.id}:")
    await harness.press(INBOX_GROUP, send, user_id=INBOX_STAFF)
    assert "复诊抽血需要空腹" in harness.telegram.last_text(INBOX_CHAT)
