"""Every kind of message a patient can send in Telegram, as Bot API fields, and sending them."""

from __future__ import annotations

from typing import Any

from bot.demo.harness import BotHarness
from bot.demo.updates import message_update


def _file(file_id: str, **more: Any) -> dict[str, Any]:
    return {"file_id": file_id, "file_unique_id": f"u-{file_id}", **more}


MEDIA: dict[str, dict[str, Any]] = {
    "voice": {"voice": _file("voice-1", duration=7)},
    "audio": {"audio": _file("audio-1", duration=30)},
    "photo": {"photo": [_file("photo-1", width=800, height=600)], "caption": "伤口的照片"},
    "document": {"document": _file("doc-1", file_name="化验单.pdf")},
    "video": {"video": _file("video-1", width=640, height=480, duration=5)},
    "video_note": {"video_note": _file("vnote-1", length=240, duration=5)},
    "sticker": {
        "sticker": _file(
            "sticker-1", width=512, height=512, is_animated=False, is_video=False, type="regular"
        )
    },
    "animation": {
        "animation": _file("anim-1", width=320, height=240, duration=2),
        "document": _file("anim-1"),
    },
    "location": {"location": {"latitude": 31.2304, "longitude": 121.4737}},
    "contact": {"contact": {"phone_number": "13800138009", "first_name": "张小明"}},
}


async def send_media(harness: BotHarness, chat_id: int, kind: str) -> int:
    """Send one message of a kind from a patient's chat; return its message id."""
    assert harness.app is not None
    update = message_update(harness.app.bot, chat_id, MEDIA[kind])
    assert update.message is not None
    await harness.app.process_update(update)
    return update.message.message_id
