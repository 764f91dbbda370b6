"""The window and held messages per chat, stored: opened, counted, noticed, held, taken."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.domain.channel_messages import Address, ChannelName, Choice, Outgoing
from bot.domain.conversation_window import HELD_KEPT, QUOTA, NoticeKind, WindowState
from bot.storage.schema import held_messages
from bot.storage.store import Store
from tests.backends import database_url
from tests.harness import START

CHAT = -(2**60) - 1
OTHER = CHAT - 1
QUESTION = Outgoing(
    "您对住院服务满意吗?", ((Choice("sv:1:q1:3", "满意"), Choice("sv:1:q1:2", "不满意")),)
)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = Store.open(database_url(tmp_path))
    yield opened
    await opened.close()


async def test_a_chat_never_seen_is_closed(store: Store) -> None:
    assert await store.channel_windows.state(CHAT) == WindowState()


async def test_a_message_opens_counts_restart_and_the_notice_is_answered(store: Store) -> None:
    windows = store.channel_windows
    await windows.noticed(CHAT, START)
    assert await windows.state(CHAT) == WindowState(None, 0, START)
    later = START + timedelta(hours=30)
    await windows.opened(CHAT, later)
    await windows.counted(CHAT)
    await windows.counted(CHAT)
    counted = await windows.state(CHAT)
    assert (counted.last_inbound_at, counted.sent_since_inbound) == (later, 2)
    assert counted.notice_sent_at is None
    await windows.exhausted(CHAT)
    assert (await windows.state(CHAT)).sent_since_inbound == QUOTA
    again = later + timedelta(hours=1)
    await windows.opened(CHAT, again)
    reopened = await windows.state(CHAT)
    assert (reopened.last_inbound_at, reopened.sent_since_inbound) == (again, 0)
    assert await windows.state(OTHER) == WindowState()


async def test_held_messages_come_back_oldest_first_once(store: Store) -> None:
    windows = store.channel_windows
    first = await windows.hold(CHAT, QUESTION, NoticeKind.CHECK_IN, START)
    await windows.hold(OTHER, Outgoing("别人的"), NoticeKind.OTHER, START)
    await windows.hold(CHAT, Outgoing("第三条"), NoticeKind.OTHER, START + timedelta(minutes=2))
    await windows.hold(CHAT, Outgoing("第二条"), NoticeKind.MEDICINE, START + timedelta(minutes=1))
    assert await windows.held_count(CHAT) == 3
    [taken] = await windows.take_held(CHAT, 1)
    assert (taken.id, taken.message, taken.kind, taken.held_at) == (
        first,
        QUESTION,
        NoticeKind.CHECK_IN,
        START,
    )
    rest = await windows.take_held(CHAT, 5)
    assert [held.message.text for held in rest] == ["第二条", "第三条"]
    assert await windows.take_held(CHAT, 5) == []
    assert await windows.take_held(OTHER, 0) == []
    async with store.engine.connect() as conn:
        left = (await conn.execute(select(held_messages.c.text))).scalars().all()
    assert left == ["别人的"]


async def test_the_chat_key_of_a_wechat_address_is_a_channel_chat(store: Store) -> None:
    address = Address(ChannelName.WECHAT, "o6_bmjrPTlm6")
    key = await store.channel_chats.key_for(address)
    assert await store.channel_chats.address_of(key) == address


async def test_messages_held_too_long_are_dropped(store: Store) -> None:
    windows = store.channel_windows
    await windows.hold(CHAT, Outgoing("旧的"), NoticeKind.OTHER, START)
    await windows.hold(CHAT, Outgoing("新的"), NoticeKind.OTHER, START + HELD_KEPT)
    assert await windows.drop_held_before(START + HELD_KEPT) == 1
    assert [held.message.text for held in await windows.take_held(CHAT, 5)] == ["新的"]


async def test_an_event_allows_three_messages_within_the_minute(store: Store) -> None:
    windows = store.channel_windows
    await windows.event_opened(CHAT, START)
    for _ in range(2):
        await windows.counted(CHAT)
    assert (await windows.state(CHAT)).remaining(START) == 1
    assert (await windows.state(CHAT)).remaining(START + timedelta(minutes=1)) == 0
    await windows.opened(CHAT, START)  # they then write: five for 48 hours
    assert (await windows.state(CHAT)).remaining(START + timedelta(hours=1)) == 5
