"""The providers' callbacks, parsed: replies (a number and its words) and receipts.

Shapes (checked 2026-12):
- Aliyun SmsUp, a JSON array of {phone_number, send_time, content, sign_name, dest_code,
  sequence_id}, https://help.aliyun.com/zh/sms/developer-reference/smsup-http; SmsReport,
  an array of {phone_number, send_time, report_time, success, err_code, err_msg, sms_size,
  biz_id, out_id}, https://help.aliyun.com/zh/sms/developer-reference/smsreport-2; both
  answered {"code": 0, "msg": "成功"} (only a number is checked; non-200 is retried).
- Tencent's reply callback {extend, mobile, nationcode, sign, text, time},
  https://intl.cloud.tencent.com/document/api/382/43548, and status callback, an array of
  {user_receive_time, nationcode, mobile, report_status, errmsg, description, sid},
  https://www.tencentcloud.com/document/api/382/43547; answered {"result": 0, "errmsg": "OK"}.
- The generic gateway's {"from", "text"} and {"id", "status", "detail"}, answered
  {"ok": true} (bot/channels/sms/generic.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.channels.sms.notices import SmsReceipt
from bot.domain.sms import SmsProviderName, SmsStatus, normalize_phone

MAINLAND = "86"
ACKNOWLEDGEMENT: dict[SmsProviderName, dict[str, Any]] = {
    SmsProviderName.ALIYUN: {"code": 0, "msg": "成功"},
    SmsProviderName.TENCENT: {"result": 0, "errmsg": "OK"},
    SmsProviderName.GENERIC: {"ok": True},
}
DELIVERED_WORDS = {SmsStatus.DELIVERED.value, "success", "ok"}  # a gateway's words


class CallbackError(ValueError):
    """A callback's body is not the provider's shape; the message says what is wrong."""


@dataclass(frozen=True)
class SmsReply:
    """A text a person sent back: their number (11 digits), its words, and the provider's id
    for it when it gives one (Aliyun's sequence_id, the gateway's id), to take it once."""

    phone: str
    text: str
    key: str | None = None


def parse_replies(provider: SmsProviderName, body: bytes) -> list[SmsReply]:
    """Return the replies in a reply callback; numbers abroad are left out."""
    items = _items(body)
    replies = []
    for item in items:
        raw, text, country = _reply_fields(provider, item)
        phone = normalize_phone(raw)
        if country != MAINLAND:
            continue
        if phone is None:
            raise CallbackError("a reply's number is not a mainland mobile number")
        replies.append(SmsReply(phone, text, _reply_key(provider, item)))
    return replies


def _reply_fields(provider: SmsProviderName, item: dict[str, Any]) -> tuple[str, str, str]:
    """Return a reply's number, words and country code, as the provider names them."""
    if provider is SmsProviderName.ALIYUN:
        return _field(item, "phone_number"), _field(item, "content"), MAINLAND
    if provider is SmsProviderName.TENCENT:
        return _field(item, "mobile"), _field(item, "text"), str(item.get("nationcode") or MAINLAND)
    return _field(item, "from"), _field(item, "text"), MAINLAND


def _reply_key(provider: SmsProviderName, item: dict[str, Any]) -> str | None:
    """Return the provider's id of a reply: Aliyun pushes replies in batches (a batch retried
    after a failure brings its first replies again); Tencent posts one at a time, without one."""
    name = {SmsProviderName.ALIYUN: "sequence_id", SmsProviderName.GENERIC: "id"}.get(provider)
    value = item.get(name) if name else None
    return f"{provider.value}:{value}" if isinstance(value, str | int) and value != "" else None


def parse_receipts(provider: SmsProviderName, body: bytes) -> list[SmsReceipt]:
    """Return the receipts in a receipt callback."""
    items = _items(body)
    if provider is SmsProviderName.ALIYUN:
        return [
            SmsReceipt(_field(i, "biz_id"), _status(i.get("success") is True), _code(i, "err_code"))
            for i in items
        ]
    if provider is SmsProviderName.TENCENT:
        return [
            SmsReceipt(
                _field(i, "sid"), _status(i.get("report_status") == "SUCCESS"), _code(i, "errmsg")
            )
            for i in items
        ]
    return [
        SmsReceipt(
            _field(i, "id"),
            _status(str(i.get("status", "")).lower() in DELIVERED_WORDS),
            _code(i, "detail") or str(i.get("status", "")),
        )
        for i in items
    ]


def _items(body: bytes) -> list[dict[str, Any]]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise CallbackError("the body is not JSON") from None
    items = data if isinstance(data, list) else [data]
    if not all(isinstance(item, dict) for item in items):
        raise CallbackError("expected a JSON object or an array of objects")
    return items


def _field(item: dict[str, Any], name: str) -> str:
    value = item.get(name)
    if not isinstance(value, str | int) or isinstance(value, bool) or str(value) == "":
        raise CallbackError(f"the field {name!r} is missing or not text")
    return str(value)


def _code(item: dict[str, Any], name: str) -> str:
    value = item.get(name)
    return str(value)[:64] if value is not None else ""


def _status(delivered: bool) -> SmsStatus:
    return SmsStatus.DELIVERED if delivered else SmsStatus.FAILED
