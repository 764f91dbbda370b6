"""WeChat's callback XML, read with defusedxml (the body is untrusted) into a WeChatEvent."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring


class EventName(StrEnum):
    """The `Event` of the callbacks the channel acts on or knowingly ignores."""

    SUBSCRIBE = "subscribe"  # followed (EventKey qrscene_<scene> when by a QR code)
    UNSUBSCRIBE = "unsubscribe"
    SCAN = "SCAN"  # a follower scanned a QR code (EventKey <scene>)
    CLICK = "CLICK"  # a custom menu item (EventKey: its key)
    VIEW = "VIEW"  # a menu link opened
    TEMPLATE_SENT = "TEMPLATESENDJOBFINISH"  # a notice's delivery report
    LOCATION = "LOCATION"  # the follower's location, when they allow it


class EventError(ValueError):
    """A callback body that is not a WeChat message; str() names the kind, never content."""


@dataclass(frozen=True)
class WeChatEvent:
    """One message or event a WeChat user sent to the account."""

    to_user: str
    openid: str  # FromUserName: the user, as this account knows them
    create_time: int
    msg_type: str
    msg_id: str | None = None
    content: str | None = None
    bizmsgmenuid: str | None = None  # the msgmenu choice a click answered
    event: str | None = None  # subscribe, unsubscribe, SCAN, CLICK...
    event_key: str | None = None  # qrscene_<scene> on subscribe, <scene> on SCAN
    media_id: str | None = None
    pic_url: str | None = None
    format: str | None = None  # a voice message's format (amr, speex)

    @property
    def dedup_key(self) -> str:
        """Return what makes a retry of this callback recognisable: MsgId, else who+when."""
        if self.msg_id:
            return f"msg:{self.msg_id}"
        return f"event:{self.openid}:{self.create_time}:{self.event or ''}"


def _root(body: bytes) -> Element:
    try:
        return fromstring(body)
    except ParseError:
        raise EventError("malformed XML") from None
    except DefusedXmlException:
        raise EventError("forbidden XML construct") from None


def _text(root: Element, tag: str) -> str | None:
    found = root.find(tag)
    return found.text if found is not None and found.text is not None else None


def _required(root: Element, tag: str) -> str:
    value = _text(root, tag)
    if value is None or not value.strip():
        raise EventError(f"missing {tag}")
    return value.strip()


def encrypted_field(body: bytes) -> str:
    """Return the Encrypt field of a safe-mode callback body."""
    return _required(_root(body), "Encrypt")


def parse_event(body: bytes) -> WeChatEvent:
    """Read a callback body; raise EventError naming what is wrong."""
    root = _root(body)
    created = _required(root, "CreateTime")
    if not created.isdigit():
        raise EventError("CreateTime is not a number")
    return WeChatEvent(
        to_user=_required(root, "ToUserName"),
        openid=_required(root, "FromUserName"),
        create_time=int(created),
        msg_type=_required(root, "MsgType"),
        msg_id=_text(root, "MsgId") or _text(root, "MsgID"),
        content=_text(root, "Content"),
        bizmsgmenuid=_text(root, "bizmsgmenuid"),
        event=_text(root, "Event"),
        event_key=_text(root, "EventKey"),
        media_id=_text(root, "MediaId"),
        pic_url=_text(root, "PicUrl"),
        format=_text(root, "Format"),
    )
