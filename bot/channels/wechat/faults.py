"""What WeChat's errcodes mean, in the send path's neutral terms (a SendFault) or as the
channel's own exceptions (outside the window, msgmenu not allowed, a token to renew)."""

from __future__ import annotations

from bot.domain.channel_messages import FaultKind, SendFault
from bot.services.labels import LabelGroup
from bot.templating import Renderer

OUTSIDE_WINDOW = frozenset({45015, 45047})  # 48 hours passed, or 5 messages sent since
UNREACHABLE = frozenset({43004, 43019})  # unsubscribed (取消关注), or blocked the account
TOKEN_REJECTED = frozenset({40001, 40014, 42001})  # invalid, malformed or expired token
MENU_NOT_ALLOWED = 40200  # msgmenu on an unverified or test account: "invalid account type"
DAILY_QUOTA = 45009  # the day's calls of this API are used up
BUSY = -1  # 系统繁忙: try again
DAILY_QUOTA_WAIT = 3600.0  # seconds: the quota resets at midnight; look again in an hour


class WeChatError(Exception):
    """An errcode WeChat answered with (the errcode only: errmsg may echo content)."""

    def __init__(self, errcode: int) -> None:
        super().__init__(f"errcode {errcode}")
        self.errcode = errcode


class OutsideWindow(WeChatError):
    """A customer-service message refused: outside the 48 hours or over the 5 messages."""


class MenuNotAllowed(WeChatError):
    """The account may not send msgmenu: send the choices as numbered text instead."""


class TokenRejected(WeChatError):
    """The access token is invalid or expired: fetch a new one and call again."""


def meaning(renderer: Renderer, locale: str, errcode: int) -> str:
    """Say what an errcode means for an operator (messages/<locale>/labels/wechat_errcode)."""
    return renderer.label(LabelGroup.WECHAT_ERRCODE.value, errcode, locale)


def raise_for(errcode: int) -> None:
    """Raise what an errcode means for the caller; return quietly on 0 (success)."""
    if errcode == 0:
        return
    if errcode in OUTSIDE_WINDOW:
        raise OutsideWindow(errcode)
    if errcode == MENU_NOT_ALLOWED:
        raise MenuNotAllowed(errcode)
    if errcode in TOKEN_REJECTED:
        raise TokenRejected(errcode)
    raise fault_of(errcode)


def fault_of(errcode: int) -> SendFault:
    """Translate an errcode: stop a gone user, back off a quota, retry when busy."""
    if errcode in UNREACHABLE:
        return SendFault(FaultKind.UNREACHABLE, f"wechat_{errcode}")
    if errcode == DAILY_QUOTA:
        return SendFault(FaultKind.RETRY, "wechat_daily_quota", retry_after=DAILY_QUOTA_WAIT)
    if errcode == BUSY:
        return SendFault(FaultKind.RETRY, "wechat_busy")
    return SendFault(FaultKind.FAILED, f"wechat_errcode_{errcode}")


def transport_fault(kind: str, status: int | None = None) -> SendFault:
    """A call that got no answer (timeout, connection) or a 5xx: retry later."""
    detail = f"http {status}" if status is not None else ""
    return SendFault(FaultKind.RETRY, f"wechat_{kind}", detail=detail)
