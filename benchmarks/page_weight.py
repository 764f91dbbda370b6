"""Benchmark: what each mobile page weighs on the wire, as a phone on a slow network loads it.

Run: .venv/bin/python -m benchmarks.page_weight
The real bot (BotHarness) imports the demo's sample hospital with SMS and the pages on; the
dispatcher reaches the never-enrolled patients by SMS and sends the day-3 check-ins; the
pages of one patient are then fetched over loopback HTTP. Printed per page: the bytes of the
answer's body and headers, uncompressed (the pages load nothing else: no script, font or
image; the stylesheet is inline), and how long a 2G-class link (50 kbit/s) takes to carry it.
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import httpx

from bot.demo.harness import BotHarness
from bot.demo.runner import SAMPLE_HOSPITAL, demo_settings
from bot.domain.channel_messages import ChannelName
from bot.domain.web_links import LinkPurpose
from bot.services.importing import import_discharge_list
from bot.storage.audit import Actor

SLOW_LINK_BITS = 50_000  # a poor 2G connection, bits a second
PURPOSES = (LinkPurpose.CONVERSATION, LinkPurpose.COMPLAINT, LinkPurpose.STOP, LinkPurpose.REPLIES)


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = demo_settings(Path(folder) / "pages.db", "zh_CN", "示例医院")
        harness = BotHarness(settings, datetime(2025, 11, 14, 8, 30, tzinfo=settings.zone))
        await harness.start()
        await harness.with_sms()
        try:
            await _measure(harness)
        finally:
            await harness.stop()
            if harness.sms is not None:
                await harness.sms.stop()


async def _measure(harness: BotHarness) -> None:
    services = harness.services
    await import_discharge_list(
        services.store,
        SAMPLE_HOSPITAL,
        services.settings.zone,
        harness.clock.now(),
        actor=Actor.cli(),
    )
    await harness.tick()  # the sweep reaches the consenting patients by SMS
    harness.clock.advance(timedelta(days=2, hours=2))  # day 3 of the sample's discharges
    await harness.tick()
    assert harness.sms is not None and harness.sms.sends, "no patient was texted"
    phone = harness.sms.sends[-1].phone
    [contact] = await services.store.contacts.at_address(ChannelName.SMS, phone)
    web = harness.app.bot_data.web if harness.app else None
    assert web is not None
    print(f"{'page':<14}{'bytes':>8}{'at 50 kbit/s':>15}")
    async with httpx.AsyncClient() as browser:
        for purpose in PURPOSES:
            url = await web.links.url_for(contact.chat_id, purpose, harness.clock.now())
            answer = await browser.get(url)
            size = len(answer.content) + sum(len(k) + len(v) + 4 for k, v in answer.headers.items())
            print(f"{purpose.value:<14}{size:>8}{size * 8 / SLOW_LINK_BITS:>14.2f}s")


if __name__ == "__main__":
    asyncio.run(main())
