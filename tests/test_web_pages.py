"""The complaint, stop and replies pages, and what guards every page: capability links
(forged, expired, for another page), CSRF, security headers, guessing limits, page weight."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest

from bot.demo.harness import BotHarness
from bot.domain.web_links import LinkPurpose, new_token
from bot.services.case_replies import relay_to_patient
from bot.storage.records import Contact
from tests.harness import record, seed
from tests.web_patients import link, sms_contact, xsrf

STAFF_GROUP = -1005555
PROBLEM = "夜里按铃很久没有人来。"


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as phone:
        yield phone


async def patient(harness: BotHarness) -> Contact:
    harness.settings = harness.settings.model_copy(update={"staff_chat_id": STAFF_GROUP})
    await harness.with_web()
    await seed(harness.settings, record())
    return await sms_contact(harness)


async def complain(client: httpx.AsyncClient, url: str, text: str = PROBLEM) -> httpx.Response:
    form = (await client.get(url)).text
    return await client.post(url, data={"_xsrf": xsrf(form), "kind": "complaint", "text": text})


async def test_a_complaint_on_its_page_reaches_staff_as_a_numbered_case(
    harness: BotHarness, client: httpx.AsyncClient
) -> None:
    contact = await patient(harness)
    page = await complain(client, await link(harness, contact.chat_id, LinkPurpose.COMPLAINT))
    [case] = await harness.services.store.cases.for_patient(contact.patient_id)
    assert (case.kind, case.text) == ("complaint", PROBLEM)
    assert page.status_code == 200 and f"编号 #{case.id}" in page.text
    await harness.staff_settled()  # the case's post goes after the page's answer
    posts = [str(c.params.get("text", "")) for c in harness.telegram.delivered_to(STAFF_GROUP)]
    assert any(PROBLEM in post for post in posts)


async def test_a_complaint_without_words_is_asked_again_and_files_nothing(
    harness: BotHarness, client: httpx.AsyncClient
) -> None:
    contact = await patient(harness)
    page = await complain(client, await link(harness, contact.chat_id, LinkPurpose.COMPLAINT), " ")
    assert "请先写下发生了什么" in page.text
    assert await harness.services.store.cases.for_patient(contact.patient_id) == []


async def test_stopping_on_its_page_withdraws_consent_and_nothing_more_is_sent(
    harness: BotHarness, client: httpx.AsyncClient
) -> None:
    contact = await patient(harness)
    url = await link(harness, contact.chat_id, LinkPurpose.STOP)
    form = await client.get(url)
    assert "确认不再接收" in form.text
    done = await client.post(url, data={"_xsrf": xsrf(form.text)})
    assert "已为您停止" in done.text
    store = harness.services.store
    [after] = await store.contacts.for_chat(contact.chat_id)
    assert after.consent == "withdrawn"
    size = await store.web_pages.feed_size(contact.chat_id)
    harness.clock.advance(timedelta(days=30))
    await harness.tick()
    assert await store.web_pages.feed_size(contact.chat_id) == size  # nothing more sent
    assert (await client.get(url)).status_code == 410  # its links are dead now


async def test_replies_are_shown_after_the_identity_check(
    harness: BotHarness, client: httpx.AsyncClient
) -> None:
    contact = await patient(harness)
    await complain(client, await link(harness, contact.chat_id, LinkPurpose.COMPLAINT))
    [case] = await harness.services.store.cases.for_patient(contact.patient_id)
    assert await relay_to_patient(harness.services, case, 42, "已联系护理部,明晚起加强巡视。")
    url = await link(harness, contact.chat_id, LinkPurpose.REPLIES)
    ask = await client.get(url)
    assert "后 4 位" in ask.text and PROBLEM not in ask.text and "加强巡视" not in ask.text
    shown = await client.post(
        url, data={"_xsrf": xsrf(ask.text), "identity_answer": "8001"}, follow_redirects=True
    )
    assert PROBLEM in shown.text and "已联系护理部,明晚起加强巡视。" in shown.text
    assert "加强巡视" in (await client.get(url)).text  # verified for a while on this link


async def test_five_wrong_identity_answers_lock_the_replies_page(
    harness: BotHarness, client: httpx.AsyncClient
) -> None:
    contact = await patient(harness)
    url = await link(harness, contact.chat_id, LinkPurpose.REPLIES)
    for tries_left in (4, 3, 2, 1):
        page = await client.get(url)
        wrong = await client.post(url, data={"_xsrf": xsrf(page.text), "identity_answer": "0000"})
        assert f"还可以试 {tries_left} 次" in wrong.text
    page = await client.get(url)
    locked = await client.post(url, data={"_xsrf": xsrf(page.text), "identity_answer": "0000"})
    assert locked.status_code == 429 and "一小时后" in locked.text
    right = await client.post(url, data={"_xsrf": xsrf(page.text), "identity_answer": "8001"})
    assert right.status_code == 429  # even the right answer waits the hour
    harness.clock.advance(timedelta(hours=1, minutes=1))
    page = await client.get(url)
    after = await client.post(url, data={"_xsrf": xsrf(page.text), "identity_answer": "8001"})
    assert after.status_code == 303


async def test_a_forged_an_expired_and_another_pages_link_change_nothing(
    harness: BotHarness, client: httpx.AsyncClient
) -> None:
    contact = await patient(harness)
    base = await harness.with_web()
    forged = await client.get(f"{base}/m/{new_token(b'not-the-secret' * 4)}")
    assert forged.status_code == 404 and "无法打开" in forged.text
    stop = await link(harness, contact.chat_id, LinkPurpose.STOP)
    token = stop.rsplit("/", 1)[1]
    assert (await client.get(f"{base}/m/{token}")).status_code == 404  # a stop link's token
    wrong_page = await client.post(f"{base}/m/{token}", data={"text": "投诉"})
    assert wrong_page.status_code == 403  # no _xsrf: refused before anything
    harness.clock.advance(timedelta(days=31))
    expired = await client.get(stop)
    assert expired.status_code == 410 and "已经失效" in expired.text
    [after] = await harness.services.store.contacts.for_chat(contact.chat_id)
    assert after.consent == "granted"


async def test_a_form_without_its_xsrf_token_is_refused(
    harness: BotHarness, client: httpx.AsyncClient
) -> None:
    contact = await patient(harness)
    url = await link(harness, contact.chat_id, LinkPurpose.STOP)
    await client.get(url)  # the cookie is set; the field is missing
    refused = await client.post(url, data={})
    assert refused.status_code == 403 and "页面已过期" in refused.text
    forged = await client.post(url, data={"_xsrf": "2|00000000|" + "0" * 32 + "|1"})
    assert forged.status_code == 403
    [after] = await harness.services.store.contacts.for_chat(contact.chat_id)
    assert after.consent == "granted"


async def test_every_answer_carries_the_security_headers_and_pages_are_light(
    harness: BotHarness, client: httpx.AsyncClient
) -> None:
    contact = await patient(harness)
    await harness.tick()
    base = (await link(harness, contact.chat_id, LinkPurpose.CONVERSATION)).rsplit("/m/", 1)[0]
    pages = [await client.get(await link(harness, contact.chat_id, p)) for p in LinkPurpose]
    pages.append(await client.get(f"{base}/nothing/here"))
    for page in pages:
        headers = page.headers
        assert "default-src 'none'" in headers["content-security-policy"]
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["cache-control"] == "no-store"
        assert headers["x-frame-options"] == "DENY"
        assert "server" not in headers
        assert len(page.content) < 50_000  # the style is inline: nothing else to load
        assert "<script" not in page.text and "http://" not in page.text.split("<main>")[0]
    assert 'lang="zh-CN"' in pages[0].text and "font-size:20px" in pages[0].text


async def test_too_many_bad_links_from_one_address_are_refused_for_a_while(
    harness: BotHarness, client: httpx.AsyncClient
) -> None:
    contact = await patient(harness)
    good = await link(harness, contact.chat_id, LinkPurpose.CONVERSATION)
    base = good.rsplit("/m/", 1)[0]
    for guess in range(20):
        assert (await client.get(f"{base}/m/guess{guess:015d}")).status_code == 404
    refused = await client.get(good)
    assert refused.status_code == 429 and "10 分钟后" in refused.text
    harness.clock.advance(timedelta(minutes=11))
    assert (await client.get(good)).status_code == 200


async def test_a_page_view_is_remembered_as_the_last_visit(
    harness: BotHarness, client: httpx.AsyncClient
) -> None:
    contact = await patient(harness)
    web = harness.app.bot_data.web if harness.app else None
    assert web is not None
    assert await web.feed.last_seen(contact.chat_id) is None
    await client.get(await link(harness, contact.chat_id, LinkPurpose.CONVERSATION))
    assert await web.feed.last_seen(contact.chat_id) == harness.clock.now()


async def test_praise_on_its_page_is_recorded_and_thanked(
    harness: BotHarness, client: httpx.AsyncClient
) -> None:
    contact = await patient(harness)
    url = await link(harness, contact.chat_id, LinkPurpose.COMPLAINT)
    form = (await client.get(url)).text
    assert "投诉" in form and "表扬" in form
    words = {"_xsrf": xsrf(form), "kind": "praise", "text": "王护士夜里很耐心。"}
    page = await client.post(url, data=words)
    [case] = await harness.services.store.cases.for_patient(contact.patient_id)
    assert (case.kind, case.text) == ("praise", "王护士夜里很耐心。")
    assert f"#{case.id}" in page.text


async def test_the_page_shows_the_last_ten_messages_in_the_patients_language(
    harness: BotHarness, client: httpx.AsyncClient
) -> None:
    await harness.with_web()
    await seed(harness.settings, record())
    contact = await sms_contact(harness, locale="en")
    pages, now = harness.services.store.web_pages, harness.clock.now()
    for number in range(1, 13):
        await pages.add_to_feed(contact.chat_id, f"message number {number:02d}", [], now)
    page = (await client.get(await link(harness, contact.chat_id, LinkPurpose.CONVERSATION))).text
    shown = [n for n in range(1, 13) if f"message number {n:02d}" in page]
    assert shown == list(range(3, 13))
    assert 'lang="en"' in page and "Earlier messages" in page and "Write what you" in page
