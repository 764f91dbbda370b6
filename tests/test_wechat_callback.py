"""The /wechat endpoint: URL check, forged callbacks refused, safe mode, replays handed on once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from bot.channels.wechat.callback import CallbackContext
from bot.channels.wechat.events import WeChatEvent
from bot.channels.wechat.signing import signature
from tests.wechat_world import CALLBACK_TOKEN, WeChatWorld, wechat_world


async def _settled(world: WeChatWorld) -> None:
    """Let the background handler tasks run."""
    for _ in range(20):
        await asyncio.sleep(0)


async def test_the_url_check_echoes_only_for_wechats_signature(tmp_path: Path) -> None:
    async with wechat_world(tmp_path) as world, httpx.AsyncClient() as client:
        params = {**world.fake.signed_params(), "echostr": "echo-123"}
        good = await client.get(world.callback_url, params=params)
        assert (good.status_code, good.text) == (200, "echo-123")
        forged = {**params, "signature": signature("guessed", params["timestamp"], "1")}
        refused = await client.get(world.callback_url, params=forged)
        assert refused.status_code == 403
        assert "echo-123" not in refused.text


@pytest.mark.parametrize("safe_mode", [False, True])
async def test_a_user_message_is_answered_success_and_handed_on(
    tmp_path: Path, safe_mode: bool
) -> None:
    async with wechat_world(tmp_path, safe_mode=safe_mode) as world:
        assert await world.fake.user_says("oPatient1", "我今天好多了") == 200
        await _settled(world)
        assert [(e.openid, e.content, e.msg_type) for e in world.events] == [
            ("oPatient1", "我今天好多了", "text")
        ]


@pytest.mark.parametrize("safe_mode", [False, True])
async def test_a_forged_post_is_refused_and_not_handed_on(tmp_path: Path, safe_mode: bool) -> None:
    async with wechat_world(tmp_path, safe_mode=safe_mode) as world, httpx.AsyncClient() as client:
        body = world.fake.callback_body("oPatient1", {"MsgType": "text", "Content": "x"})
        params = world.fake.signed_params()
        params["signature"] = signature("not-the-token", params["timestamp"], params["nonce"])
        response = await client.post(world.callback_url, params=params, content=body.encode())
        assert response.status_code == 403
        await _settled(world)
        assert world.events == []


async def test_a_safe_mode_post_with_a_forged_msg_signature_is_refused(tmp_path: Path) -> None:
    async with wechat_world(tmp_path, safe_mode=True) as world, httpx.AsyncClient() as client:
        params = world.fake.signed_params()  # the URL's signature is right...
        encrypted = "bm90IFdlQ2hhdCdzIGNpcGhlcnRleHQ="
        params["encrypt_type"] = "aes"
        params["msg_signature"] = signature("guess", params["timestamp"], params["nonce"])
        body = f"<xml><ToUserName>gh</ToUserName><Encrypt>{encrypted}</Encrypt></xml>"
        response = await client.post(world.callback_url, params=params, content=body.encode())
        assert response.status_code == 403
        params["msg_signature"] = signature(
            CALLBACK_TOKEN, params["timestamp"], params["nonce"], encrypted
        )  # ...and signed, but not encrypted with this account's key
        response = await client.post(world.callback_url, params=params, content=body.encode())
        assert response.status_code == 403
        await _settled(world)
        assert world.events == []


async def test_a_replayed_msgid_is_answered_but_handed_on_once(tmp_path: Path) -> None:
    async with wechat_world(tmp_path) as world, httpx.AsyncClient() as client:
        fields = {"MsgType": "text", "Content": "头有点晕", "MsgId": "24000000000000001"}
        body = world.fake.callback_body("oPatient1", fields).encode()
        for _ in range(3):  # WeChat's three tries
            params = world.fake.signed_params()
            response = await client.post(world.callback_url, params=params, content=body)
            assert (response.status_code, response.text) == (200, "success")
        await _settled(world)
        assert [e.content for e in world.events] == ["头有点晕"]


async def test_a_qr_scan_by_a_new_and_an_existing_follower(tmp_path: Path) -> None:
    async with wechat_world(tmp_path) as world:
        qr = await world.api.create_qr("inv-7Hk2", 86400)
        assert await world.fake.scan("oNew", qr.ticket, new_follower=True) == 200
        assert await world.fake.scan("oOld", qr.ticket, new_follower=False) == 200
        await _settled(world)
        assert [(e.openid, e.event, e.event_key) for e in world.events] == [
            ("oNew", "subscribe", "qrscene_inv-7Hk2"),
            ("oOld", "SCAN", "inv-7Hk2"),
        ]


async def test_unreadable_xml_is_answered_success_and_logged_without_content(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with wechat_world(tmp_path) as world, httpx.AsyncClient() as client:
        body = "<xml><ToUserName>gh</ToUserName><Content>王小明 13800000000".encode()
        response = await client.post(
            world.callback_url, params=world.fake.signed_params(), content=body
        )
        assert (response.status_code, response.text) == (200, "success")
        await _settled(world)
        assert world.events == []
        assert "malformed XML" in caplog.text
        assert "13800000000" not in caplog.text


async def test_a_failing_handler_is_logged_by_type_and_the_next_event_still_arrives(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    handled: list[str] = []

    async def fails_once(event: WeChatEvent) -> None:
        if not handled:
            handled.append("failed")
            raise RuntimeError("王小明 13800000000")
        handled.append("ok")

    async with wechat_world(tmp_path, handler=fails_once) as world:
        await world.fake.user_says("oPatient1", "一")
        await world.fake.user_says("oPatient1", "二")
        await world.server.stop()  # waits for the running handlers
        assert handled == ["failed", "ok"]
        assert "RuntimeError" in caplog.text
        assert "13800000000" not in caplog.text


async def test_a_callback_taken_before_a_stop_is_handled_at_the_next_start(
    tmp_path: Path,
) -> None:
    async with wechat_world(tmp_path) as world:
        event = WeChatEvent("gh_x", "oPatient1", 1_796_000_000, "text", "23001", "我今天好多了")
        stopped = CallbackContext(world.account, world.store.channel_inbound, world.clock, _never)
        assert await stopped.take(event)  # answered "success", then the worker stopped
        handled: list[WeChatEvent] = []

        async def record(taken: WeChatEvent) -> None:
            handled.append(taken)

        started = CallbackContext(world.account, world.store.channel_inbound, world.clock, record)
        assert await started.replay() == 1
        assert handled == [event]
        assert await started.replay() == 0  # once
        assert await world.store.channel_inbound.unhandled("wechat") == []
        assert not await started.take(event)  # WeChat's retry of it is still refused


async def _never(event: WeChatEvent) -> None:
    raise AssertionError("a stopped worker handles nothing")


async def test_one_followers_messages_are_handled_in_the_order_they_came(
    tmp_path: Path,
) -> None:
    handled: list[str] = []

    async def slow_first(event: WeChatEvent) -> None:
        if event.content == "第一条":
            await asyncio.sleep(0.2)  # the second arrives and waits meanwhile
        handled.append(f"{event.openid}:{event.content}")

    async with wechat_world(tmp_path, handler=slow_first) as world:
        await world.fake.user_says("oPatient1", "第一条")
        await world.fake.user_says("oPatient1", "第二条")
        await world.fake.user_says("oPatient2", "别人的")  # not held up by oPatient1
        await world.server.settle()
    assert handled.index("oPatient2:别人的") < handled.index("oPatient1:第一条")
    assert handled.index("oPatient1:第一条") < handled.index("oPatient1:第二条")


async def test_the_same_callback_twice_at_once_is_handed_on_once(tmp_path: Path) -> None:
    async with wechat_world(tmp_path) as world, httpx.AsyncClient() as client:
        fields = {"MsgType": "text", "Content": "复诊要空腹吗", "MsgId": "24000000000000001"}
        body = world.fake.callback_body("oPatient1", fields).encode()
        params = world.fake.signed_params()
        posts = [client.post(world.callback_url, params=params, content=body) for _ in range(3)]
        answers = await asyncio.gather(*posts)  # WeChat's retries racing the first try
        assert [(a.status_code, a.text) for a in answers] == [(200, "success")] * 3
        await world.server.settle()
        assert [e.content for e in world.events] == ["复诊要空腹吗"]
