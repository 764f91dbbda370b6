"""A fake SMS provider served by tornado on loopback, for tests, the demo and benchmarks.

`FakeSms(clock, provider, callback_base=...)`; `await fake.start()`; point
FOLLOWUP_SMS_API_BASE at `fake.base_url` (or use `settings_for`). It speaks all three
shapes at once: Aliyun's SendSms (a form POST to /), Tencent Cloud's (a JSON POST to /
with X-TC-* headers) and the generic gateway's (/send). The rules live in FakeSmsState
(`fake.state`). `user_replies()` and `deliver()` post a reply or a receipt to the bot's
callback URLs in the shape of the fake's `provider`.
"""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any
from urllib.parse import parse_qsl

from pydantic import SecretStr
from tornado.web import RequestHandler

from bot.demo.fake_sms_state import Answer, FakeSend, FakeSmsState
from bot.demo.loopback import LoopbackFake
from bot.domain.clock import Clock
from bot.domain.conversation_window import NoticeKind
from bot.domain.sms import SmsProviderName, SmsStatus
from bot.settings import Settings

__all__ = ["FakeSend", "FakeSms", "FakeSmsState"]

TEMPLATES = ",".join(f"{kind.value}=SMS_{index}" for index, kind in enumerate(NoticeKind, 1))
CALLBACK_SECRET = "fake-callback-secret-0001"


class ProviderHandler(RequestHandler):
    def initialize(self, state: FakeSmsState) -> None:
        self.state = state

    def check_xsrf_cookie(self) -> None:
        """The fake checks signatures, not cookies."""

    def post(self) -> None:
        headers = {name: value for name, value in self.request.headers.get_all()}
        if "X-Tc-Action" in self.request.headers:
            headers = {name.replace("X-Tc-", "X-TC-"): value for name, value in headers.items()}
            host = self.request.headers.get("Host", "")
            _reply(self, self.state.tencent(headers, self.request.body, host))
            return
        params = dict(parse_qsl(self.request.body.decode(), keep_blank_values=True))
        params.update({k: self.get_query_argument(k) for k in self.request.query_arguments})
        _reply(self, self.state.aliyun(params))


class GatewayHandler(RequestHandler):
    def initialize(self, state: FakeSmsState) -> None:
        self.state = state

    def check_xsrf_cookie(self) -> None:
        """The fake checks the bearer key, not cookies."""

    def post(self) -> None:
        authorization = self.request.headers.get("Authorization", "")
        _reply(self, self.state.generic(authorization, self.request.body))


def _reply(handler: RequestHandler, answer: Answer) -> None:
    status, body = answer
    handler.set_status(status)
    handler.set_header("Content-Type", "application/json; charset=utf-8")
    handler.finish(json.dumps(body, ensure_ascii=False))


class FakeSms(LoopbackFake):
    """The fake provider over HTTP, plus the people who reply and the receipts that come."""

    def __init__(
        self,
        clock: Clock,
        provider: SmsProviderName = SmsProviderName.ALIYUN,
        callback_base: str = "",
        **state: Any,
    ) -> None:
        super().__init__()
        self.state = FakeSmsState(clock, **state)
        self.clock, self.provider, self.callback_base = clock, provider, callback_base
        self.last_reply: Any = None  # the body of the last reply callback pushed

    @property
    def sends(self) -> list[FakeSend]:
        """Every text accepted, oldest first."""
        return self.state.sends

    def settings_for(self, settings: Settings) -> Settings:
        """Return the settings with this fake's account (the fake must be started)."""
        values = {
            "sms_provider": self.provider,
            "sms_api_base": self.base_url,
            "sms_key_id": self.state.key_id,
            "sms_key_secret": SecretStr(self.state.key_secret),
            "sms_app_id": self.state.app_id,
            "sms_sign_name": self.state.sign_name,
            "sms_templates": TEMPLATES,
            "sms_callback_secret": SecretStr(CALLBACK_SECRET),
        }
        return settings.model_copy(update=values)

    def routes(self) -> list[Any]:
        return [
            (r"/", ProviderHandler, {"state": self.state}),
            (r"/send", GatewayHandler, {"state": self.state}),
        ]

    async def user_replies(self, phone: str, text: str) -> int:
        """A person answers a text; return the bot's HTTP status for the reply callback."""
        stamp = self.clock.now()
        shapes: dict[SmsProviderName, Any] = {
            SmsProviderName.ALIYUN: [
                {
                    "phone_number": phone,
                    "send_time": stamp.astimezone(self.state.zone).strftime("%Y-%m-%d %H:%M:%S"),
                    "content": text,
                    "sign_name": self.state.sign_name,
                    "dest_code": "1234",
                    "sequence_id": self.state.next_reply_id(),
                }
            ],
            SmsProviderName.TENCENT: {
                "extend": "",
                "mobile": phone,
                "nationcode": "86",
                "sign": self.state.sign_name,
                "text": text,
                "time": int(stamp.timestamp()),
            },
            SmsProviderName.GENERIC: {"from": phone, "text": text},
        }
        self.last_reply = shapes[self.provider]
        return await self._post("reply", self.last_reply)

    async def reply_again(self) -> int:
        """Push the last reply callback again, as a provider does when it saw no answer."""
        return await self._post("reply", self.last_reply)

    async def deliver(self, send: FakeSend, delivered: bool = True, code: str = "") -> int:
        """A text's receipt comes; return the bot's HTTP status for the receipt callback."""
        return await self._post("receipt", self.receipt_body(send, delivered, code))

    def receipt_body(self, send: FakeSend, delivered: bool, code: str) -> Any:
        """Return a receipt for a text in the shape of the fake's provider."""
        local = self.clock.now().astimezone(self.state.zone).strftime("%Y-%m-%d %H:%M:%S")
        sent = send.at.astimezone(UTC).astimezone(self.state.zone).strftime("%Y-%m-%d %H:%M:%S")
        if self.provider is SmsProviderName.ALIYUN:
            item = {
                "phone_number": send.phone, "send_time": sent, "report_time": local,
                "success": delivered, "err_code": code or ("DELIVERED" if delivered else "UNDELIV"),
                "err_msg": "用户接收成功" if delivered else "失败", "sms_size": "1",
                "biz_id": send.id, "out_id": send.out_id,
            }  # fmt: skip
            return [item]
        if self.provider is SmsProviderName.TENCENT:
            item = {
                "user_receive_time": local, "nationcode": "86", "mobile": send.phone,
                "report_status": "SUCCESS" if delivered else "FAIL",
                "errmsg": code or ("DELIVRD" if delivered else "MK:0001"),
                "description": "用户短信送达成功" if delivered else "失败", "sid": send.id,
            }  # fmt: skip
            return [item]
        status = SmsStatus.DELIVERED if delivered else SmsStatus.FAILED
        return {"id": send.id, "status": status.value, "detail": code}

    async def _post(self, what: str, body: Any) -> int:
        content = json.dumps(body, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json"}
        url = f"{self.callback_base.rstrip('/')}/{what}"
        response = await self.callbacks.post(url, content=content, headers=headers)
        return response.status_code
