"""The mobile pages in a real browser (headless Chromium, phone-sized): a whole check-in by
tapping, a complaint, a stop; the text is large enough and the page light enough."""

from __future__ import annotations

from bot.demo.harness import BotHarness
from bot.domain.enrolment import ConsentDecision
from tests.browser import Browser
from tests.test_survey_flow import HAPPY_PATH
from tests.test_web_checkin import day_three
from tests.web_patients import PHONE

SMALLEST_TEXT_PX = 18
MOST_BYTES = 50 * 1024
WHY = "出院时没有人告诉我怎么换药。"


async def tap_answer(harness: BotHarness, browser: Browser, ending: str) -> None:
    """Tap the button of the offered choice whose id ends with `ending`."""
    chats = harness.services.store.channel_chats
    offered = await chats.offered(await chats.key_for(PHONE))
    [choice] = [c for c in offered if c.id.endswith(ending)]
    await browser.tap(choice.label)


async def test_a_whole_check_in_is_answered_by_tapping_on_a_phone_sized_page(
    harness: BotHarness, browser: Browser
) -> None:
    url = await day_three(harness)
    await browser.open(url)
    assert await browser.smallest_text_px() >= SMALLEST_TEXT_PX
    assert await browser.page_bytes() < MOST_BYTES
    store = harness.services.store
    [session] = await store.surveys.open_for_chat(await store.channel_chats.key_for(PHONE))
    for question, value in HAPPY_PATH:
        await tap_answer(harness, browser, f":{question}:{value}")
    assert "非常感谢您的支持与配合" in await browser.text()
    assert await store.surveys.answers(session.id) == dict(HAPPY_PATH)


async def test_a_complaint_is_written_and_sent_from_the_page(
    harness: BotHarness, browser: Browser
) -> None:
    await browser.open(await day_three(harness))
    await browser.tap("投诉或表扬")
    assert await browser.smallest_text_px() >= SMALLEST_TEXT_PX
    await browser.pick("投诉")
    await browser.type_into("请写下发生了什么", WHY)
    await browser.tap("提交")
    assert "已登记" in await browser.text()
    store = harness.services.store
    [contact] = await store.contacts.for_chat(await store.channel_chats.key_for(PHONE))
    [case] = await store.cases.for_patient(contact.patient_id)
    assert (case.kind, case.text) == ("complaint", WHY)


async def test_stopping_on_the_page_withdraws_consent_and_the_link_dies(
    harness: BotHarness, browser: Browser
) -> None:
    url = await day_three(harness)
    await browser.open(url)
    await browser.tap("不再接收随访消息")
    await browser.tap("确认不再接收")
    assert "已为您停止随访消息" in await browser.text()
    store = harness.services.store
    [contact] = await store.contacts.for_chat(await store.channel_chats.key_for(PHONE))
    assert contact.consent == ConsentDecision.WITHDRAWN
    await browser.open(url)
    assert "链接已经失效" in await browser.text()
