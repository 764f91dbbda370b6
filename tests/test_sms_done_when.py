"""Issue 18's promise, in a real browser: a consenting patient who never enrolled gets the
day-3 check-in by SMS and answers it on the phone-sized page in Chromium; an unsatisfied
answer reaches the staff group as a case; staff's reply is readable on the page after the
identity check; "TD" by SMS stops everything; a forged link changes nothing."""

from __future__ import annotations

from datetime import timedelta

from bot.demo.fake_sms import FakeSend, FakeSms
from bot.demo.harness import BotHarness
from bot.domain.consent import ConsentVia
from bot.domain.conversation_window import NoticeKind
from bot.domain.enrolment import ConsentDecision
from bot.domain.roles import Role
from bot.domain.sms import SmsProviderName
from tests.browser import Browser
from tests.harness import local, record, seed
from tests.sms_patients import code_of, page_of, template_of, texts
from tests.test_complaints import GROUP, STAFF, reply_to_patient
from tests.test_survey_flow import GENERAL, HAPPY_PATH
from tests.test_web_browser import MOST_BYTES, SMALLEST_TEXT_PX, tap_answer
from tests.web_patients import PHONE

WHY = "护士换药时态度不好。"
REPLY = "非常抱歉,已与护士沟通并改进。"


async def day_three_by_sms(harness: BotHarness) -> tuple[FakeSms, FakeSend]:
    """The bot with SMS and a staff group; the discharge list holds a consenting patient with a
    phone, who never scans a QR code: the dispatcher's sweep reaches them by SMS, and on day 3
    the check-in's text comes. Return the fake provider and that text."""
    harness.settings = harness.settings.model_copy(update={"staff_chat_id": GROUP})
    await harness.with_sms(SmsProviderName.ALIYUN)
    await seed(harness.settings, record(**GENERAL))
    store = harness.services.store
    await store.staff.upsert(STAFF, Role.STAFF, None, "刘护士长", harness.clock.now())
    await harness.tick()
    [contact] = await store.contacts.for_chat(await store.channel_chats.key_for(PHONE))
    assert (contact.channel, contact.consent) == ("sms", ConsentDecision.GRANTED)
    fake = harness.sms
    assert fake is not None
    harness.clock.advance(local("2026-11-23") - harness.clock.now())
    await harness.tick()
    notice = texts(fake)[-1]
    assert notice.template == template_of(NoticeKind.CHECK_IN)
    return fake, notice


async def test_a_never_enrolled_patient_answers_the_day_three_check_in_in_chromium(
    harness: BotHarness, browser: Browser
) -> None:
    fake, notice = await day_three_by_sms(harness)
    await browser.open(page_of(harness, notice))
    assert await browser.smallest_text_px() >= SMALLEST_TEXT_PX
    assert await browser.page_bytes() < MOST_BYTES
    for question, value in HAPPY_PATH[:9]:
        await tap_answer(harness, browser, f":{question}:{value}")
    await tap_answer(harness, browser, ":sat_doctors:unsatisfied")
    await browser.type_into("写下您想说的", WHY)
    await browser.tap("发送")
    store = harness.services.store
    [contact] = await store.contacts.for_chat(await store.channel_chats.key_for(PHONE))
    [case] = await store.cases.for_patient(contact.patient_id)
    assert case.text == WHY
    await harness.staff_settled()  # the case's post goes after the page's answer
    group = [str(c.params.get("text", "")) for c in harness.telegram.delivered_to(GROUP)]
    assert any(WHY in post for post in group)

    harness.clock.advance(timedelta(minutes=30))  # the patient left the page
    await reply_to_patient(harness, case.id, REPLY, case.topic_id)
    reply = texts(fake)[-1]
    assert reply.template == template_of(NoticeKind.STAFF_REPLY)
    await browser.open(page_of(harness, reply))
    assert REPLY not in await browser.text()  # not before the identity check
    await browser.type_into("您的回答", "8001")  # the phone's last four digits
    await browser.tap("确认")
    assert REPLY in await browser.text()
    assert await browser.smallest_text_px() >= SMALLEST_TEXT_PX


async def test_td_by_sms_stops_everything_and_a_forged_link_changes_nothing(
    harness: BotHarness, browser: Browser
) -> None:
    fake, notice = await day_three_by_sms(harness)
    code = code_of(notice)
    forged = page_of(harness, notice).replace(code, code[::-1])
    await browser.open(forged)
    assert "无法打开" in await browser.text()
    store = harness.services.store
    [contact] = await store.contacts.for_chat(await store.channel_chats.key_for(PHONE))
    assert contact.consent == ConsentDecision.GRANTED  # the forgery changed nothing

    assert await fake.user_replies(PHONE.chat, "TD") == 200
    [contact] = await store.contacts.for_chat(await store.channel_chats.key_for(PHONE))
    assert contact.consent == ConsentDecision.WITHDRAWN
    *_earlier, (decision, _at, via) = await store.contacts.consent_history(contact.id)
    assert (decision, via) == (ConsentDecision.WITHDRAWN, ConsentVia.SMS_STOP)
    sent = len(texts(fake))
    for _day in range(14):
        harness.clock.advance(timedelta(days=1))
        await harness.tick()
    assert len(texts(fake)) == sent  # nothing more by SMS
    await browser.open(page_of(harness, notice))
    assert "链接已经失效" in await browser.text()  # the page is closed to them too
