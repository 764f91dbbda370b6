"""Statistics per channel, hand-computed: stays followed up and reached on Telegram, WeChat and
SMS, in the figures, /stats' text and the monthly report."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import delete

from bot.demo.harness import BotHarness
from bot.domain.channel_messages import Address, ChannelName
from bot.domain.enrolment import ConsentDecision
from bot.domain.messages import MessageStatus
from bot.services.report import build_report
from bot.services.statistics import Summary, compute_stats, summary_text
from bot.storage.contacts import NewContact
from bot.storage.schema import scheduled_messages as m
from bot.storage.schema import settings_cache
from bot.storage.tallies import VERSION_KEY
from tests.harness import enrol, local, record, seed
from tests.stats_cohort import NOVEMBER, B, add_outbox_row, build_cohort, november_stats
from tests.test_sms_takeover import answered_by_sms


async def contact_on(harness: BotHarness, number: str, channel: ChannelName, handle: str) -> int:
    """Link a seeded stay to an address on a channel, with consent; return its chat key."""
    store, now = harness.services.store, harness.clock.now()
    episode = await store.episodes.latest_for(number)
    assert episode is not None
    chat = await store.channel_chats.key_for(Address(channel, handle))
    new = NewContact(
        episode.patient_id, episode.id, chat, chat, "patient", None, "zh_CN", channel, handle
    )
    await store.contacts.link(new, ConsentDecision.GRANTED, now, via="test")
    return chat


async def with_every_channel(harness: BotHarness) -> None:
    """The Telegram cohort (P1 3/2 with P2, P3), then P7 and P8 by SMS, P9 on WeChat, P10 by
    SMS in October (out of the period)."""
    await build_cohort(harness)
    await seed(
        harness.settings,
        *(record(n, department=B, discharged_at=local("2026-11-16")) for n in ("P7", "P8", "P9")),
        record("P10", department=B, discharged_at=local("2026-10-16")),
    )
    p7 = await contact_on(harness, "P7", ChannelName.SMS, "13900000007")
    p8 = await contact_on(harness, "P8", ChannelName.SMS, "13900000008")
    p9 = await contact_on(harness, "P9", ChannelName.WECHAT, "openid-p9")
    p10 = await contact_on(harness, "P10", ChannelName.SMS, "13900000010")
    await add_outbox_row(harness, p7, "day3", "checkin", "answered", 1, "good")
    await add_outbox_row(harness, p8, "day3", "checkin", "sent", 1)
    await add_outbox_row(harness, p8, "day7", "checkin", "answered", 1, "good")
    await add_outbox_row(harness, p8, "day30", "checkin", "pending", 0)  # not sent yet
    await add_outbox_row(harness, p9, "day3", "checkin", "sent", 1)
    await add_outbox_row(harness, p10, "day3", "checkin", "answered", 1, "good")


async def test_each_channel_counts_its_own_stays(harness: BotHarness) -> None:
    await with_every_channel(harness)
    services = harness.services
    s = await november_stats(harness)
    assert [(c.channel, c.followed_up, c.reached, c.success_rate) for c in s.channels] == [
        ("telegram", 3, 2, 66.7),
        ("wechat", 1, 0, 0.0),
        ("sms", 2, 2, 100.0),
        ("phone", 0, 0, None),  # always shown: nobody was called this month
    ]
    about = Summary("2026-11", "全院", services.scheduling.plans, 1)
    text = summary_text(services.renderer, "zh_CN", s, about)
    assert (
        "按渠道(已随访 / 成功):Telegram 3 / 2 人,微信 1 / 0 人,短信 2 / 2 人,电话 0 / 0 人" in text
    )
    english = summary_text(services.renderer, "en", s, about)
    assert "By channel (followed up / reached): Telegram 3 / 2, WeChat 1 / 0, SMS 2 / 2" in english


async def test_a_department_counts_only_its_stays(harness: BotHarness) -> None:
    await with_every_channel(harness)
    services = harness.services
    b = await services.store.stats.department_id(B)
    s = await november_stats(harness, b)
    assert [(c.channel, c.followed_up, c.reached) for c in s.channels] == [
        ("telegram", 1, 1),  # P3
        ("wechat", 1, 0),
        ("sms", 2, 2),
        ("phone", 0, 0),
    ]


async def test_the_monthly_report_shows_every_channel_in_words(harness: BotHarness) -> None:
    await with_every_channel(harness)
    services = harness.services
    workbook = await build_report(
        services.store,
        services.scheduling.surveys,
        services.renderer,
        "zh_CN",
        services.settings.zone,
        NOVEMBER,
        None,
        min_answers=1,
        plans=services.scheduling.plans,
    )
    book = load_workbook(io.BytesIO(workbook), read_only=True)
    overview = [tuple(r) for r in book["月报概览"].iter_rows(values_only=True)]
    assert ("渠道", "已随访(人)", "随访成功(人)", "随访成功率(%)") in [r[:4] for r in overview]
    assert ("Telegram", 3, 2, 66.7) in [r[:4] for r in overview]
    assert ("微信", 1, 0, 0.0) in [r[:4] for r in overview]
    assert ("短信", 2, 2, 100.0) in [r[:4] for r in overview]
    assert ("电话", 0, 0, None) in [r[:4] for r in overview]
    summary = [tuple(r) for r in book["统计汇总"].iter_rows(values_only=True)]
    assert ("已随访人数:短信", 2) in summary and ("随访成功人数:微信", 0) in summary
    assert not [r for r in summary if "sms" in str(r[0]) or "wechat" in str(r[0])]


PHONE_NONE = ("phone", 0, 0)


async def by_channel(harness: BotHarness) -> list[tuple[str, int, int]]:
    """Return November's figures per channel: (channel, followed up, reached)."""
    s = await november_stats(harness)
    return [(c.channel, c.followed_up, c.reached) for c in s.channels]


async def test_figures_are_kept_as_checkins_go_out_and_are_answered(harness: BotHarness) -> None:
    assert await by_channel(harness) == [
        ("telegram", 0, 0),
        ("wechat", 0, 0),
        ("sms", 0, 0),
        PHONE_NONE,
    ]
    await answered_by_sms(harness)  # texted the day-3 check-in, answered it by text
    assert await by_channel(harness) == [
        ("telegram", 0, 0),
        ("wechat", 0, 0),
        ("sms", 1, 1),
        PHONE_NONE,
    ]


async def test_kept_figures_equal_a_recount_from_the_stored_checkins(harness: BotHarness) -> None:
    assert await by_channel(harness) == [
        ("telegram", 0, 0),
        ("wechat", 0, 0),
        ("sms", 0, 0),
        PHONE_NONE,
    ]
    await answered_by_sms(harness)
    await seed(harness.settings, record("ZY002", department=B, discharged_at=local("2026-11-20")))
    await enrol(harness, 902, "ZY002")
    pending = m.c.status == MessageStatus.PENDING.value
    [day3] = await harness.services.store.outbox.rows(m.c.step_key == "day3", pending)
    harness.clock.advance(day3.send_at - harness.clock.now())
    await harness.tick()  # sent on Telegram, not answered
    kept = await by_channel(harness)
    assert kept == [("telegram", 1, 0), ("wechat", 0, 0), ("sms", 1, 1), PHONE_NONE]
    async with harness.services.store.engine.begin() as conn:  # as if from before the tallies
        await conn.execute(delete(settings_cache).where(settings_cache.c.key == VERSION_KEY))
    assert await by_channel(harness) == kept


async def test_a_patient_and_a_relative_on_one_channel_count_as_one_stay(
    harness: BotHarness,
) -> None:
    services = harness.services
    await compute_stats(  # the counts are kept from here on, not recounted
        services.store,
        services.scheduling.surveys,
        services.settings.zone,
        NOVEMBER,
        None,
        min_answers=1,
    )
    await seed(harness.settings, record("ZY001", department=B, discharged_at=local("2026-11-20")))
    await enrol(harness, 901, "ZY001")
    await enrol(harness, 902, "ZY001", respondent="family")
    day3 = await services.store.outbox.rows(m.c.step_key == "day3")
    harness.clock.advance(max(row.send_at for row in day3) - harness.clock.now())
    await harness.tick()
    assert harness.telegram.delivered_to(901) and harness.telegram.delivered_to(902)
    s = await november_stats(harness)
    telegram = s.channels[0]
    assert (telegram.channel, telegram.followed_up, telegram.reached) == ("telegram", 1, 0)
