"""WeChat's refusals through the bot's real send path, on a scheduled check-in: a user who
unfollowed is unreachable, a window WeChat says is closed holds the message behind a notice,
the daily quota retries later, a rejected token is renewed once, a refused menu numbers the
choices."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.demo.harness import BotHarness
from bot.storage.schema import contacts
from bot.storage.schema import scheduled_messages as m
from tests.survey_helpers import FIRST, q
from tests.wechat_checkins import click_answer, due, enrolled_in_wechat, menus_sent, refusals
from tests.wechat_patients import CUSTOM, OPENID, conversation, notices, says, texts

GROUP = -1008323
TIP, TIP_WORDS = "day1_home_care", "居家小贴士"  # the day-1 tip, due before the check-in
ASKED_FIRST = "方便"  # the check-in's first question: is now a good time


async def step(harness: BotHarness, key: str) -> tuple[str, int]:
    [row] = await harness.services.store.outbox.rows(m.c.step_key == key)
    return row.status, row.attempts


async def test_an_unfollowed_user_is_unreachable_and_nothing_more_is_planned(
    harness: BotHarness,
) -> None:
    fake, contact = await enrolled_in_wechat(harness, GROUP)
    fake.state.unsubscribed.add(OPENID)  # unfollowed; the callback never came
    await due(harness, "2026-11-23")
    assert [call.errcode for call in fake.state.calls if call.endpoint == CUSTOM][-1] == 43004
    async with harness.services.store.engine.connect() as conn:
        query = select(contacts.c.reachable, contacts.c.unreachable_reason)
        assert (await conn.execute(query)).one() == (False, "wechat_43004")
    rows = await harness.services.store.outbox.rows(m.c.contact_id == contact.id)
    outcomes = {(row.step_key, row.status, row.failure_reason) for row in rows}
    assert (TIP, "failed", "wechat_43004") in outcomes  # the day's first message
    assert ("day3", "cancelled", "unreachable") in outcomes
    assert not any(row.status == "pending" for row in rows)


async def test_a_window_wechat_says_is_closed_holds_the_message_behind_a_notice(
    harness: BotHarness,
) -> None:
    fake, contact = await enrolled_in_wechat(harness, GROUP)
    before = len(conversation(fake))
    fake.state.fail_next(45015)  # our record says open; WeChat disagrees
    await due(harness, "2026-11-23")
    assert len(conversation(fake)) == before and len(notices(fake)) == 1
    assert await harness.services.store.channel_windows.held_count(contact.chat_id) == 2
    await says(harness, "好")
    assert TIP_WORDS in texts(fake)[-2] and ASKED_FIRST in texts(fake)[-1]  # in order
    [session] = await harness.services.store.surveys.open_for_chat(contact.chat_id)
    assert await harness.services.store.surveys.answers(session.id) == {}  # "好" is no answer
    await click_answer(harness, "good_time", "yes")
    assert "呼吸科" in " ".join(texts(fake)) and refusals(fake, [45015]) == []


async def test_the_daily_quota_is_retried_later_not_lost(harness: BotHarness) -> None:
    fake, _contact = await enrolled_in_wechat(harness, GROUP)
    menus = menus_sent(fake)
    fake.state.fail_next(45009)
    await due(harness, "2026-11-23")
    assert await step(harness, TIP) == ("pending", 1)
    assert TIP_WORDS not in " ".join(texts(fake))
    for _ in range(2):  # the tip an hour later, the check-in a minute after it
        harness.clock.advance(timedelta(hours=1, minutes=1))
        await harness.tick()
    assert [TIP_WORDS in words for words in texts(fake)].count(True) == 1  # once, not lost
    assert (await step(harness, TIP))[0] == (await step(harness, "day3"))[0] == "sent"
    assert ASKED_FIRST in texts(fake)[-1] and menus_sent(fake) == menus + 1
    assert notices(fake) == [] and refusals(fake) == []


@pytest.mark.parametrize("rejected", ["expired", "revoked"])
async def test_a_rejected_token_is_renewed_once_and_the_send_succeeds(
    harness: BotHarness, rejected: str
) -> None:
    fake, _contact = await enrolled_in_wechat(harness, GROUP)
    if rejected == "expired":
        fake.state.expire_tokens()
    else:
        fake.state.revoke_tokens()
    fetches, menus = fake.state.token_fetches, menus_sent(fake)
    await due(harness, "2026-11-23")
    assert fake.state.token_fetches == fetches + 1
    assert menus_sent(fake) == menus + 1 and (await step(harness, "day3"))[0] == "sent"
    assert refusals(fake) == []


async def test_a_refused_menu_numbers_the_choices_and_a_number_answers(
    harness: BotHarness,
) -> None:
    fake, contact = await enrolled_in_wechat(harness, GROUP)
    fake.state.msgmenu_allowed = False
    menus = menus_sent(fake)
    await due(harness, "2026-11-23")
    [first, *_] = q(FIRST, "good_time").options
    asked = texts(fake)[-1]
    assert ASKED_FIRST in asked and "1 " in asked and menus_sent(fake) == menus
    await says(harness, "1")
    [session] = await harness.services.store.surveys.open_for_chat(contact.chat_id)
    answers = await harness.services.store.surveys.answers(session.id)
    assert answers == {"good_time": first.value}
    assert menus_sent(fake) == menus and refusals(fake) == []


async def test_the_quota_wechat_counts_is_retried_the_next_day_not_lost(
    harness: BotHarness,
) -> None:
    fake, _contact = await enrolled_in_wechat(harness, GROUP)
    fake.state.daily_quotas[CUSTOM] = 0  # the day's 500,000 used up elsewhere
    await due(harness, "2026-11-23")
    assert await step(harness, TIP) == ("pending", 1)
    assert [call.errcode for call in fake.state.calls if call.endpoint == CUSTOM][-1] == 45009
    fake.state.daily_quotas[CUSTOM] = 50  # the next Beijing day's quota
    for _ in range(2):  # the tip an hour later, the check-in a minute after it
        harness.clock.advance(timedelta(hours=1, minutes=1))
        await harness.tick()
    assert [TIP_WORDS in words for words in texts(fake)].count(True) == 1  # once, not lost
    assert (await step(harness, TIP))[0] == (await step(harness, "day3"))[0] == "sent"
    assert notices(fake) == [] and refusals(fake) == []
