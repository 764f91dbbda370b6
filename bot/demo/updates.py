"""Real telegram.Update objects built from Bot API JSON, as Telegram would send them."""

from __future__ import annotations

import itertools
import time
from typing import Any

from telegram import Bot, Update

_ids = itertools.count(1)


def _user(user_id: int, language_code: str | None = None) -> dict[str, Any]:
    user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
    if language_code is not None:  # Telegram leaves it out when the app does not say
        user["language_code"] = language_code
    return user


def _chat(chat_id: int) -> dict[str, Any]:
    kind = "private" if chat_id > 0 else "supergroup"
    return {"id": chat_id, "type": kind, **({"title": "Staff"} if chat_id < 0 else {})}


def text_update(
    bot: Bot,
    chat_id: int,
    user_id: int,
    text: str,
    thread_id: int | None = None,
    reply_to: int | None = None,
    language_code: str | None = None,
) -> Update:
    """Build an update carrying a text message (commands get their entity).

    In a forum topic give thread_id; as a reply to an earlier message give reply_to; the
    language the sender's app is set to as language_code (e.g. "en-GB").
    """
    message: dict[str, Any] = {
        "message_id": next(_ids),
        "date": int(time.time()),
        "chat": _chat(chat_id),
        "from": _user(user_id, language_code),
        "text": text,
    }
    if thread_id is not None:
        message.update(message_thread_id=thread_id, is_topic_message=True)
    if reply_to is not None:
        message["reply_to_message"] = {
            "message_id": reply_to,
            "date": int(time.time()),
            "chat": _chat(chat_id),
            "text": "…",
        }
    if text.startswith("/"):
        command = text.split()[0]
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return Update.de_json({"update_id": next(_ids), "message": message}, bot)


def callback_update(bot: Bot, chat_id: int, user_id: int, data: str, message_id: int = 1) -> Update:
    """Build an update carrying a button press on a bot message."""
    message = {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": _chat(chat_id),
        "from": {"id": 1, "is_bot": True, "first_name": "Followup"},
        "text": "question",
    }
    query = {
        "id": str(next(_ids)),
        "from": _user(user_id),
        "chat_instance": str(chat_id),
        "message": message,
        "data": data,
    }
    return Update.de_json({"update_id": next(_ids), "callback_query": query}, bot)


def photo_update(bot: Bot, chat_id: int, caption: str, file_id: str) -> Update:
    """Build an update carrying a photo with a caption, as a patient sends it."""
    message = {
        "message_id": next(_ids),
        "date": int(time.time()),
        "chat": _chat(chat_id),
        "from": _user(chat_id),
        "caption": caption,
        "photo": [{"file_id": file_id, "file_unique_id": file_id, "width": 800, "height": 600}],
    }
    return Update.de_json({"update_id": next(_ids), "message": message}, bot)


def message_update(bot: Bot, chat_id: int, content: dict[str, Any]) -> Update:
    """Build an update carrying a message of any kind (content: its Bot API fields, e.g.
    {"voice": {...}}); return it with the message's id in `update.message.message_id`."""
    message = {
        "message_id": next(_ids),
        "date": int(time.time()),
        "chat": _chat(chat_id),
        "from": _user(chat_id),
        **content,
    }
    return Update.de_json({"update_id": next(_ids), "message": message}, bot)
