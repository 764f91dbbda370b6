"""The plain-text channel: choices shown as numbered options and replies read back."""

from __future__ import annotations

import pytest

from bot.channels.text.reading import chosen
from bot.channels.text.render import plain_message
from bot.domain.channel_messages import Choice, Outgoing
from bot.templating import Renderer

SATISFACTION = [
    Choice("sv:7:q:1", "满意"),
    Choice("sv:7:q:2", "基本满意"),
    Choice("sv:7:q:3", "不满意"),
]


def test_choices_read_as_numbered_options_under_the_words() -> None:
    message = Outgoing("<b>您对护理服务满意吗?</b>", (tuple(SATISFACTION[:2]), (SATISFACTION[2],)))
    text = plain_message(Renderer(), "zh_CN", message)
    assert text == "您对护理服务满意吗?\n回复 1 满意、2 基本满意、3 不满意"


def test_english_options_say_what_to_reply() -> None:
    message = Outgoing("How are you?", ((Choice("a", "Better"), Choice("b", "Worse")),))
    assert (
        plain_message(Renderer(), "en", message) == "How are you?\nReply 1 for Better, 2 for Worse"
    )


def test_a_message_without_choices_is_its_words() -> None:
    assert (
        plain_message(Renderer(), "zh_CN", Outgoing("请按时服药 &amp; 复查")) == "请按时服药 & 复查"
    )


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("3", "sv:7:q:3"),
        ("３", "sv:7:q:3"),
        (" 2。", "sv:7:q:2"),
        ("1号", "sv:7:q:1"),
        ("基本满意", "sv:7:q:2"),
        ("不满意!", "sv:7:q:3"),
    ],
)
def test_a_reply_names_a_choice_by_number_or_label(reply: str, expected: str) -> None:
    choice = chosen(reply, SATISFACTION)
    assert choice is not None and choice.id == expected


@pytest.mark.parametrize("reply", ["4", "0", "12", "还行", "", "满意吧"])
def test_other_replies_choose_nothing(reply: str) -> None:
    assert chosen(reply, SATISFACTION) is None


SCALE = [Choice(f"sv:7:nps:{n}", str(n)) for n in range(11)] + [Choice("sv:7:nps:skip", "跳过")]


def test_a_scale_is_answered_with_the_number_itself() -> None:
    message = Outgoing("您有多大可能向亲友推荐本院?", (tuple(SCALE),))
    text = plain_message(Renderer(), "zh_CN", message)
    assert text.endswith("回复 0 到 10 之间的数字,或回复“跳过”")
    for reply, expected in (("8", "sv:7:nps:8"), ("０", "sv:7:nps:0"), ("跳过", "sv:7:nps:skip")):
        choice = chosen(reply, SCALE)
        assert choice is not None and choice.id == expected
    assert chosen("11", SCALE) is None and chosen("12", SCALE) is None
