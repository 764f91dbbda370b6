"""A reply to a notice that only asks for what it announced ("好", "收到,谢谢") is told
apart from the patient's own words, which go to staff."""

from __future__ import annotations

import pytest

from bot.channels.text.reading import normalized
from bot.channels.wechat.inbound import only_resumes


@pytest.mark.parametrize(
    "reply", ["好", "好的。", "收到,谢谢。", "嗯嗯 好的", "１", "OK!", "thanks"]
)
def test_replies_that_only_fetch_the_held_messages(reply: str) -> None:
    assert only_resumes(normalized(reply))


@pytest.mark.parametrize("reply", ["收到,但是伤口有点疼", "我最近咳嗽比较多", "2", "", "好多了"])
def test_replies_with_words_of_their_own(reply: str) -> None:
    assert not only_resumes(normalized(reply))
