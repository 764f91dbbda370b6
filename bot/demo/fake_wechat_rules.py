"""What the fake WeChat API checks in a payload: notices' typed fields, text, msgmenu, menu."""

from __future__ import annotations

import re
from typing import Any

# errcodes WeChat answers for bad payloads
ARGUMENT_INVALID = 47003  # a notice's field breaks its type's rule
DATA_FORMAT = 47001  # the JSON is not what the endpoint expects
TEXT_TOO_LONG = 45002  # content size out of limit
MENU_LIST_SIZE = 45098  # msgmenu list size out of limit
BUTTON_SIZE = 40016

TEXT_MAX_BYTES = 2048
MSGMENU_MAX_ITEMS = 10
# A notice's field type is its key without the trailing digits (thing1, time2...); the
# limits are those of WeChat's subscription notices (订阅通知 参数值内容限制).
FIELD_RULES: dict[str, re.Pattern[str]] = {
    "thing": re.compile(r"^.{1,20}$"),
    "short_thing": re.compile(r"^.{1,5}$"),
    "name": re.compile(r"^.{1,10}$"),
    "phrase": re.compile(r"^[\u4e00-\u9fff]{1,5}$"),
    "number": re.compile(r"^[0-9.]{1,32}$"),
    "letter": re.compile(r"^[A-Za-z]{1,32}$"),
    "character_string": re.compile(r"^[A-Za-z0-9_\-.:/#@ ]{1,32}$"),
    "amount": re.compile(r"^[¥￥]?\d+(\.\d{1,2})?元?$"),
    "phone_number": re.compile(r"^[0-9+\-() ]{1,17}$"),
    "car_number": re.compile(r"^.{1,8}$"),
    "time": re.compile(r"^\d{4}[-年]\d{1,2}[-月]\d{1,2}日?( \d{1,2}:\d{2}(:\d{2})?)?$"),
    "date": re.compile(r"^\d{4}[-年]\d{1,2}[-月]\d{1,2}日?$"),
}


def field_kind(name: str) -> str:
    """Return a notice field's type from its key: thing3 → thing."""
    return name.rstrip("0123456789")


def notice_problem(data: Any) -> int | None:
    """Return the errcode a notice's data earns, or None when WeChat would take it."""
    if not isinstance(data, dict) or not data:
        return DATA_FORMAT
    for name, item in data.items():
        value = item.get("value") if isinstance(item, dict) else None
        if not isinstance(value, str) or "\n" in value or "\r" in value:
            return ARGUMENT_INVALID
        rule = FIELD_RULES.get(field_kind(name))
        if rule is None or not rule.match(value):
            return ARGUMENT_INVALID
    return None


def custom_problem(payload: dict[str, Any]) -> int | None:
    """Return the errcode a customer-service message earns, or None when it is well formed."""
    kind = payload.get("msgtype")
    body = payload.get(kind) if isinstance(kind, str) else None
    if not isinstance(body, dict):
        return DATA_FORMAT
    if kind == "text":
        content = body.get("content")
        if not isinstance(content, str) or not content:
            return DATA_FORMAT
        return TEXT_TOO_LONG if len(content.encode()) > TEXT_MAX_BYTES else None
    if kind == "msgmenu":
        return _msgmenu_problem(body)
    if kind in ("image", "voice"):
        return None if isinstance(body.get("media_id"), str) else DATA_FORMAT
    return DATA_FORMAT


def _msgmenu_problem(body: dict[str, Any]) -> int | None:
    items = body.get("list")
    if not isinstance(items, list) or not isinstance(body.get("head_content", ""), str):
        return DATA_FORMAT
    if not 1 <= len(items) <= MSGMENU_MAX_ITEMS:
        return MENU_LIST_SIZE
    for item in items:
        if not isinstance(item, dict) or not {"id", "content"} <= item.keys():
            return DATA_FORMAT
        if not str(item["id"]) or not str(item["content"]):
            return DATA_FORMAT
    size = len((body.get("head_content", "") + body.get("tail_content", "")).encode())
    return TEXT_TOO_LONG if size > TEXT_MAX_BYTES else None


def menu_problem(menu: Any) -> int | None:
    """Return the errcode a custom menu earns: 1-3 buttons with at most 5 sub-buttons each."""
    buttons = menu.get("button") if isinstance(menu, dict) else None
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
        return BUTTON_SIZE
    for button in buttons:
        subs = button.get("sub_button", []) if isinstance(button, dict) else None
        if not isinstance(subs, list) or len(subs) > 5:
            return BUTTON_SIZE
    return None
