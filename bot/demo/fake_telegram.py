"""FakeTelegram: a Bot API at the HTTP edge that answers and records every call."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

BOT_ID = 7000000001
BOT_USERNAME = "followup_test_bot"
TOKEN = "7000000001:" + "A" * 35


@dataclass
class Call:
    """One Bot API request: its parameters, the files uploaded with it, and the answer."""

    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    result: Any = None


@dataclass
class Fault:
    """A scripted failure for the next `times` matching calls."""

    method: str = "sendMessage"
    status: int = 500
    description: str = "Internal Server Error"
    retry_after: int | None = None
    timeout: bool = False
    reset: bool = False  # the connection drops before any answer
    crash_after_delivery: bool = False
    chat_id: int | None = None
    times: int = 1

    def matches(self, method: str, params: dict[str, Any]) -> bool:
        """Say whether this fault applies to a call."""
        chat = params.get("chat_id")
        return (
            self.times > 0
            and method == self.method
            and (self.chat_id is None or (chat is not None and int(chat) == self.chat_id))
        )


@dataclass
class Hold:
    """Keeps the next matching call in flight until `release` is set (a slow Telegram)."""

    method: str
    chat_id: int | None = None
    reached: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    used: bool = False

    def matches(self, method: str, params: dict[str, Any]) -> bool:
        """Say whether this hold applies to a call."""
        chat = params.get("chat_id")
        return (
            not self.used
            and method == self.method
            and (self.chat_id is None or (chat is not None and int(chat) == self.chat_id))
        )


@dataclass
class FakeTelegram(BaseRequest):
    """Answers Bot API methods like Telegram would; `calls` holds every request in order.

    `delivered` holds the messages Telegram accepted; `holds` keep a call waiting for its
    answer (to interleave other work with it); `faults` and `blocked` script failures:
    an HTTP error (429 with retry_after, 5xx, 400, 403), a timeout, a connection reset, or a
    crash of the caller right after Telegram accepted a message (as if the process died
    before recording it).
    """

    calls: list[Call] = field(default_factory=list)
    delivered: list[Call] = field(default_factory=list)
    next_message_id: int = 1000
    failures: dict[str, tuple[int, str]] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    blocked: set[int] = field(default_factory=set)
    holds: list[Hold] = field(default_factory=list)
    forum: bool = True
    bot_is_admin: bool = True

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        files = _uploaded(request_data) if request_data else {}
        hold = next((h for h in self.holds if h.matches(api_method, params)), None)
        if hold is not None:
            hold.used = True
            hold.reached.set()
            await hold.release.wait()
        status, body = self.answer(api_method, params, files)
        return status, json.dumps(body).encode()

    def answer(
        self, api_method: str, params: dict[str, Any], files: dict[str, bytes] | None = None
    ) -> tuple[int, dict[str, Any]]:
        """Answer one Bot API call (also used by the loopback HTTP server)."""
        call = Call(api_method, params, files or {})
        self.calls.append(call)
        fault = next((f for f in self.faults if f.matches(api_method, params)), None)
        if fault is not None:
            fault.times -= 1
            if fault.timeout:
                raise TimedOut("fake timeout")
            if fault.reset:
                raise NetworkError("httpx.ReadError: [Errno 104] Connection reset by peer")
            if not fault.crash_after_delivery:
                return fault.status, _error(fault.status, fault.description, fault.retry_after)
        if api_method in self.failures:
            status, description = self.failures[api_method]
            return status, _error(status, description)
        chat = params.get("chat_id")
        if chat is not None and int(chat) in self.blocked:
            return 403, _error(403, "Forbidden: bot was blocked by the user")
        result = call.result = self._result(api_method, params)
        if api_method in ("sendMessage", "sendPhoto", "copyMessage"):
            self.delivered.append(Call(api_method, params))
        if fault is not None and fault.crash_after_delivery:
            raise asyncio.CancelledError("the process died after Telegram accepted the message")
        return 200, {"ok": True, "result": result}

    def _result(self, api_method: str, params: dict[str, Any]) -> Any:
        if api_method == "getMe":
            return {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "Followup",
                "username": BOT_USERNAME,
            }
        if api_method in ("sendMessage", "sendPhoto", "sendDocument"):
            return self._message(params)
        if api_method == "copyMessage":
            self.next_message_id += 1
            return {"message_id": self.next_message_id}
        if api_method == "getUpdates":
            return []
        if api_method == "sendMediaGroup":
            media = params["media"]
            count = len(json.loads(media) if isinstance(media, str) else media)
            return [self._message({"chat_id": params["chat_id"]}) for _ in range(count)]
        if api_method == "getChat":
            return {
                "id": int(params["chat_id"]),
                "type": "supergroup",
                "title": "Staff",
                "is_forum": self.forum,
                "accent_color_id": 0,
                "max_reaction_count": 11,
                "accepted_gift_types": {
                    "unlimited_gifts": False,
                    "limited_gifts": False,
                    "unique_gifts": False,
                    "premium_subscription": False,
                    "gifts_from_channels": False,
                },
            }
        if api_method == "getChatMember":
            return self._bot_membership()
        if api_method == "createForumTopic":
            self.next_message_id += 1
            return {
                "message_thread_id": self.next_message_id,
                "name": params["name"],
                "icon_color": 7322096,
            }
        return True

    def _bot_membership(self) -> dict[str, Any]:
        user = {"id": BOT_ID, "is_bot": True, "first_name": "Followup"}
        if not self.bot_is_admin:
            return {"status": "member", "user": user}
        rights = dict.fromkeys(
            (
                "can_be_edited",
                "is_anonymous",
                "can_manage_chat",
                "can_delete_messages",
                "can_manage_video_chats",
                "can_restrict_members",
                "can_promote_members",
                "can_change_info",
                "can_invite_users",
                "can_post_stories",
                "can_edit_stories",
                "can_delete_stories",
                "can_manage_topics",
                "can_pin_messages",
            ),
            True,
        )
        return {"status": "administrator", "user": user, **rights}

    def _message(self, params: dict[str, Any]) -> dict[str, Any]:
        self.next_message_id += 1
        chat_id = int(params["chat_id"])
        message: dict[str, Any] = {
            "message_id": self.next_message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Followup"},
        }
        if "text" in params:
            message["text"] = params["text"]
        if "message_thread_id" in params:
            message["message_thread_id"] = int(params["message_thread_id"])
            message["is_topic_message"] = True
        if "caption" in params:
            message["caption"] = params["caption"]
            message["photo"] = [{"file_id": "p1", "file_unique_id": "u1", "width": 1, "height": 1}]
        return message

    def copies(self, chat_id: int | None = None) -> list[Call]:
        """Return the copyMessage calls, optionally into one chat."""
        return [
            c
            for c in self.calls
            if c.method == "copyMessage"
            and (chat_id is None or int(c.params["chat_id"]) == chat_id)
        ]

    def delivered_to(self, chat_id: int) -> list[Call]:
        """Return the messages Telegram accepted for a chat."""
        return [c for c in self.delivered if int(c.params["chat_id"]) == chat_id]

    # --- what tests read -------------------------------------------------------------
    def sent(self, chat_id: int | None = None) -> list[Call]:
        """Return the sendMessage/sendPhoto calls, optionally to one chat."""
        return [
            c
            for c in self.calls
            if c.method in ("sendMessage", "sendPhoto")
            and (chat_id is None or int(c.params["chat_id"]) == chat_id)
        ]

    def last_text(self, chat_id: int) -> str:
        """Return the text (or caption) of the last message sent to a chat."""
        last = self.sent(chat_id)[-1].params
        return str(last.get("text", last.get("caption", "")))

    def last_buttons(self, chat_id: int) -> list[str]:
        """Return the callback data of the buttons on the last message sent to a chat."""
        return _buttons(self.sent(chat_id)[-1].params.get("reply_markup"))

    def latest_buttons(self, chat_id: int) -> list[str]:
        """Return the buttons of the newest message to a chat that has any."""
        for call in reversed(self.sent(chat_id)):
            if buttons := _buttons(call.params.get("reply_markup")):
                return buttons
        return []

    def button(self, chat_id: int, prefix: str) -> str:
        """Return the callback data of the newest button starting with prefix (messages of
        one batch go out concurrently, so the newest message may be another one)."""
        return next(data for _text, data in self._buttons_newest_first(chat_id, prefix))

    def text_with_button(self, chat_id: int, prefix: str) -> str:
        """Return the text of the newest message with a button starting with prefix."""
        return next(text for text, _data in self._buttons_newest_first(chat_id, prefix))

    def _buttons_newest_first(self, chat_id: int, prefix: str) -> Iterator[tuple[str, str]]:
        for call in reversed(self.sent(chat_id)):
            for data in _buttons(call.params.get("reply_markup")):
                if data.startswith(prefix):
                    yield str(call.params.get("text") or call.params.get("caption")), data

    def answered_callbacks(self) -> list[dict[str, Any]]:
        """Return the parameters of every answerCallbackQuery call."""
        return [c.params for c in self.calls if c.method == "answerCallbackQuery"]


def keyboard(markup: Any) -> list[tuple[str, str]]:
    """Return the (label, callback data) of every inline button in a reply_markup parameter."""
    if not markup:
        return []
    rows = (
        json.loads(markup)["inline_keyboard"]
        if isinstance(markup, str)
        else markup["inline_keyboard"]
    )
    return [(button["text"], button["callback_data"]) for row in rows for button in row]


def _buttons(markup: Any) -> list[str]:
    return [data for _label, data in keyboard(markup)]


def _uploaded(request_data: RequestData) -> dict[str, bytes]:
    files = {}
    for name, (_filename, content, _mime) in request_data.multipart_data.items():
        files[name] = content if isinstance(content, bytes) else content.read()
    return files


def _error(status: int, description: str, retry_after: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return body
