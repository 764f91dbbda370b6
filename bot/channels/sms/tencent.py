"""Tencent Cloud SMS API 3.0 SendSms (Version 2021-01-11), signed TC3-HMAC-SHA256.

POST JSON to the endpoint with X-TC-Action, X-TC-Version, X-TC-Region, X-TC-Timestamp and
an Authorization of "TC3-HMAC-SHA256 Credential=<SecretId>/<date>/sms/tc3_request,
SignedHeaders=content-type;host;x-tc-action, Signature=<hex>", the signature over the
canonical request (method, "/", "", the three headers, their names, the body's SHA-256)
with a key derived from "TC3" + SecretKey by UTC date, service and "tc3_request"
(签名方法 v3, e.g. https://cloud.tencent.com/document/api/1427/56189; its worked example
is a test). The answer is
{"Response": {"SendStatusSet": [{"SerialNo", "PhoneNumber", "Code": "Ok", ...}], ...}} or
{"Response": {"Error": {"Code", "Message"}}}; a number's own refusal is its SendStatus Code.
Sources (checked 2026-12): SendSms, https://cloud.tencent.com/document/api/382/55981;
error codes, https://cloud.tencent.com/document/api/382/59177 and
https://cloud.tencent.com/document/api/382/52075.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from urllib.parse import urlsplit

from bot.channels.http import Reply
from bot.channels.sms.provider import SmsRequest, new_session, post, server_fault
from bot.domain.channel_messages import FaultKind, SendFault
from bot.domain.clock import Clock
from bot.settings_sms import SmsAccount

VERSION = "2021-01-11"
SERVICE = "sms"
REGION = "ap-guangzhou"
ALGORITHM = "TC3-HMAC-SHA256"
ACTION = "SendSms"
CONTENT_TYPE = "application/json; charset=utf-8"
SIGNED_HEADERS = "content-type;host;x-tc-action"
OK = "Ok"
DAY = 24 * 3600.0
HOUR = 3600.0
# the account cannot send (its package or balance ran out): tried again hourly
ACCOUNT_CODES = {
    "FailedOperation.InsufficientBalanceInSmsPackage",
    "UnauthorizedOperation.ServiceSuspendDueToArrears",
}
DAILY_CODES = {
    "LimitExceeded.PhoneNumberDailyLimit",
    "LimitExceeded.PhoneNumberSameContentDailyLimit",
    "LimitExceeded.DailyLimit",
}
HOURLY_CODES = {"LimitExceeded.PhoneNumberOneHourLimit"}
# the account's requests a second (默认 3000次/秒): the next second will do
THROTTLE_CODES = {"RequestLimitExceeded"}
THROTTLE_WAIT = 1.0
RETRY_PREFIXES = ("LimitExceeded.", "RequestLimitExceeded", "InternalError", "ResourceUnavailable")
UNREACHABLE_CODES = {
    "InvalidParameterValue.IncorrectPhoneNumber",
    "FailedOperation.PhoneNumberInBlacklist",
    "UnsupportedOperation.UnsupportedRegion",
    "FailedOperation.PhoneNumberParseFail",
}
FAILED_CODES = {
    "InternalError.SigVerificationFail",
    "InternalError.RequestTimeException",
    "InternalError.RestApiInterfaceNotExist",
    "InternalError.SigFieldMissing",
}


def canonical_request(host: str, action: str, body: str) -> str:
    """Return the canonical request TC3 signs (a JSON POST to /, its action signed too)."""
    headers = f"content-type:{CONTENT_TYPE}\nhost:{host}\nx-tc-action:{action.lower()}\n"
    digest = hashlib.sha256(body.encode()).hexdigest()
    return f"POST\n/\n\n{headers}\n{SIGNED_HEADERS}\n{digest}"


def string_to_sign(canonical: str, timestamp: int, service: str = SERVICE) -> str:
    """Return the string TC3 signs: algorithm, time, scope and the request's hash."""
    scope = f"{_date(timestamp)}/{service}/tc3_request"
    hashed = hashlib.sha256(canonical.encode()).hexdigest()
    return f"{ALGORITHM}\n{timestamp}\n{scope}\n{hashed}"


def signing_key(secret: str, timestamp: int, service: str = SERVICE) -> bytes:
    """Derive the day's signing key from the SecretKey."""
    key = ("TC3" + secret).encode()
    for part in (_date(timestamp), service, "tc3_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def sign_with_key(key: bytes, to_sign: str) -> str:
    """Return the hex signature of a string with a derived key."""
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def signature(secret: str, host: str, body: str, timestamp: int) -> str:
    """Return the hex TC3-HMAC-SHA256 signature of a SendSms request."""
    to_sign = string_to_sign(canonical_request(host, ACTION, body), timestamp)
    return sign_with_key(signing_key(secret, timestamp), to_sign)


def authorization(key_id: str, secret: str, host: str, body: str, timestamp: int) -> str:
    """Return the Authorization header of a SendSms request."""
    sign = signature(secret, host, body, timestamp)
    return (
        f"{ALGORITHM} Credential={key_id}/{_date(timestamp)}/{SERVICE}/tc3_request, "
        f"SignedHeaders={SIGNED_HEADERS}, Signature={sign}"
    )


def _date(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")


def fault(code: str, message: str) -> SendFault:
    """Map Tencent's error Code to the neutral fault (a daily limit: try again tomorrow)."""
    reason = f"tencent:{code}"[:64]
    if code in DAILY_CODES:
        return SendFault(FaultKind.RETRY, reason, retry_after=DAY, detail=message)
    if code in ACCOUNT_CODES or code in HOURLY_CODES:
        return SendFault(FaultKind.RETRY, reason, retry_after=HOUR, detail=message)
    if code in THROTTLE_CODES:
        return SendFault(FaultKind.RETRY, reason, retry_after=THROTTLE_WAIT, detail=message)
    if code in UNREACHABLE_CODES:
        return SendFault(FaultKind.UNREACHABLE, reason, detail=message)
    if code in FAILED_CODES or not code.startswith(RETRY_PREFIXES):
        return SendFault(FaultKind.FAILED, reason, detail=message)
    return SendFault(FaultKind.RETRY, reason, detail=message)


class TencentSms:
    """SendSms at the account's endpoint (FOLLOWUP_SMS_API_BASE)."""

    def __init__(self, account: SmsAccount, clock: Clock) -> None:
        self.account, self.clock = account, clock
        self.client = new_session()
        self.host = host_of(account.api_base)

    def payload(self, request: SmsRequest) -> str:
        """Return the JSON body of a SendSms call."""
        body = {
            "PhoneNumberSet": ["+86" + request.phone],
            "SmsSdkAppId": self.account.app_id,
            "SignName": self.account.sign_name,
            "TemplateId": request.template,
            "TemplateParamSet": list(request.params.values()),
            "SessionContext": request.out_id,
        }
        return json.dumps(body, ensure_ascii=False, separators=(",", ":"))

    def headers(self, body: str) -> dict[str, str]:
        """Return the signed headers of a call with this body."""
        timestamp = int(self.clock.now().timestamp())
        account = self.account
        return {
            "Authorization": authorization(
                account.key_id, account.key_secret, self.host, body, timestamp
            ),
            "Content-Type": CONTENT_TYPE,
            "Host": self.host,
            "X-TC-Action": ACTION,
            "X-TC-Version": VERSION,
            "X-TC-Region": REGION,
            "X-TC-Timestamp": str(timestamp),
        }

    async def send(self, request: SmsRequest) -> str:
        """Send one text; return its SerialNo."""
        body = self.payload(request)
        url = self.account.api_base + "/"
        response = await post(self.client, url, body.encode(), self.headers(body))
        answer = _response(response)
        if answer is None:
            raise server_fault(response) or SendFault(
                FaultKind.RETRY, f"sms_http_{response.status_code}"
            )
        error = answer.get("Error")
        if isinstance(error, dict):
            raise fault(str(error.get("Code", "")), str(error.get("Message", "")))
        return _serial(answer)

    async def aclose(self) -> None:
        """Close the HTTP session."""
        await self.client.close()


def host_of(api_base: str) -> str:
    """Return the endpoint's host as the signature and the Host header name it (its port
    only when it is not the scheme's default)."""
    parts = urlsplit(api_base)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    host = parts.hostname or ""
    return host if parts.port in (None, default) else f"{host}:{parts.port}"


def _response(response: Reply) -> dict[str, object] | None:
    try:
        body = response.json()
    except ValueError:
        return None
    inner = body.get("Response") if isinstance(body, dict) else None
    return inner if isinstance(inner, dict) else None


def _serial(answer: dict[str, object]) -> str:
    statuses = answer.get("SendStatusSet")
    status = statuses[0] if isinstance(statuses, list) and statuses else None
    if not isinstance(status, dict):
        raise SendFault(FaultKind.RETRY, "tencent:no_status")
    if status.get("Code") != OK:
        raise fault(str(status.get("Code", "")), str(status.get("Message", "")))
    return str(status.get("SerialNo", ""))
