"""Aliyun SMS (短信服务) SendSms: an RPC-style call, Version 2017-05-25, signed HMAC-SHA1.

The request's parameters are sorted, each percent-encoded (RFC 3986: space %20, * %2A,
~ kept), joined as a query, and the string "POST&%2F&" + encode(query) signed with
AccessKeySecret + "&"; the base64 signature goes in as `Signature`. The answer is JSON:
{"Code": "OK", "BizId": "...", "Message": "OK", "RequestId": "..."}; any other Code is a
refusal. Sources (checked 2026-12): the API's error codes,
https://help.aliyun.com/document_detail/101346.html, the flow limits of notices (50 a day
per number, signature and template; codes 1 a minute, 5 an hour, 10 a day),
https://developer.aliyun.com/ask/218440, and the RPC signature,
https://help.aliyun.com/document_detail/28839.html.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from datetime import datetime
from urllib.parse import quote

from bot.channels.http import Reply
from bot.channels.sms.provider import SmsRequest, new_session, post, server_fault
from bot.domain.channel_messages import FaultKind, SendFault
from bot.domain.clock import Clock
from bot.settings_sms import SmsAccount

VERSION = "2017-05-25"
OK = "OK"
RETRY_CODES = {
    "isv.BUSINESS_LIMIT_CONTROL",  # flow control per number (minute, hour or day)
    "isv.DAY_LIMIT_CONTROL",  # the account's daily total set in the console
    "isv.MONTH_LIMIT_CONTROL",
    "Throttling",
    "Throttling.User",
    "ServiceUnavailable",
    "InternalError",
    "isp.SYSTEM_ERROR",
}
UNREACHABLE_CODES = {
    "isv.MOBILE_NUMBER_ILLEGAL",
    "isv.BLACK_KEY_CONTROL_LIMIT",
    "isv.MOBILE_COUNT_OVER_LIMIT",
    "isv.DOMESTIC_NUMBER_NOT_SUPPORTED",
}
# the account's requests a second: the next second will do
THROTTLE_CODES = {"Throttling", "Throttling.User"}
THROTTLE_WAIT = 1.0
DAY = 24 * 3600.0
HOUR = 3600.0
# the account cannot send (业务停机: its balance ran out): not the number's fault, nor the
# text's; tried again hourly until the operators top it up
ACCOUNT_CODES = {"isv.OUT_OF_SERVICE", "isv.AMOUNT_NOT_ENOUGH"}


def percent(value: str) -> str:
    """Percent-encode as Aliyun's signature does (RFC 3986 unreserved characters kept)."""
    return quote(value, safe="~")


def string_to_sign(method: str, params: dict[str, str]) -> str:
    """Return the canonical string Aliyun's RPC signature signs."""
    query = "&".join(f"{percent(k)}={percent(params[k])}" for k in sorted(params))
    return f"{method}&{percent('/')}&{percent(query)}"


def sign(secret: str, method: str, params: dict[str, str]) -> str:
    """Return the base64 HMAC-SHA1 signature of the parameters."""
    text = string_to_sign(method, params).encode()
    digest = hmac.new((secret + "&").encode(), text, hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def fault(code: str, message: str) -> SendFault:
    """Map Aliyun's Code to the neutral fault (the daily limits: try again tomorrow)."""
    reason = f"aliyun:{code}"[:64]
    if code in RETRY_CODES:
        return SendFault(FaultKind.RETRY, reason, retry_after=_wait(code, message), detail=message)
    if code in ACCOUNT_CODES:
        return SendFault(FaultKind.RETRY, reason, retry_after=HOUR, detail=message)
    if code in UNREACHABLE_CODES:
        return SendFault(FaultKind.UNREACHABLE, reason, detail=message)
    return SendFault(FaultKind.FAILED, reason, detail=message)


def _wait(code: str, message: str) -> float | None:
    """Return the wait a limit implies: its day ("触发天级流控") or hour, else the backoff's."""
    if code in THROTTLE_CODES:
        return THROTTLE_WAIT
    if "DAY" in code or "天" in message:
        return DAY
    if "小时" in message:
        return HOUR
    return None


class AliyunSms:
    """SendSms at the account's endpoint (FOLLOWUP_SMS_API_BASE)."""

    def __init__(self, account: SmsAccount, clock: Clock) -> None:
        self.account, self.clock = account, clock
        self.client = new_session()

    def params(self, request: SmsRequest, now: datetime) -> dict[str, str]:
        """Return the signed parameters of a SendSms call."""
        params = {
            "AccessKeyId": self.account.key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "OutId": request.out_id,
            "PhoneNumbers": request.phone,
            "SignName": self.account.sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": secrets.token_hex(16),
            "SignatureVersion": "1.0",
            "TemplateCode": request.template,
            "TemplateParam": json.dumps(request.params, ensure_ascii=False),
            "Timestamp": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": VERSION,
        }
        params["Signature"] = sign(self.account.key_secret, "POST", params)
        return params

    async def send(self, request: SmsRequest) -> str:
        """Send one text; return its BizId."""
        params = self.params(request, self.clock.now())
        response = await post(self.client, self.account.api_base + "/", data=params)
        body = _json(response)
        code = str(body.get("Code", ""))
        if code == OK and body.get("BizId"):
            return str(body["BizId"])
        if not code:
            raise server_fault(response) or SendFault(
                FaultKind.RETRY, f"sms_http_{response.status_code}"
            )
        raise fault(code, str(body.get("Message", "")))

    async def aclose(self) -> None:
        """Close the HTTP session."""
        await self.client.close()


def _json(response: Reply) -> dict[str, object]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
