"""The notice (a WeChat template message) that asks a person to write, so held messages can go.

A notice reaches a lock screen: it names only the kind of message waiting and the time,
never the patient's data. Its fields are the template's, fixed here for every hospital;
register a template with these keys (see NOTICE_FIELDS) and give its id in the settings.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.conversation_window import NoticeKind
from bot.templating import Renderer

KIND_FIELD = "thing1"  # what waits: 出院随访, 用药提醒, 复诊提醒…
TIME_FIELD = "time2"  # when the notice was sent, in the hospital's time: 2026年12月7日 09:30
ACTION_FIELD = "thing3"  # 请回复任意文字查看
NOTICE_FIELDS = (KIND_FIELD, TIME_FIELD, ACTION_FIELD)
# WeChat's limits by field type (the key without its number), in characters
FIELD_LIMITS = {"thing": 20, "time": 20, "phrase": 5, "character_string": 32, "number": 32}
TITLE_TEMPLATE = "channels/wechat/notice_title_{kind}"
TIME_TEMPLATE = "channels/wechat/notice_time"
ACTION_TEMPLATE = "channels/wechat/notice_action"


def field_value(key: str, value: str) -> str:
    """Return a value fit for a field: one line, cut to the field type's limit."""
    kind = key.rstrip("0123456789")
    if kind not in FIELD_LIMITS:
        raise ValueError(f"notice field {key!r}: unknown field type {kind!r}")
    one_line = re.sub(r"\s+", " ", value).strip()
    return one_line[: FIELD_LIMITS[kind]]


def notice_fields(
    renderer: Renderer, locale: str, kind: NoticeKind, now: datetime, zone: ZoneInfo
) -> dict[str, str]:
    """Return the notice's fields for a held message of this kind."""
    local = now.astimezone(zone)
    when = renderer.render(
        TIME_TEMPLATE,
        locale,
        year=local.year,
        month=local.month,
        day=local.day,
        time=local.strftime("%H:%M"),
    )
    values = {
        KIND_FIELD: renderer.render(TITLE_TEMPLATE.format(kind=kind.value), locale),
        TIME_FIELD: when,
        ACTION_FIELD: renderer.render(ACTION_TEMPLATE, locale),
    }
    return {key: field_value(key, value) for key, value in values.items()}
