"""The plain-text channel over the real database: chat keys, numbered options, offers kept."""

from __future__ import annotations

from bot.channels.text.channel import TextChannel
from bot.channels.text.reading import chosen
from bot.demo.harness import BotHarness
from bot.domain.channel_messages import Address, ChannelName, Choice, Outgoing
from bot.storage.channel_chats import is_channel_chat
from tests.text_line import RecordingLine

PHONE = Address(ChannelName.TEXT, "13800138001")
OTHER = Address(ChannelName.TEXT, "13900139002")
FEELING = (
    (Choice("sv:1:q1:better", "好转"), Choice("sv:1:q1:same", "差不多")),
    (Choice("sv:1:q1:worse", "加重"),),
)


def channel_of(harness: BotHarness, line: RecordingLine) -> TextChannel:
    services = harness.services
    return TextChannel(services.store, services.renderer, harness.clock, line, "zh_CN")


async def test_each_address_gets_one_chat_key_outside_telegrams_ids(harness: BotHarness) -> None:
    chats = harness.services.store.channel_chats
    first, again, other = [await chats.key_for(a) for a in (PHONE, PHONE, OTHER)]
    assert first == again != other
    assert is_channel_chat(first) and is_channel_chat(other)
    assert not is_channel_chat(-1001234567890) and not is_channel_chat(7_000_000_001)
    assert await chats.address_of(first) == PHONE
    assert await chats.address_of(-1001234567890) is None


async def test_a_question_goes_out_numbered_and_its_choices_are_kept(harness: BotHarness) -> None:
    line = RecordingLine()
    await channel_of(harness, line).transmit(PHONE, Outgoing("<b>您出院后感觉如何?</b>", FEELING))
    assert line.texts_to(PHONE) == ["您出院后感觉如何?\n回复 1 好转、2 差不多、3 加重"]
    chats = harness.services.store.channel_chats
    offered = await chats.offered(await chats.key_for(PHONE))
    reply = chosen("3", offered)
    assert reply is not None and reply.id == "sv:1:q1:worse"


async def test_a_message_without_choices_forgets_the_earlier_offer(harness: BotHarness) -> None:
    line = RecordingLine()
    channel = channel_of(harness, line)
    await channel.transmit(PHONE, Outgoing("您出院后感觉如何?", FEELING))
    await channel.transmit(PHONE, Outgoing("谢谢您的回复。"))
    chats = harness.services.store.channel_chats
    assert await chats.offered(await chats.key_for(PHONE)) == []
    assert line.texts_to(PHONE)[-1] == "谢谢您的回复。"
