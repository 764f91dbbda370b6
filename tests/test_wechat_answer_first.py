"""What a WeChat follower just sent is answered before what was held for them: a menu click
on 停止 asks at once, danger words get the emergency advice at once, however much waits."""

from __future__ import annotations

from datetime import timedelta

from bot.demo.harness import BotHarness
from bot.domain.channel_messages import Outgoing
from bot.domain.conversation_window import NoticeKind
from tests.harness import record, seed
from tests.wechat_patients import (
    OPENID,
    conversation,
    enrol_on_wechat,
    event,
    says,
    start_with_wechat,
)

EDUCATION = [Outgoing(f"健康宣教第{n}篇") for n in range(1, 5)]


async def follower_with_four_held(harness: BotHarness) -> int:
    """A follower enrolled, silent for three days, with four education texts held."""
    await start_with_wechat(harness)
    await seed(harness.settings, record())
    contact = await enrol_on_wechat(harness, OPENID, "ZY001")
    harness.clock.advance(timedelta(days=3))
    for message in EDUCATION:
        now = harness.clock.now()
        await harness.services.store.channel_windows.hold(
            contact.chat_id, message, NoticeKind.EDUCATION, now
        )
    return contact.chat_id


def words_of(payload: dict[str, object]) -> str:
    body = payload.get("text") or payload.get("msgmenu")
    assert isinstance(body, dict)
    return str(body.get("content") or body.get("head_content"))


async def test_a_stop_click_is_asked_before_the_held_messages(harness: BotHarness) -> None:
    chat = await follower_with_four_held(harness)
    assert harness.wechat is not None
    await event(harness, "CLICK", "FOLLOWUP_STOP")
    [first, *rest] = conversation(harness.wechat)
    assert first["msgtype"] == "msgmenu" and "停止" in words_of(first)  # the question, first
    assert [words_of(p) for p in rest] == ["健康宣教第1篇", "健康宣教第2篇"]  # a click: 3
    assert await harness.services.store.channel_windows.held_count(chat) == 2


async def test_danger_words_are_answered_before_the_held_messages(harness: BotHarness) -> None:
    await follower_with_four_held(harness)
    assert harness.wechat is not None
    await says(harness, "我胸口很痛,喘不上气")
    [first, *rest] = conversation(harness.wechat)
    assert "120" in words_of(first)
    assert [words_of(p) for p in rest] == [f"健康宣教第{n}篇" for n in range(1, 5)]
