"""WeChat's callback signatures, safe-mode AES and callback XML."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from bot.channels.wechat.crypto import DecryptError, SafeMode
from bot.channels.wechat.events import EventError, parse_event
from bot.channels.wechat.signing import signature, verify, verify_message
from bot.domain.clock import FakeClock
from tests.harness import START

AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APP_ID = "wx5823bf96d3bd56c7"
MESSAGE = "<xml><Content><![CDATA[你好]]></Content></xml>"
# Computed with `openssl enc -aes-256-cbc -nopad` from the key above, iv = key[:16], and the
# plaintext b"0123456789abcdef" + length + MESSAGE + APP_ID padded to 32 bytes.
VECTOR = (
    "Q3stYC6hdFzMh9T8HCvyDMwQK6xyeRZ7UnuZsYfP7/6Yf0piNuk7kxZYuxJFeZQQ6WWSSAGv9ZFJIKURndrGswii"
    "PBEloTZX26Gr3A17Bn4FvUlR9H5YqIhWJz1IiXvR"
)
TOKEN = "faketoken"


def test_the_signature_is_sha1_of_the_sorted_parts() -> None:
    expected = hashlib.sha1(b"".join(sorted([b"faketoken", b"1700000000", b"42"]))).hexdigest()
    assert signature(TOKEN, "1700000000", "42") == expected


def test_a_recent_signed_callback_is_accepted_and_a_stale_or_forged_one_is_not() -> None:
    clock = FakeClock(START)
    now = str(int(START.timestamp()))
    assert verify(TOKEN, now, "7", signature(TOKEN, now, "7"), clock)
    assert not verify(TOKEN, now, "7", signature("another", now, "7"), clock)
    assert not verify(TOKEN, now, "8", signature(TOKEN, now, "7"), clock)
    clock.advance(timedelta(minutes=6))
    assert not verify(TOKEN, now, "7", signature(TOKEN, now, "7"), clock)


def test_msg_signature_covers_the_encrypted_field() -> None:
    clock = FakeClock(START)
    now = str(int(START.timestamp()))
    given = signature(TOKEN, now, "9", VECTOR)
    assert verify_message(TOKEN, now, "9", VECTOR, given, clock)
    assert not verify_message(TOKEN, now, "9", VECTOR[:-4] + "AAAA", given, clock)


def test_safe_mode_matches_the_test_vector_both_ways() -> None:
    mode = SafeMode(AES_KEY, APP_ID)
    assert mode.encrypt(MESSAGE, random16=b"0123456789abcdef") == VECTOR
    assert mode.decrypt(VECTOR) == MESSAGE


@pytest.mark.parametrize("text", ["", "success", "中文" * 700, "x" * 31, "y" * 32])
def test_safe_mode_round_trips(text: str) -> None:
    mode = SafeMode(AES_KEY, APP_ID)
    assert mode.decrypt(mode.encrypt(text)) == text


def test_a_message_for_another_app_or_damaged_is_refused() -> None:
    with pytest.raises(DecryptError):
        SafeMode(AES_KEY, "wxanotherapp0000").decrypt(VECTOR)
    with pytest.raises(DecryptError):
        SafeMode(AES_KEY, APP_ID).decrypt("not base64!")
    with pytest.raises(DecryptError):
        SafeMode(AES_KEY, APP_ID).decrypt(VECTOR[:20] + "A" * 20 + VECTOR[40:])


SUBSCRIBE = b"""<xml><ToUserName><![CDATA[gh_1]]></ToUserName>
<FromUserName><![CDATA[oUser1]]></FromUserName><CreateTime>1700000000</CreateTime>
<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event>
<EventKey><![CDATA[qrscene_inv-abc]]></EventKey><Ticket><![CDATA[t]]></Ticket></xml>"""


def test_a_subscribe_by_qr_code_is_parsed_with_its_scene() -> None:
    event = parse_event(SUBSCRIBE)
    assert (event.openid, event.event, event.event_key) == (
        "oUser1",
        "subscribe",
        "qrscene_inv-abc",
    )
    assert event.msg_id is None
    assert event.dedup_key == "event:oUser1:1700000000:subscribe"


def test_a_msgmenu_click_is_a_text_with_its_choice() -> None:
    body = (
        "<xml><ToUserName>gh_1</ToUserName><FromUserName>oU</FromUserName>"
        "<CreateTime>1</CreateTime><MsgType>text</MsgType><Content>满意</Content>"
        "<MsgId>1234567</MsgId><bizmsgmenuid>101</bizmsgmenuid></xml>"
    ).encode()
    event = parse_event(body)
    assert (event.content, event.bizmsgmenuid, event.dedup_key) == ("满意", "101", "msg:1234567")


BOMB = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>
<xml><ToUserName>&b;</ToUserName></xml>"""


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (b"<xml><ToUserName>gh", "malformed XML"),
        (BOMB, "forbidden XML construct"),
        (b"<xml><ToUserName>gh</ToUserName></xml>", "missing CreateTime"),
    ],
)
def test_bad_xml_is_refused_naming_its_kind(body: bytes, kind: str) -> None:
    with pytest.raises(EventError, match=kind):
        parse_event(body)
