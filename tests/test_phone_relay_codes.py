"""The relay's buttons: what they carry fits Telegram's 64 bytes and reads back exactly."""

from __future__ import annotations

from bot.domain.choices import CALLBACK_BUDGET
from bot.domain.phone_relay import (
    ANSWERERS,
    RelayPress,
    choice_check,
    decode_relay,
    encode_end,
    encode_relay,
    read_who,
    who_choice,
)

LONGEST = "sv:9999999999:anything_else_really_long:no_thanks_at_all"


def test_a_button_fits_and_reads_back() -> None:
    data = encode_relay(10**17, 999, LONGEST)
    assert len(data.encode()) <= CALLBACK_BUDGET
    assert decode_relay(data) == RelayPress(10**17, 999, choice_check(LONGEST))
    assert decode_relay(encode_end(7)) == RelayPress(7)


def test_malformed_buttons_read_as_nothing() -> None:
    for data in ("pr:", "pr:x:1:abcdef", "pr:1:1", "pr:1:0001:abc", "pr:1:end:x", "sv:1:1:abcdef"):
        assert decode_relay(data) is None, data
    assert decode_relay("pr:1:١:abcdef") is None  # a non-ASCII digit


def test_who_answered_reads_back_and_nothing_else_does() -> None:
    assert [read_who(who_choice(a)) for a in ANSWERERS] == list(ANSWERERS)
    assert read_who("pr:who:family:cousin") is None and read_who("sv:1:x:y") is None
