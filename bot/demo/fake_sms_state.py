"""The fake SMS provider's rules: what Aliyun, Tencent Cloud and a generic gateway check
and answer. It verifies each request's signature as the provider does, keeps every text
sent, refuses the next call on request (`fail_next`), and enforces the providers' documented
limits with each one's own error (sources in bot/channels/sms/aliyun.py and tencent.py):
the account's requests a second (SendSms: 3,000/s), a number's texts a local day (notices:
50), an hour and a minute (off by default: Aliyun's apply to verification codes), and
Tencent's same text to the same number once in 30 seconds."""

from __future__ import annotations

import json
import re
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.channels.sms import aliyun, tencent
from bot.domain.clock import Clock
from bot.domain.sms import SmsProviderName, normalize_phone

Answer = tuple[int, dict[str, Any]]  # an HTTP status and its JSON body
AUTH = re.compile(
    r"^TC3-HMAC-SHA256 Credential=(?P<key>[^/]+)/(?P<date>[\d-]+)/sms/tc3_request, "
    r"SignedHeaders=content-type;host;x-tc-action, Signature=(?P<sig>[0-9a-f]{64})$"
)
SKEW = 300  # seconds a Tencent request's timestamp may differ from the clock
ALIYUN_NEEDED = ("AccessKeyId", "PhoneNumbers", "SignName", "TemplateCode", "Signature")
ACCOUNT_PER_SECOND = 3000  # SendSms requests a second per account (Tencent: 默认 3000次/秒)
SAME_TEXT_SPAN = timedelta(seconds=30)  # Tencent: the same text to a number once in 30 s
ALIYUN_LIMIT_WORDS = {"short": "分钟级", "hour": "小时级", "day": "天级"}
SHORT_SPAN = {SmsProviderName.TENCENT: 30.0}  # a number's short limit: Tencent's 30 s, else 60 s
TENCENT_LIMIT_CODES = {
    "same_text": "LimitExceeded.PhoneNumberThirtySecondLimit",
    "short": "LimitExceeded.PhoneNumberThirtySecondLimit",
    "hour": "LimitExceeded.PhoneNumberOneHourLimit",
    "day": "LimitExceeded.PhoneNumberDailyLimit",
}


@dataclass(frozen=True)
class FakeSend:
    """A text the fake accepted: to whom, which template with what, and its id."""

    provider: SmsProviderName
    phone: str
    template: str
    params: dict[str, str]
    id: str
    out_id: str
    at: datetime


@dataclass
class FakeSmsState:
    """The accounts the fake knows, and what it has sent."""

    clock: Clock
    key_id: str = "fake-key-id"
    key_secret: str = "fake-key-secret"
    app_id: str = "1400000001"
    sign_name: str = "市第一人民医院"
    daily_limit: int = 50  # the provider's own limit per number and day
    hour_limit: int = 0  # per number in any hour; 0: none
    short_limit: int = 0  # per number in any minute (Tencent: 30 seconds); 0: none
    per_second: int = ACCOUNT_PER_SECOND  # the account's requests in any second
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    sends: list[FakeSend] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # every error code answered
    counter: int = 0
    replies: int = 0  # the replies pushed so far (Aliyun numbers them: sequence_id)
    requests: deque[datetime] = field(default_factory=deque)  # the last second's requests
    by_phone: dict[str, list[FakeSend]] = field(default_factory=dict)

    def fail_next(self, code: str) -> None:
        """Refuse the next call with this provider error code (generic: an HTTP status)."""
        self.failures.append(code)

    def next_reply_id(self) -> int:
        """Number the next reply pushed, as Aliyun's sequence_id does."""
        self.replies += 1
        return self.replies

    def sent_to(self, phone: str) -> list[FakeSend]:
        """Return the texts sent to a number, oldest first."""
        return list(self.by_phone.get(phone, []))

    def sent_today(self, phone: str) -> int:
        """Return how many texts went to a number on the clock's local day."""
        today = self.clock.now().astimezone(self.zone).date()
        return sum(1 for s in self.sent_to(phone) if s.at.astimezone(self.zone).date() == today)

    def account_throttled(self) -> bool:
        """Count a request against the account's rate; True when this second's are used."""
        now = self.clock.now()
        while self.requests and now - self.requests[0] >= timedelta(seconds=1):
            self.requests.popleft()
        if len(self.requests) >= self.per_second:
            return True
        self.requests.append(now)
        return False

    def number_limit(
        self,
        provider: SmsProviderName,
        phone: str,
        same_text: tuple[str, dict[str, str]] | None = None,
    ) -> str:
        """Return the per-number limit a text would break ("day", "hour", "short",
        "same_text"), or "" when it may go."""
        now, sent = self.clock.now(), self.sent_to(phone)
        if self.sent_today(phone) >= self.daily_limit:
            return "day"
        short = SHORT_SPAN.get(provider, 60.0)
        for name, limit, span in (
            ("hour", self.hour_limit, 3600.0),
            ("short", self.short_limit, short),
        ):
            recent = [s for s in sent if now - s.at < timedelta(seconds=span)]
            if limit and len(recent) >= limit:
                return name
        if same_text is not None and any(
            now - s.at < SAME_TEXT_SPAN and (s.template, s.params) == same_text for s in sent
        ):
            return "same_text"
        return ""

    def _accept(self, provider: SmsProviderName, phone: str, template: str, **rest: Any) -> str:
        self.counter += 1
        ident = f"{provider.value}-{self.counter:06d}"
        at = self.clock.now()
        send = FakeSend(provider, phone, template, rest["params"], ident, rest["out"], at)
        self.sends.append(send)
        self.by_phone.setdefault(phone, []).append(send)
        return ident

    def aliyun(self, params: dict[str, str]) -> Answer:
        """Answer a SendSms call as Aliyun does."""
        refusal = self._aliyun_refusal(params)
        if refusal is not None:
            self.refused.append(str(refusal[1]["Code"]))
            return refusal
        phone = params["PhoneNumbers"]
        values = json.loads(params.get("TemplateParam") or "{}")
        ident = self._accept(
            SmsProviderName.ALIYUN,
            phone,
            params["TemplateCode"],
            params=values,
            out=params.get("OutId", ""),
        )
        return 200, {"Code": "OK", "Message": "OK", "BizId": ident, "RequestId": ident}

    def _aliyun_refusal(self, params: dict[str, str]) -> Answer | None:
        missing = [name for name in ALIYUN_NEEDED if not params.get(name)]
        if missing:
            return _aliyun(400, "MissingParameter", f"{missing[0]} is mandatory")
        if params["AccessKeyId"] != self.key_id:
            return _aliyun(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
        unsigned = {k: v for k, v in params.items() if k != "Signature"}
        if aliyun.sign(self.key_secret, "POST", unsigned) != params["Signature"]:
            return _aliyun(400, "SignatureDoesNotMatch", "Specified signature is not matched.")
        if self.account_throttled():
            return _aliyun(400, "Throttling.User", "Request was denied due to user flow control.")
        if self.failures:
            return _aliyun(200, self.failures.pop(0), "the fake was asked to refuse")
        if params["SignName"] != self.sign_name:
            return _aliyun(200, "isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名")
        try:
            json.loads(params.get("TemplateParam") or "{}")
        except ValueError:
            return _aliyun(200, "isv.INVALID_JSON_PARAM", "JSON参数不合法")
        if normalize_phone(params["PhoneNumbers"]) != params["PhoneNumbers"]:
            return _aliyun(200, "isv.MOBILE_NUMBER_ILLEGAL", "非法手机号")
        limit = self.number_limit(SmsProviderName.ALIYUN, params["PhoneNumbers"])
        if limit:
            permits = {"day": self.daily_limit, "hour": self.hour_limit}.get(limit)
            words = f"触发{ALIYUN_LIMIT_WORDS[limit]}流控Permits:{permits or self.short_limit}"
            return _aliyun(200, "isv.BUSINESS_LIMIT_CONTROL", words)
        return None

    def tencent(self, headers: dict[str, str], body: bytes, host: str) -> Answer:
        """Answer a SendSms call as Tencent Cloud does (per number in SendStatusSet)."""
        refusal = self._tencent_refusal(headers, body, host)
        if refusal is not None:
            self.refused.append(refusal)
            return 200, {"Response": {"Error": {"Code": refusal, "Message": refusal}}}
        data = json.loads(body)
        statuses = [self._tencent_one(data, number) for number in data["PhoneNumberSet"]]
        return 200, {"Response": {"SendStatusSet": statuses, "RequestId": f"r{self.counter}"}}

    def _tencent_refusal(self, headers: dict[str, str], body: bytes, host: str) -> str | None:
        if (
            headers.get("X-TC-Action") != "SendSms"
            or headers.get("X-TC-Version") != tencent.VERSION
        ):
            return "InvalidAction"
        match = AUTH.match(headers.get("Authorization", ""))
        if match is None:
            return "AuthFailure.InvalidAuthorization"
        if match["key"] != self.key_id:
            return "AuthFailure.SecretIdNotFound"
        timestamp = int(headers.get("X-TC-Timestamp") or 0)
        if abs(timestamp - self.clock.now().timestamp()) > SKEW:
            return "AuthFailure.SignatureExpire"
        if tencent.signature(self.key_secret, host, body.decode(), timestamp) != match["sig"]:
            return "AuthFailure.SignatureFailure"
        if self.account_throttled():
            return "RequestLimitExceeded"
        if self.failures:
            return self.failures.pop(0)
        data = json.loads(body)
        if data.get("SmsSdkAppId") != self.app_id:
            return "FailedOperation.SmsSdkAppIdVerifyFail"
        if data.get("SignName") != self.sign_name:
            return "FailedOperation.SignatureIncorrectOrUnapproved"
        return None

    def _tencent_one(self, data: dict[str, Any], number: str) -> dict[str, Any]:
        phone = normalize_phone(number) if number.startswith("+86") else None
        status = {"PhoneNumber": number, "IsoCode": "CN", "Fee": 0, "SerialNo": ""}
        params = {str(i + 1): v for i, v in enumerate(data.get("TemplateParamSet") or [])}
        same_text = (str(data["TemplateId"]), params)
        limit = self.number_limit(SmsProviderName.TENCENT, phone, same_text) if phone else ""
        if phone is None:
            code = "InvalidParameterValue.IncorrectPhoneNumber"
        elif limit:
            code = TENCENT_LIMIT_CODES[limit]
        else:
            out = str(data.get("SessionContext", ""))
            status["SerialNo"] = self._accept(
                SmsProviderName.TENCENT, phone, str(data["TemplateId"]), params=params, out=out
            )
            return status | {"Code": "Ok", "Message": "send success", "Fee": 1}
        self.refused.append(code)
        return status | {"Code": code, "Message": code}

    def generic(self, authorization: str, body: bytes) -> Answer:
        """Answer a /send call as the generic gateway does (errors as HTTP statuses)."""
        if authorization != f"Bearer {self.key_secret}":
            return 401, {"error": "unauthorized"}
        if self.account_throttled():
            return 429, {"error": "too many requests"}
        if self.failures:
            status = int(self.failures.pop(0))
            return status, {"error": f"refused with {status}"}
        try:
            data = json.loads(body)
            phone, template = str(data["to"]), str(data["template"])
        except (ValueError, KeyError, TypeError):
            return 400, {"error": "expected JSON with to, template, params"}
        if normalize_phone(phone) != phone:
            return 404, {"error": "no such number"}
        if limit := self.number_limit(SmsProviderName.GENERIC, phone):
            return 429, {"error": f"the number's {limit} limit is reached"}
        params = {str(k): str(v) for k, v in (data.get("params") or {}).items()}
        out = str(data.get("out_id", ""))
        return 200, {
            "id": self._accept(SmsProviderName.GENERIC, phone, template, params=params, out=out)
        }


def _aliyun(status: int, code: str, message: str) -> Answer:
    return status, {"Code": code, "Message": message, "RequestId": "fake-request"}
