"""A case raised from another channel: staff work it in the group, the patient reads it there."""

from __future__ import annotations

from bot.demo.harness import BotHarness
from bot.domain.cases import CaseKind
from bot.domain.channel_messages import Address, ChannelName
from bot.domain.enrolment import ConsentDecision
from bot.services.cases import open_patient_case
from bot.storage.contacts import NewContact
from bot.storage.records import Contact
from tests.harness import local
from tests.test_complaints import CHAT, GROUP, STAFF, group_calls, reply_to_patient, setup
from tests.text_line import RecordingLine

PHONE = Address(ChannelName.TEXT, "13800138001")


async def text_contact(harness: BotHarness, line: RecordingLine) -> Contact:
    """Link a relative on the plain-text channel to the enrolled patient, and open the line."""
    harness.text_line = line
    await harness.restart()
    services = harness.services
    [patient] = await services.store.contacts.for_chat(CHAT)
    key = await services.store.channel_chats.key_for(PHONE)
    new = NewContact(
        patient.patient_id,
        patient.episode_id,
        key,
        key,
        "family",
        "child",
        "zh_CN",
        channel=ChannelName.TEXT.value,
        handle=PHONE.chat,
    )
    now = harness.clock.now()
    return await services.store.contacts.link(new, ConsentDecision.GRANTED, now, via="test")


async def test_a_case_from_the_text_channel_is_answered_and_closed_on_it(
    harness: BotHarness,
) -> None:
    harness.clock.advance(local("2026-11-20", "10:00") - harness.clock.now())
    await setup(harness)
    line = RecordingLine()
    relative = await text_contact(harness, line)
    text = "病房夜里太吵。"
    await open_patient_case(harness.services, relative, CaseKind.COMPLAINT, text, "", None)
    await harness.staff_settled()  # the card is posted in the staff lane
    card = group_calls(harness, "sendMessage")[0]
    thread = int(str(card["message_thread_id"]))

    await reply_to_patient(harness, 1, "非常抱歉,已加强夜班巡视。", thread)
    await harness.press(GROUP, "cs:close:1", user_id=STAFF)
    await harness.press(GROUP, "cs:outcome:1:resolved", user_id=STAFF)
    await harness.text(GROUP, "已与夜班护士沟通。", user_id=STAFF, thread_id=thread)

    reply, closed, question = line.texts_to(PHONE)
    assert "非常抱歉,已加强夜班巡视。" in reply and "呼吸科" in reply
    assert "已处理完毕" in closed and "已与夜班护士沟通。" not in closed  # the summary is internal
    assert "回复 1 " in question  # the satisfaction question as numbered options
    assert not [c for c in harness.telegram.calls if c.params.get("chat_id") == relative.chat_id]
    assert not any("已与夜班护士沟通" in str(c.params["text"]) for c in harness.telegram.sent(CHAT))
