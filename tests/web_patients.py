"""Patients on SMS with mobile web pages, for tests: a consenting contact as the import makes
it, its page opened and answered over HTTP as a phone's browser would (no JavaScript)."""

from __future__ import annotations

import re
from html import unescape

import httpx

from bot.demo.harness import BotHarness
from bot.domain.channel_messages import Address, ChannelName
from bot.domain.web_links import LinkPurpose
from bot.storage.records import Contact
from tests.text_patients import link_consenting

PHONE = Address(ChannelName.SMS, "13800138001")
XSRF = re.compile(r'name="_xsrf" value="([^"]+)"')
BUTTON = re.compile(r'<button type="submit" name="choice" value="(\d+)">([^<]*)</button>')
FEED = re.compile(r'name="feed" value="(\d+)"')


async def sms_contact(
    harness: BotHarness, hospital_no: str = "ZY001", locale: str = "zh_CN"
) -> Contact:
    """Link the discharge list's phone to its consenting patient on SMS, and plan it."""
    return await link_consenting(harness, PHONE, hospital_no, locale)


async def link(harness: BotHarness, chat: int, purpose: LinkPurpose) -> str:
    """Mint a link to a chat's page, as an SMS would carry it."""
    web = harness.app.bot_data.web if harness.app else None
    assert web is not None
    return await web.links.url_for(chat, purpose, harness.clock.now())


def xsrf(page: str) -> str:
    """Return the _xsrf field of a page's form."""
    found = XSRF.search(page)
    assert found is not None, "the page has no form"
    return unescape(found.group(1))


def buttons(page: str) -> dict[str, str]:
    """Return the choices shown as buttons: label → the index the button posts."""
    return {unescape(label): index for index, label in BUTTON.findall(page)}


async def tap(client: httpx.AsyncClient, url: str, label: str) -> httpx.Response:
    """Open the page and tap the button with this label; return the page shown after."""
    page = (await client.get(url)).text
    choices = buttons(page)
    assert label in choices, f"{label!r} is not among {list(choices)}"
    feed = FEED.search(page)
    assert feed is not None
    form = {"_xsrf": xsrf(page), "feed": feed.group(1), "choice": choices[label]}
    return await client.post(url, data=form, follow_redirects=True)


async def write(client: httpx.AsyncClient, url: str, text: str) -> httpx.Response:
    """Open the page and send typed words; return the page shown after."""
    page = (await client.get(url)).text
    return await client.post(url, data={"_xsrf": xsrf(page), "text": text}, follow_redirects=True)


async def answer(
    harness: BotHarness, client: httpx.AsyncClient, url: str, ending: str
) -> httpx.Response:
    """Tap the button of the offered choice whose id ends with `ending` (as the text tests
    reply by number), checking the page shows it."""
    chats = harness.services.store.channel_chats
    offered = await chats.offered(await chats.key_for(PHONE))
    [choice] = [c for c in offered if c.id.endswith(ending)]
    return await tap(client, url, choice.label)
