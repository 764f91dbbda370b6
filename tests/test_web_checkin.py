"""A check-in on the mobile web page: the day-3 questions land on the SMS contact's page and
are answered by tapping and typing, through the same use cases as chat."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from bot.demo.harness import BotHarness
from bot.domain.web_links import LinkPurpose
from tests.harness import local, record, seed
from tests.test_survey_flow import GENERAL, HAPPY_PATH
from tests.web_patients import FEED, PHONE, answer, buttons, link, sms_contact, write, xsrf

STAFF_GROUP = -1005555
WHY = "查房时医生说话太快,没听清用药方法。"


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as phone:
        yield phone


async def staff_posts(harness: BotHarness) -> list[str]:
    """What reached the staff group, once the staff lane has sent what it holds."""
    await harness.staff_settled()
    return [str(c.params.get("text", "")) for c in harness.telegram.delivered_to(STAFF_GROUP)]


async def day_three(harness: BotHarness) -> str:
    """Start the pages, enrol the SMS contact, send the day-3 check-in; return its page."""
    harness.settings = harness.settings.model_copy(update={"staff_chat_id": STAFF_GROUP})
    await harness.with_web()
    await seed(harness.settings, record(**GENERAL))
    contact = await sms_contact(harness)
    harness.clock.advance(local("2026-11-23") - harness.clock.now())
    await harness.tick()
    return await link(harness, contact.chat_id, LinkPurpose.CONVERSATION)


async def test_the_day_three_check_in_is_answered_on_the_page_and_unsatisfied_opens_a_case(
    harness: BotHarness, client: httpx.AsyncClient
) -> None:
    url = await day_three(harness)
    first = await client.get(url)
    assert first.status_code == 200 and "呼吸科" in first.text and "张**" in first.text
    assert "张三丰" not in first.text  # the masked name only
    for question, value in HAPPY_PATH[:9]:
        await answer(harness, client, url, f":{question}:{value}")
    await answer(harness, client, url, ":sat_doctors:unsatisfied")
    page = await write(client, url, WHY)  # the question "why" takes free text
    contact = (await harness.services.store.contacts.for_chat(await chat_of(harness)))[0]
    [case] = await harness.services.store.cases.for_patient(contact.patient_id)
    assert (case.kind, case.text) == ("complaint", WHY)
    assert any(WHY in post for post in await staff_posts(harness))
    assert "护士" in page.text  # the survey goes on: nurses next, on the page


async def chat_of(harness: BotHarness) -> int:
    return await harness.services.store.channel_chats.key_for(PHONE)


def feed_of(page: str) -> str:
    found = FEED.search(page)
    assert found is not None
    return found.group(1)


async def test_a_red_flag_tapped_on_the_page_alerts_staff_at_once(
    harness: BotHarness, client: httpx.AsyncClient
) -> None:
    url = await day_three(harness)
    await answer(harness, client, url, ":good_time:yes")
    await answer(harness, client, url, ":condition:worse")
    assert any("比出院时差" in post for post in await staff_posts(harness))


async def test_leaving_and_coming_back_continues_and_a_finished_check_in_is_closed(
    harness: BotHarness, client: httpx.AsyncClient
) -> None:
    url = await day_three(harness)
    first = (await client.get(url)).text
    for question, value in HAPPY_PATH[:5]:
        await answer(harness, client, url, f":{question}:{value}")
    store = harness.services.store
    [session] = await store.surveys.open_for_chat(await chat_of(harness))
    async with httpx.AsyncClient() as later:  # the same link, another visit: it goes on
        for question, value in HAPPY_PATH[5:]:
            await answer(harness, later, url, f":{question}:{value}")
        page = (await later.get(url)).text
    assert buttons(page) == {}  # nothing left to answer
    answers = await store.surveys.answers(session.id)
    assert answers["condition"] == "better" and answers["sat_hospital"] == "satisfied"
    stale = {"_xsrf": xsrf(first), "feed": feed_of(first), "choice": "0"}
    shown = await client.post(url, data=stale, follow_redirects=True)
    assert "这个问题已经结束" in shown.text  # answered once only: nothing changes
    assert await store.surveys.answers(session.id) == answers


async def test_typed_words_are_understood_as_in_chat(
    harness: BotHarness, client: httpx.AsyncClient
) -> None:
    url = await day_three(harness)
    await answer(harness, client, url, ":good_time:yes")
    page = await write(client, url, "我今天胸口很痛,喘不上气")
    assert any("我今天胸口很痛,喘不上气" in post for post in await staff_posts(harness))
    assert page.status_code == 200
