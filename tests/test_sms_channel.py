"""The SMS channel end to end: a consenting patient who never enrolled gets the day-3
check-in by SMS, answers on the page, an unsatisfied answer reaches staff as a case, and
staff's reply comes by SMS to the replies page behind the identity check — for Aliyun's
and Tencent's shapes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest

from bot.demo.harness import BotHarness
from bot.domain.conversation_window import NoticeKind
from bot.domain.sms import SmsProviderName, SmsStatus
from tests.sms_patients import code_of, page_of, sms_patient, template_of, texts
from tests.test_complaints import GROUP, reply_to_patient
from tests.test_survey_flow import HAPPY_PATH
from tests.web_patients import answer, write, xsrf

WHY = "护士换药时态度不好。"
REPLY = "非常抱歉,已与护士沟通并改进。"


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as phone:
        yield phone


async def staff_posts(harness: BotHarness) -> list[str]:
    """What reached the staff group, once the staff lane has sent what it holds."""
    await harness.staff_settled()
    return [str(c.params.get("text", "")) for c in harness.telegram.delivered_to(GROUP)]


@pytest.mark.parametrize("provider", [SmsProviderName.ALIYUN, SmsProviderName.TENCENT])
async def test_a_check_in_by_sms_is_answered_on_the_page_and_staff_reply_by_sms(
    harness: BotHarness, client: httpx.AsyncClient, provider: SmsProviderName
) -> None:
    fake, contact = await sms_patient(harness, provider)
    tip, notice = texts(fake)  # the tip's notice does not hold back the check-in's
    assert tip.template == template_of(NoticeKind.EDUCATION)
    assert notice.template == template_of(NoticeKind.CHECK_IN) and code_of(notice)
    url = page_of(harness, notice)
    first = await client.get(url)
    assert first.status_code == 200 and "呼吸科" in first.text
    for question, value in HAPPY_PATH[:9]:
        await answer(harness, client, url, f":{question}:{value}")
    await answer(harness, client, url, ":sat_doctors:unsatisfied")
    await write(client, url, WHY)
    [case] = await harness.services.store.cases.for_patient(contact.patient_id)
    assert case.text == WHY and any(WHY in post for post in await staff_posts(harness))
    assert len(texts(fake)) == 2  # the questions came while they were on the page: no SMS

    harness.clock.advance(timedelta(minutes=30))  # they left the page
    await reply_to_patient(harness, case.id, REPLY, case.topic_id)
    reply_notice = texts(fake)[-1]
    assert reply_notice.template == template_of(NoticeKind.STAFF_REPLY)
    conversation = (await client.get(url)).text
    assert REPLY not in conversation and "医护人员回复了您" in conversation  # private
    replies = page_of(harness, reply_notice)
    ask = await client.get(replies)
    assert REPLY not in ask.text
    form = {"_xsrf": xsrf(ask.text), "identity_answer": "8001"}
    shown = await client.post(replies, data=form, follow_redirects=True)
    assert REPLY in shown.text

    assert await fake.deliver(reply_notice) == 200
    record = await harness.services.store.sms_messages.find(provider, reply_notice.id)
    assert record is not None and record.status is SmsStatus.DELIVERED
