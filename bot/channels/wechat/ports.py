"""What the WeChat channel needs from WeChat's HTTP API, and how the API refuses."""

from __future__ import annotations

from typing import Any, Protocol

from bot.channels.wechat.faults import MenuNotAllowed, OutsideWindow

__all__ = ["MenuNotAllowed", "OutsideWindow", "WeChatSending"]


class WeChatSending(Protocol):
    """The two ways to write to a follower: a conversation message, or a notice."""

    async def send_custom(self, payload: dict[str, Any]) -> None:
        """Send a customer-service message; raises OutsideWindow, MenuNotAllowed, SendFault."""
        ...

    async def send_template(
        self, openid: str, template_id: str, data: dict[str, str], url: str | None
    ) -> str:
        """Send a template message (a notice); return WeChat's msgid for it."""
        ...


class MediaSource(Protocol):
    """Where a follower's voice notes and photos are fetched from, by MediaId."""

    async def get_media(self, media_id: str) -> tuple[bytes, str]:
        """Return the file's bytes and content type."""
        ...
