"""The WeChat API client against the fake WeChat API: the shared token, errcodes as faults,
and the fake's window, quota and field limits."""

from __future__ import annotations

import asyncio
import socket
from datetime import timedelta
from pathlib import Path

import pytest

from bot.channels.wechat.api import WeChatApi
from bot.channels.wechat.faults import DAILY_QUOTA_WAIT, MenuNotAllowed, OutsideWindow
from bot.domain.channel_messages import FaultKind, SendFault
from bot.storage.channel_tokens import StoredToken
from tests.wechat_world import NOTICE_TEMPLATE, WeChatWorld, account, wechat_world

OPENID = "oPatient1"


def text(content: str, openid: str = OPENID) -> dict[str, object]:
    return {"touser": openid, "msgtype": "text", "text": {"content": content}}


def menu(openid: str = OPENID) -> dict[str, object]:
    choices = [{"id": "good", "content": "好多了"}, {"id": "same", "content": "差不多"}]
    body = {"head_content": "今天感觉怎么样？", "list": choices, "tail_content": ""}
    return {"touser": openid, "msgtype": "msgmenu", "msgmenu": body}


def sent_texts(world: WeChatWorld, openid: str = OPENID) -> list[str]:
    calls = world.fake.state.sent_to(openid, "message/custom/send")
    return [call.payload["text"]["content"] for call in calls if "text" in call.payload]


async def test_one_token_is_fetched_and_shared_by_two_workers(tmp_path: Path) -> None:
    async with wechat_world(tmp_path) as world:
        await world.fake.user_says(OPENID, "你好")
        await world.api.send_custom(text("一"))
        async with world.client() as other:
            await other.send_custom(text("二"))
            assert await other.access_token() == await world.api.access_token()
        assert world.fake.state.token_fetches == 1
        assert sent_texts(world) == ["一", "二"]


async def test_a_token_is_renewed_five_minutes_before_it_expires(tmp_path: Path) -> None:
    async with wechat_world(tmp_path) as world:
        first = await world.api.access_token()
        world.clock.advance(timedelta(seconds=7200 - 301))
        assert await world.api.access_token() == first
        world.clock.advance(timedelta(seconds=2))
        assert await world.api.access_token() != first
        assert world.fake.state.token_fetches == 2


async def test_a_worker_keeps_its_token_until_wechat_rejects_it_for_another(
    tmp_path: Path,
) -> None:
    async with wechat_world(tmp_path) as world:
        await world.fake.user_says(OPENID, "你好")
        await world.api.send_custom(text("一"))
        async with world.client() as other:
            assert await other.token_errcode() == 0  # `followup check` fetches one
            renewed = await other.access_token()
            world.fake.state.revoked.add(await world.api.access_token())  # WeChat retires it
            await world.api.send_custom(text("二"))  # 40001, then the other's token
            assert await world.api.access_token() == renewed
        assert sent_texts(world) == ["一", "二"]
        assert world.fake.state.token_fetches == 2
        rejected = [call.errcode for call in world.fake.state.calls if call.errcode]
        assert rejected == [40001]


@pytest.mark.parametrize("how", ["revoke", "expire"])
async def test_a_rejected_token_is_renewed_once_and_the_call_made_again(
    tmp_path: Path, how: str
) -> None:
    async with wechat_world(tmp_path) as world:
        await world.fake.user_says(OPENID, "你好")
        await world.api.send_custom(text("一"))
        if how == "revoke":
            world.fake.state.revoke_tokens()  # 40001
        else:
            world.fake.state.expire_tokens()  # 42001
        await world.api.send_custom(text("二"))
        async with world.client() as other:  # the renewed token is the shared one
            await other.send_custom(text("三"))
        assert sent_texts(world) == ["一", "二", "三"]
        assert world.fake.state.token_fetches == 2


@pytest.mark.parametrize(
    ("errcode", "kind", "reason"),
    [
        (43004, FaultKind.UNREACHABLE, "wechat_43004"),
        (43019, FaultKind.UNREACHABLE, "wechat_43019"),
        (45009, FaultKind.RETRY, "wechat_daily_quota"),
        (-1, FaultKind.RETRY, "wechat_busy"),
        (500, FaultKind.RETRY, "wechat_server_error"),
        (40003, FaultKind.FAILED, "wechat_errcode_40003"),
    ],
)
async def test_each_errcode_becomes_its_fault(
    tmp_path: Path, errcode: int, kind: FaultKind, reason: str
) -> None:
    async with wechat_world(tmp_path) as world:
        await world.fake.user_says(OPENID, "你好")
        world.fake.state.fail_next(errcode)
        with pytest.raises(SendFault) as raised:
            await world.api.send_custom(text("一"))
        assert (raised.value.kind, raised.value.reason) == (kind, reason)
        if errcode == 45009:
            assert raised.value.retry_after == DAILY_QUOTA_WAIT
        assert "一" not in str(raised.value) + raised.value.detail


@pytest.mark.parametrize(("errcode", "error"), [(45015, OutsideWindow), (45047, OutsideWindow)])
async def test_outside_the_window_is_its_own_exception(
    tmp_path: Path, errcode: int, error: type[Exception]
) -> None:
    async with wechat_world(tmp_path) as world:
        world.fake.state.fail_next(errcode)
        with pytest.raises(error):
            await world.api.send_custom(text("一"))


async def test_an_account_without_msgmenu_says_so(tmp_path: Path) -> None:
    async with wechat_world(tmp_path) as world:
        await world.fake.user_says(OPENID, "你好")
        world.fake.state.msgmenu_allowed = False
        with pytest.raises(MenuNotAllowed):
            await world.api.send_custom(menu())
        await world.api.send_custom(text("1. 好多了\n2. 差不多"))  # the numbered fallback


async def test_an_unreachable_server_is_retried_later(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    async with wechat_world(tmp_path) as world:
        gone = account(f"http://127.0.0.1:{closed}")
        async with WeChatApi(gone, world.store.channel_tokens, world.clock) as api:
            with pytest.raises(SendFault) as raised:
                await api.send_custom(text("一"))
        assert (raised.value.kind, raised.value.reason) == (FaultKind.RETRY, "wechat_connection")


async def test_the_fake_enforces_48_hours_and_5_messages_per_user_message(
    tmp_path: Path,
) -> None:
    async with wechat_world(tmp_path) as world:
        with pytest.raises(OutsideWindow):  # never wrote to the account
            await world.api.send_custom(text("零"))
        await world.fake.user_says(OPENID, "你好")
        for number in range(5):
            await world.api.send_custom(text(str(number)))
        with pytest.raises(OutsideWindow):  # the sixth
            await world.api.send_custom(text("5"))
        await world.fake.user_says(OPENID, "还在吗")  # a message gives five more
        await world.api.send_custom(menu())
        world.clock.advance(timedelta(hours=48))
        with pytest.raises(OutsideWindow):
            await world.api.send_custom(text("晚了"))
        assert sent_texts(world) == ["0", "1", "2", "3", "4"]


async def test_an_unsubscribed_user_is_unreachable(tmp_path: Path) -> None:
    async with wechat_world(tmp_path) as world:
        await world.fake.user_says(OPENID, "你好")
        await world.fake.user_event(OPENID, "unsubscribe")
        with pytest.raises(SendFault) as raised:
            await world.api.send_template(OPENID, NOTICE_TEMPLATE, {"thing1": "出院随访"}, None)
        assert raised.value.kind is FaultKind.UNREACHABLE


@pytest.mark.parametrize(
    "data",
    [
        {"thing1": "您有一份出院随访，请回复任意文字开始填写，谢谢您的配合"},  # > 20 characters
        {"thing1": "出院随访\n请回复"},
        {"time2": "明天上午"},
        {"character_string3": "随访-一"},
    ],
)
async def test_the_fake_refuses_notice_fields_beyond_their_limits(
    tmp_path: Path, data: dict[str, str]
) -> None:
    async with wechat_world(tmp_path) as world:
        with pytest.raises(SendFault) as raised:
            await world.api.send_template(OPENID, NOTICE_TEMPLATE, data, None)
        assert raised.value.reason == "wechat_errcode_47003"


async def test_a_notice_within_the_limits_goes_out_any_time(tmp_path: Path) -> None:
    async with wechat_world(tmp_path) as world:
        data = {"thing1": "您有一份出院随访，请回复任意文字开始", "time2": "2026-12-08 09:00"}
        msgid = await world.api.send_template(OPENID, NOTICE_TEMPLATE, data, "https://h.example")
        assert msgid
        (call,) = world.fake.state.sent_to(OPENID, "message/template/send")
        assert call.payload["data"]["thing1"] == {"value": data["thing1"]}
        assert call.payload["url"] == "https://h.example"


async def test_the_fake_refuses_text_over_2048_bytes_and_a_bad_msgmenu(tmp_path: Path) -> None:
    async with wechat_world(tmp_path) as world:
        await world.fake.user_says(OPENID, "你好")
        with pytest.raises(SendFault) as too_long:
            await world.api.send_custom(text("字" * 683))  # 2,049 bytes
        assert too_long.value.reason == "wechat_errcode_45002"
        bad = menu()
        bad["msgmenu"] = {
            "head_content": "?",
            "list": [{"id": str(n), "content": "x"} for n in range(11)],
        }
        with pytest.raises(SendFault) as too_many:
            await world.api.send_custom(bad)
        assert too_many.value.reason == "wechat_errcode_45098"


async def test_media_goes_up_and_comes_back(tmp_path: Path) -> None:
    async with wechat_world(tmp_path) as world:
        media_id = await world.api.upload_media("image", b"\x89PNG fake", "qr.png")
        assert await world.api.get_media(media_id) == (b"\x89PNG fake", "application/octet-stream")
        with pytest.raises(SendFault) as missing:
            await world.api.get_media("no-such-media")
        assert missing.value.reason == "wechat_errcode_40007"


async def test_a_menu_of_three_by_five_is_taken_and_a_bigger_one_refused(tmp_path: Path) -> None:
    async with wechat_world(tmp_path) as world:
        buttons = [
            {"type": "click", "name": name, "key": name} for name in ("随访", "投诉", "帮助")
        ]
        await world.api.create_menu({"button": buttons})
        assert world.fake.state.menu == {"button": buttons}
        with pytest.raises(SendFault):
            await world.api.create_menu({"button": [*buttons, buttons[0]]})


async def test_a_wrong_app_secret_is_named_by_its_errcode(tmp_path: Path) -> None:
    async with wechat_world(tmp_path) as world:
        wrong = account(world.fake.base_url)
        wrong = type(wrong)(**{**wrong.__dict__, "app_secret": "wrong"})
        async with WeChatApi(wrong, world.store.channel_tokens, world.clock) as api:
            assert await api.token_errcode() == 40125
            assert await world.api.token_errcode() == 0


async def test_two_workers_that_both_fetched_agree_on_one_token(tmp_path: Path) -> None:
    async with wechat_world(tmp_path) as world:
        tokens = world.store.channel_tokens
        until = world.clock.now() + timedelta(hours=2)
        first = await tokens.store_fetched("wechat:x", StoredToken("T1", until), replacing=None)
        late = await tokens.store_fetched("wechat:x", StoredToken("T2", until), replacing=None)
        assert (first.token, late.token) == ("T1", "T1")  # the second saw no token: T1 stays
        renewed = await tokens.store_fetched("wechat:x", StoredToken("T3", until), "T1")
        assert renewed.token == "T3"  # it renewed the stored one
        assert "T3" not in repr(renewed)


async def test_a_call_that_times_out_is_retried_later(tmp_path: Path) -> None:
    async with wechat_world(tmp_path) as world:
        await world.fake.user_says(OPENID, "你好")
        await world.api.access_token()
        world.fake.state.stall_next(1.0)
        tokens = world.store.channel_tokens
        async with WeChatApi(world.account, tokens, world.clock, read_timeout=0.2) as api:
            with pytest.raises(SendFault) as raised:
                await api.send_custom(text("一"))
        assert (raised.value.kind, raised.value.reason) == (FaultKind.RETRY, "wechat_timeout")


async def test_media_of_a_user_is_fetched_again_after_the_token_was_revoked(
    tmp_path: Path,
) -> None:
    async with wechat_world(tmp_path) as world:
        await world.fake.user_sends_media(OPENID, "voice", b"#!AMR voice", "audio/amr")
        await asyncio.sleep(0.05)
        (event,) = world.events
        assert (event.msg_type, event.format) == ("voice", "amr")
        await world.api.access_token()
        world.fake.state.revoke_tokens()
        assert event.media_id is not None
        assert await world.api.get_media(event.media_id) == (b"#!AMR voice", "audio/amr")


async def test_a_wrong_app_secret_fails_the_send_naming_the_errcode(tmp_path: Path) -> None:
    async with wechat_world(tmp_path) as world:
        world.fake.state.app_secret = "changed-in-the-console"
        with pytest.raises(SendFault) as raised:
            await world.api.send_custom(text("一"))
        assert (raised.value.kind, raised.value.reason) == (
            FaultKind.FAILED,
            "wechat_errcode_40125",
        )
