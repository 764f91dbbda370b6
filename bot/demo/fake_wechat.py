"""A fake WeChat API served by tornado on loopback, for tests, the demo and benchmarks.

`FakeWeChat(clock, callback_url=..., callback_token=...)`; `await fake.start()`; point
FOLLOWUP_WECHAT_API_BASE at `fake.base_url`. The rules live in FakeWeChatState (`fake.state`).
The fake is the one place that signs callbacks: `user_says()`, `user_event()` and `scan()`
POST a correctly signed (and, given an AES key, encrypted) callback to the bot's /wechat URL,
and a user's message opens their 48-hour window as WeChat's would.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from typing import Any

from pydantic import SecretStr
from tornado.web import RequestHandler

from bot.channels.wechat.crypto import SafeMode
from bot.channels.wechat.events import EventName
from bot.channels.wechat.signing import signature
from bot.demo.fake_wechat_rules import DATA_FORMAT
from bot.demo.fake_wechat_state import Answer, Call, FakeWeChatState, error
from bot.demo.loopback import LoopbackFake
from bot.domain.clock import Clock
from bot.settings import Settings

__all__ = ["Call", "FakeWeChat", "FakeWeChatState"]

ACCOUNT = "gh_fakeaccount01"
NOTICE_TEMPLATE = "notice-template"  # the template the fake knows (FakeWeChatState)
JSON_ENDPOINTS = ("message/custom/send", "message/template/send", "qrcode/create", "menu/create")


class TokenHandler(RequestHandler):
    def initialize(self, state: FakeWeChatState) -> None:
        self.state = state

    def get(self) -> None:
        params = {name: self.get_query_argument(name, "") for name in ("appid", "secret")}
        _reply(self, self.state.fetch_token(params))


class ApiHandler(RequestHandler):
    def initialize(self, state: FakeWeChatState, endpoint: str) -> None:
        self.state, self.endpoint = state, endpoint

    async def prepare(self) -> None:
        if self.state.stalls:
            await asyncio.sleep(self.state.stalls.pop(0))

    def get(self) -> None:
        payload = {"media_id": self.get_query_argument("media_id", "")}
        _reply(self, self.state.call(self.endpoint, self._token(), payload))

    def post(self) -> None:
        payload = self._payload()
        if payload is None:
            _reply(self, error(DATA_FORMAT))
            return
        _reply(self, self.state.call(self.endpoint, self._token(), payload))

    def _token(self) -> str:
        return self.get_query_argument("access_token", "")

    def _payload(self) -> dict[str, Any] | None:
        if self.endpoint == "media/upload":
            uploaded = self.request.files.get("media")
            if not uploaded:
                return None
            media = uploaded[0]
            return {"type": self.get_query_argument("type", ""), "content": media.body}
        try:
            data = json.loads(self.request.body)
        except ValueError:
            return None
        return data if isinstance(data, dict) else None


def _reply(handler: RequestHandler, answer: Answer) -> None:
    handler.set_status(answer.status)
    handler.set_header("Content-Type", answer.content_type)
    body = answer.body
    handler.finish(body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False))


def _routes(state: FakeWeChatState) -> list[Any]:
    routes: list[Any] = [("/cgi-bin/token", TokenHandler, {"state": state})]
    for endpoint in (*JSON_ENDPOINTS, "media/get", "media/upload"):
        routes.append((f"/cgi-bin/{endpoint}", ApiHandler, {"state": state, "endpoint": endpoint}))
    return routes


class FakeWeChat(LoopbackFake):
    """The fake platform over HTTP, plus the WeChat users who write to the bot."""

    def __init__(
        self,
        clock: Clock,
        callback_url: str = "",
        callback_token: str = "faketoken",
        aes_key: str | None = None,
        **state: Any,
    ) -> None:
        super().__init__()
        self.state = FakeWeChatState(clock, **state)
        self.clock, self.callback_url = clock, callback_url
        self.callback_token, self.aes_key = callback_token, aes_key

    def settings_for(self, settings: Settings) -> Settings:
        """Return the settings with this fake's service account (the fake must be started)."""
        values = {
            "wechat_app_id": self.state.app_id,
            "wechat_app_secret": SecretStr(self.state.app_secret),
            "wechat_token": SecretStr(self.callback_token),
            "wechat_aes_key": SecretStr(self.aes_key) if self.aes_key else None,
            "wechat_api_base": self.base_url,
            "wechat_notice_template_id": NOTICE_TEMPLATE,
        }
        return settings.model_copy(update=values)

    def routes(self) -> list[Any]:
        return _routes(self.state)

    @property
    def calls(self) -> list[Call]:
        """Every API call made, oldest first."""
        return self.state.calls

    async def user_says(self, openid: str, text: str, bizmsgmenuid: str | None = None) -> int:
        """A user sends a text (or clicks a msgmenu choice); return the bot's HTTP status."""
        self.state.open_window(openid)
        fields = {"MsgType": "text", "Content": text, "MsgId": str(self._msg_id())}
        if bizmsgmenuid is not None:
            fields["bizmsgmenuid"] = bizmsgmenuid
        return await self.post_callback(openid, fields)

    async def user_sends_media(self, openid: str, kind: str, content: bytes, mime: str) -> int:
        """A user sends a voice note or an image, kept for media/get by its MediaId."""
        self.state.open_window(openid)
        media_id = f"user-media-{self._msg_id()}"
        self.state.media[media_id] = (content, mime)
        fields = {"MsgType": kind, "MediaId": media_id, "MsgId": str(self._msg_id())}
        if kind == "voice":
            fields["Format"] = "amr"
        if kind == "image":
            fields["PicUrl"] = f"http://mmbiz.qpic.cn/fake/{media_id}"
        return await self.post_callback(openid, fields)

    async def user_event(self, openid: str, event: str, event_key: str | None = None) -> int:
        """A user follows, unfollows, scans or clicks the menu; return the bot's HTTP status."""
        if event == EventName.UNSUBSCRIBE:
            self.state.unsubscribed.add(openid)
            self.state.windows.pop(openid, None)
        else:
            self.state.open_window(openid, message=False)
        fields = {"MsgType": "event", "Event": event}
        if event_key is not None:
            fields["EventKey"] = event_key
        return await self.post_callback(openid, fields)

    async def scan(self, openid: str, ticket: str, new_follower: bool = True) -> int:
        """A user scans a QR code: subscribe with qrscene_<scene>, or SCAN with <scene>."""
        scene = self.state.qr_scenes[ticket]
        if new_follower:
            return await self.user_event(openid, EventName.SUBSCRIBE, f"qrscene_{scene}")
        return await self.user_event(openid, EventName.SCAN, scene)

    def _msg_id(self) -> int:
        return self.state.next_id() + 23_000_000_000_000_000

    def callback_body(self, openid: str, fields: dict[str, str]) -> str:
        """The plain XML of a callback from a user."""
        created = str(int(self.clock.now().timestamp()))
        head = {"ToUserName": ACCOUNT, "FromUserName": openid, "CreateTime": created}
        return _xml({**head, **fields})

    async def post_callback(self, openid: str, fields: dict[str, str]) -> int:
        """POST a signed callback (encrypted when the fake has an AES key) to the bot."""
        body = self.callback_body(openid, fields)
        params = self.signed_params()
        if self.aes_key is not None:
            encrypted = SafeMode(self.aes_key, self.state.app_id).encrypt(body)
            params["encrypt_type"] = "aes"
            params["msg_signature"] = signature(
                self.callback_token, params["timestamp"], params["nonce"], encrypted
            )
            body = _xml({"ToUserName": ACCOUNT, "Encrypt": encrypted})
        content = body.encode()
        response = await self.callbacks.post(self.callback_url, params=params, content=content)
        return response.status_code

    def signed_params(self) -> dict[str, str]:
        """timestamp, nonce and signature as WeChat puts them on a callback's URL."""
        timestamp = str(int(self.clock.now().timestamp()))
        nonce = str(secrets.randbelow(10**9))
        sign = signature(self.callback_token, timestamp, nonce)
        return {"timestamp": timestamp, "nonce": nonce, "signature": sign}


def _cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _xml(fields: dict[str, str]) -> str:
    inner = "".join(
        f"<{name}>{value}</{name}>" if name == "CreateTime" else f"<{name}>{_cdata(value)}</{name}>"
        for name, value in fields.items()
    )
    return f"<xml>{inner}</xml>"
