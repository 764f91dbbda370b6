"""The fake WeChat API's state and rules, without HTTP (FakeWeChat serves them).

It issues access tokens (expiry injectable; `expire_tokens()` / `revoke_tokens()` make calls
answer 42001 / 40001), answers the endpoints the channel calls with WeChat's JSON and
errcodes, enforces the 48-hour window and the 5 messages per user message, the notices'
field limits, text's 2,048 bytes and msgmenu's shape, fails the next call on request, and
records every call. Each API's calls are counted per day (Beijing time, as WeChat resets
them at midnight) against its daily quota: over it, WeChat's 45009.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.demo.fake_wechat_rules import (
    DATA_FORMAT,
    custom_problem,
    menu_problem,
    notice_problem,
)
from bot.domain.clock import Clock

WINDOW = timedelta(hours=48)
WINDOW_MESSAGES = 5
EVENT_WINDOW = timedelta(minutes=1)  # a follow, scan or menu click allows a few messages
EVENT_MESSAGES = 3
QR_MAX_SECONDS = 2_592_000  # 30 days

OUTSIDE_WINDOW, OVER_QUOTA = 45015, 45047
UNSUBSCRIBED = 43004
INVALID_TOKEN, EXPIRED_TOKEN, INVALID_SECRET = 40001, 42001, 40125
INVALID_MEDIA, INVALID_TEMPLATE, MENU_NOT_ALLOWED = 40007, 40037, 40200
DAILY_QUOTA = 45009
# A service account's daily call quotas (接口调用频次限制: customer-service messages 500,000;
# template messages 100,000); an API not listed has none here.
DAILY_QUOTAS = {"message/custom/send": 500_000, "message/template/send": 100_000}
ERRMSGS = {DAILY_QUOTA: "reach max api daily quota limit"}  # WeChat's own words
BEIJING = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Call:
    """One call to the fake: who it was for (openid or ""), the endpoint and its payload."""

    openid: str
    endpoint: str
    payload: dict[str, Any]
    errcode: int


@dataclass
class Window:
    """Until when customer-service messages may reach a user, and how many are left."""

    until: datetime
    left: int


@dataclass
class Answer:
    status: int
    body: dict[str, Any] | bytes
    content_type: str = "application/json"


def error(errcode: int) -> Answer:
    """WeChat's answer for an errcode (HTTP 200, as WeChat answers its errors)."""
    errmsg = ERRMSGS.get(errcode, f"fake error {errcode}")
    return Answer(200, {"errcode": errcode, "errmsg": errmsg})


def ok(**fields: Any) -> Answer:
    return Answer(200, {"errcode": 0, "errmsg": "ok", **fields})


@dataclass
class FakeWeChatState:
    """The fake platform's state and rules, without the HTTP server (see FakeWeChat)."""

    clock: Clock
    app_id: str = "wxfake0000000001"
    app_secret: str = "fake-app-secret"
    token_seconds: int = 7200
    msgmenu_allowed: bool = True
    templates: set[str] = field(default_factory=lambda: {"notice-template"})
    tokens: dict[str, datetime] = field(default_factory=dict)
    revoked: set[str] = field(default_factory=set)
    windows: dict[str, Window] = field(default_factory=dict)
    unsubscribed: set[str] = field(default_factory=set)
    media: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    qr_scenes: dict[str, str] = field(default_factory=dict)
    menu: dict[str, Any] | None = None
    calls: list[Call] = field(default_factory=list)
    token_fetches: int = 0
    daily_quotas: dict[str, int] = field(default_factory=lambda: dict(DAILY_QUOTAS))
    used_today: Counter[tuple[str, date]] = field(default_factory=Counter)
    failures: list[int] = field(default_factory=list)
    stalls: list[float] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def next_id(self) -> int:
        """Return a number not given before (tokens, tickets, media, message ids)."""
        return next(self._ids)

    def fail_next(self, errcode: int) -> None:
        """Answer the next API call (not a token fetch) with this errcode (500: HTTP 500)."""
        self.failures.append(errcode)

    def stall_next(self, seconds: float) -> None:
        """Answer the next API call only after some seconds (the client's timeout)."""
        self.stalls.append(seconds)

    def expire_tokens(self) -> None:
        """Make every issued token expired: calls with one answer 42001."""
        for token in self.tokens:
            self.tokens[token] = self.clock.now()

    def revoke_tokens(self) -> None:
        """Make every issued token invalid: calls with one answer 40001."""
        self.revoked.update(self.tokens)

    def open_window(self, openid: str, message: bool = True) -> None:
        """A user's message opens 48 hours with 5 messages; an event, a minute with 3."""
        self.unsubscribed.discard(openid)
        span, left = (WINDOW, WINDOW_MESSAGES) if message else (EVENT_WINDOW, EVENT_MESSAGES)
        current = self.windows.get(openid)
        until = self.clock.now() + span
        if current is not None and not message and current.until > until:
            return  # a click inside a conversation does not shorten it
        self.windows[openid] = Window(until, left)

    def sent_to(self, openid: str, endpoint: str | None = None) -> list[Call]:
        """The successful calls for a user (on one endpoint, if given), oldest first."""
        return [
            call
            for call in self.calls
            if call.openid == openid and not call.errcode and endpoint in (None, call.endpoint)
        ]

    def fetch_token(self, params: dict[str, str]) -> Answer:
        """GET /cgi-bin/token."""
        self.token_fetches += 1
        if params.get("appid") != self.app_id or params.get("secret") != self.app_secret:
            return error(INVALID_SECRET)
        token = f"FAKE-TOKEN-{next(self._ids)}-{self.app_id}"
        self.tokens[token] = self.clock.now() + timedelta(seconds=self.token_seconds)
        return ok(access_token=token, expires_in=self.token_seconds)

    def token_problem(self, token: str) -> int | None:
        """Return 40001 for an unknown or revoked token, 42001 for an expired one."""
        if token not in self.tokens or token in self.revoked:
            return INVALID_TOKEN
        return EXPIRED_TOKEN if self.clock.now() >= self.tokens[token] else None

    def call(self, endpoint: str, token: str, payload: dict[str, Any]) -> Answer:
        """Answer an API call with a token, recording it."""
        problem = self.token_problem(token) or self._over_quota(endpoint)
        answer = error(problem) if problem else self._failure() or self._answer(endpoint, payload)
        errcode = answer.body.get("errcode", 0) if isinstance(answer.body, dict) else 0
        openid = str(payload.get("touser", ""))
        self.calls.append(Call(openid, endpoint, payload, int(errcode)))
        return answer

    def _over_quota(self, endpoint: str) -> int | None:
        """Count a call against its API's daily quota; 45009 once the day's are used up."""
        quota = self.daily_quotas.get(endpoint)
        if quota is None:
            return None
        day = (endpoint, self.clock.now().astimezone(BEIJING).date())
        if self.used_today[day] >= quota:
            return DAILY_QUOTA
        self.used_today[day] += 1
        return None

    def _failure(self) -> Answer | None:
        if not self.failures:
            return None
        errcode = self.failures.pop(0)
        return Answer(500, b"busy", "text/plain") if errcode == 500 else error(errcode)

    def _answer(self, endpoint: str, payload: dict[str, Any]) -> Answer:
        handlers = {
            "message/custom/send": self._custom,
            "message/template/send": self._template,
            "qrcode/create": self._qr,
            "media/get": self._media_get,
            "media/upload": self._media_upload,
            "menu/create": self._menu,
        }
        return handlers[endpoint](payload)

    def _custom(self, payload: dict[str, Any]) -> Answer:
        openid = str(payload.get("touser", ""))
        if payload.get("msgtype") == "msgmenu" and not self.msgmenu_allowed:
            return error(MENU_NOT_ALLOWED)
        if (problem := custom_problem(payload)) is not None:
            return error(problem)
        if openid in self.unsubscribed:
            return error(UNSUBSCRIBED)
        window = self.windows.get(openid)
        if window is None or self.clock.now() >= window.until:
            return error(OUTSIDE_WINDOW)
        if window.left <= 0:
            return error(OVER_QUOTA)
        window.left -= 1
        return ok()

    def _template(self, payload: dict[str, Any]) -> Answer:
        if payload.get("template_id") not in self.templates:
            return error(INVALID_TEMPLATE)
        if (problem := notice_problem(payload.get("data"))) is not None:
            return error(problem)
        if payload.get("touser") in self.unsubscribed:
            return error(UNSUBSCRIBED)
        return ok(msgid=next(self._ids))

    def _qr(self, payload: dict[str, Any]) -> Answer:
        scene = payload.get("action_info", {}).get("scene", {}).get("scene_str")
        seconds = payload.get("expire_seconds", 60)
        if not isinstance(scene, str) or not 1 <= len(scene) <= 64:
            return error(DATA_FORMAT)
        if not isinstance(seconds, int) or not 60 <= seconds <= QR_MAX_SECONDS:
            return error(DATA_FORMAT)
        ticket = f"fake-ticket-{next(self._ids)}"
        self.qr_scenes[ticket] = scene
        return ok(ticket=ticket, expire_seconds=seconds, url=f"http://weixin.qq.com/q/{ticket}")

    def _media_get(self, payload: dict[str, Any]) -> Answer:
        found = self.media.get(str(payload.get("media_id")))
        if found is None:
            return error(INVALID_MEDIA)
        return Answer(200, found[0], found[1])

    def _media_upload(self, payload: dict[str, Any]) -> Answer:
        media_id = f"fake-media-{next(self._ids)}"
        self.media[media_id] = (payload["content"], "application/octet-stream")
        created = int(self.clock.now().timestamp())
        return ok(type=payload.get("type", ""), media_id=media_id, created_at=created)

    def _menu(self, payload: dict[str, Any]) -> Answer:
        if (problem := menu_problem(payload)) is not None:
            return error(problem)
        self.menu = payload
        return ok()
