"""The WeChat channel: conversation inside the window and quota, held messages and one notice
outside it, the held ones released oldest first when the person writes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.channels.wechat.channel import WeChatChannel
from bot.domain.channel_messages import (
    Address,
    ChannelName,
    Choice,
    FaultKind,
    Media,
    MediaKind,
    Outgoing,
    SendFault,
)
from bot.domain.clock import FakeClock
from bot.domain.enrolment import ConsentDecision
from bot.storage.audit import Actor
from bot.storage.contacts import NewContact
from bot.storage.erasure import erase_patient, erasure_scope
from bot.storage.store import Store
from bot.templating import Renderer
from tests.harness import START, make_settings, record, seed, stored_text
from tests.wechat_window_fakes import FakeWeChatSending

OPENID = "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"
ADDRESS = Address(ChannelName.WECHAT, OPENID)
TEMPLATE_ID = "notice-template-1"
SATISFACTION = (Choice("sv:1:q1:3", "满意"), Choice("sv:1:q1:2", "不满意"))
QUESTION = Outgoing("您对住院服务满意吗?", (SATISFACTION,))


class World:
    def __init__(self, store: Store) -> None:
        self.store, self.clock = store, FakeClock(START)
        self.api = FakeWeChatSending(self.clock)
        self.channel = WeChatChannel(store, Renderer(), self.clock, self.api, TEMPLATE_ID, "zh_CN")

    async def chat(self) -> int:
        return await self.store.channel_chats.key_for(ADDRESS)

    async def patient_writes(self) -> int:
        """The follower writes: WeChat and our record open the window, held messages go."""
        self.api.user_wrote(OPENID)
        await self.store.channel_windows.opened(await self.chat(), self.clock.now())
        return await self.channel.release_held(await self.chat())

    def later(self, hours: float) -> None:
        self.clock.advance(timedelta(hours=hours))


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    settings = make_settings(tmp_path)
    await seed(settings, record())
    store = Store.open(settings.database_url)
    yield World(store)
    await store.close()


async def test_inside_the_window_a_question_goes_as_a_menu(world: World) -> None:
    await world.patient_writes()
    sent = await world.channel.transmit(ADDRESS, QUESTION)
    [payload] = world.api.custom
    assert payload["msgtype"] == "msgmenu" and not sent.ref.startswith("held:")
    assert [item["id"] for item in payload["msgmenu"]["list"]] == ["sv:1:q1:3", "sv:1:q1:2"]
    chat = await world.chat()
    assert await world.store.channel_chats.offered(chat) == list(SATISFACTION)  # "1" answers
    assert (await world.store.channel_windows.state(chat)).sent_since_inbound == 1


async def test_outside_the_window_one_notice_and_the_messages_wait(world: World) -> None:
    first = await world.channel.transmit(ADDRESS, QUESTION)
    second = await world.channel.transmit(ADDRESS, Outgoing("请按时服药"))
    assert first.ref.startswith("held:") and second.ref.startswith("held:")
    assert world.api.custom == []
    [(openid, template, data)] = world.api.notices
    assert (openid, template) == (OPENID, TEMPLATE_ID)
    assert data == {
        "thing1": "出院随访",
        "time2": "2026年11月22日 10:00",
        "thing3": "请回复任意文字查看",
    }
    assert await world.patient_writes() == 2
    assert world.api.words_to(OPENID) == ["您对住院服务满意吗?", "请按时服药"]
    assert await world.store.channel_windows.held_count(await world.chat()) == 0


async def test_an_unanswered_notice_is_repeated_after_twelve_hours(world: World) -> None:
    await world.channel.transmit(ADDRESS, Outgoing("第一条"))
    world.later(11.9)
    await world.channel.transmit(ADDRESS, Outgoing("第二条"))
    assert len(world.api.notices) == 1
    world.later(0.1)
    await world.channel.transmit(ADDRESS, Outgoing("第三条"))
    assert len(world.api.notices) == 2
    assert await world.patient_writes() == 3


async def test_five_per_message_the_rest_wait_for_the_next(world: World) -> None:
    texts = [f"第{n}条" for n in range(1, 8)]
    for text in texts:
        await world.channel.transmit(ADDRESS, Outgoing(text))
    assert await world.patient_writes() == 5
    assert world.api.words_to(OPENID) == texts[:5]
    await world.channel.transmit(ADDRESS, Outgoing("第八条"))  # quota spent: held behind
    world.later(30)
    assert await world.patient_writes() == 3
    assert world.api.words_to(OPENID) == [*texts, "第八条"]
    assert world.api.refused == []  # our record kept every send inside WeChat's rule


async def test_a_refused_notice_keeps_nothing_so_a_retry_holds_once(world: World) -> None:
    world.api.unsubscribed.add(OPENID)
    with pytest.raises(SendFault) as refused:
        await world.channel.transmit(ADDRESS, QUESTION)
    assert refused.value.kind is FaultKind.UNREACHABLE
    assert await world.store.channel_windows.held_count(await world.chat()) == 0
    world.api.unsubscribed.clear()
    await world.channel.transmit(ADDRESS, QUESTION)  # the send path's retry
    assert await world.store.channel_windows.held_count(await world.chat()) == 1


async def test_a_held_question_offers_its_choices_when_released(world: World) -> None:
    await world.channel.transmit(ADDRESS, QUESTION)
    chat = await world.chat()
    assert await world.store.channel_chats.offered(chat) == []  # not shown yet
    await world.patient_writes()
    assert await world.store.channel_chats.offered(chat) == list(SATISFACTION)
    assert world.api.custom[-1]["msgtype"] == "msgmenu"


async def test_a_photo_without_words_is_refused_not_sent_empty(world: World) -> None:
    await world.patient_writes()
    photo = Media(MediaKind.PHOTO, ref="file-1")
    with pytest.raises(SendFault) as refused:
        await world.channel.transmit(ADDRESS, Outgoing("", media=photo))
    assert refused.value.kind is FaultKind.FAILED and world.api.custom == []


async def test_after_48_hours_messages_wait_again(world: World) -> None:
    await world.patient_writes()
    world.later(47.9)
    await world.channel.transmit(ADDRESS, Outgoing("还在窗口内"))
    world.later(0.1)
    await world.channel.transmit(ADDRESS, Outgoing("窗口已过"))
    assert world.api.words_to(OPENID) == ["还在窗口内"]
    assert len(world.api.notices) == 1


async def test_the_platform_closing_the_window_early_holds_and_notifies(world: World) -> None:
    await world.store.channel_windows.opened(await world.chat(), world.clock.now())
    sent = await world.channel.transmit(ADDRESS, QUESTION)  # WeChat never saw them write
    assert sent.ref.startswith("held:") and len(world.api.notices) == 1
    await world.channel.transmit(ADDRESS, Outgoing("请按时服药"))
    assert len(world.api.notices) == 1  # our record now knows: held, no second try
    assert await world.patient_writes() == 2


async def test_a_refused_menu_becomes_numbered_text_from_then_on(world: World) -> None:
    world.api.menus_allowed = False
    await world.patient_writes()
    await world.channel.transmit(ADDRESS, QUESTION)
    await world.channel.transmit(ADDRESS, QUESTION)
    expected = "您对住院服务满意吗?\n回复 1 满意、2 不满意"
    assert world.api.words_to(OPENID) == [expected, expected]
    assert (await world.store.channel_windows.state(await world.chat())).sent_since_inbound == 2


async def test_a_long_message_that_does_not_fit_the_quota_waits(world: World) -> None:
    long_text = "\n".join(f"第{n}条:饭后半小时服药,多喝水,注意休息。" for n in range(150))
    for n in range(4):
        await world.channel.transmit(ADDRESS, Outgoing(f"第{n}条"))
    await world.channel.transmit(ADDRESS, Outgoing(long_text))
    assert await world.patient_writes() == 4  # the long one needs more than the one left
    assert await world.patient_writes() == 1
    assert "\n".join(world.api.words_to(OPENID)[4:]) == long_text


async def test_erasure_removes_the_held_messages_and_the_window(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    await seed(settings, record())
    store = Store.open(settings.database_url)
    world = World(store)
    chat = await world.chat()
    episode = await store.episodes.latest_for("ZY001")
    assert episode is not None
    new = NewContact(
        episode.patient_id, episode.id, chat, 0, "patient", None, "zh_CN", "wechat", OPENID
    )
    await store.contacts.link(new, ConsentDecision.GRANTED, START, via="test")
    await world.channel.transmit(ADDRESS, Outgoing("张三丰您好,复诊时请带上出院小结"))
    assert "张三丰您好" in await stored_text(store)
    scope = await erasure_scope(store.engine, "ZY001")
    assert scope is not None
    await erase_patient(store.engine, scope, "ZY001", START, Actor.cli())
    assert "张三丰您好" not in await stored_text(store)
    assert await store.channel_windows.held_count(chat) == 0
    await store.close()
