"""A stand-in for WeChat's HTTP API as the WeChat channel sees it: records what was sent and
enforces the platform's own window rule (48 h, 5 messages per user message) and menu refusal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.channels.wechat.ports import MenuNotAllowed, OutsideWindow
from bot.domain.channel_messages import FaultKind, SendFault
from bot.domain.clock import FakeClock


@dataclass
class FakeWeChatSending:
    """Records custom messages and notices; refuses what WeChat would refuse."""

    clock: FakeClock
    menus_allowed: bool = True
    last_message: dict[str, datetime] = field(default_factory=dict)
    sent_since: dict[str, int] = field(default_factory=dict)
    custom: list[dict[str, Any]] = field(default_factory=list)
    notices: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # errcodes WeChat answered
    unsubscribed: set[str] = field(default_factory=set)

    def user_wrote(self, openid: str) -> None:
        """The follower wrote: WeChat opens 48 h and 5 messages."""
        self.last_message[openid], self.sent_since[openid] = self.clock.now(), 0

    async def send_custom(self, payload: dict[str, Any]) -> None:
        openid = str(payload["touser"])
        wrote = self.last_message.get(openid)
        if wrote is None or self.clock.now() - wrote >= timedelta(hours=48):
            self.refused.append("45015")
            raise OutsideWindow(45015)
        if self.sent_since[openid] >= 5:
            self.refused.append("45047")
            raise OutsideWindow(45047)
        if payload["msgtype"] == "msgmenu" and not self.menus_allowed:
            self.refused.append("40200")
            raise MenuNotAllowed(40200)
        self.sent_since[openid] += 1
        self.custom.append(payload)

    async def send_template(
        self, openid: str, template_id: str, data: dict[str, str], url: str | None
    ) -> str:
        if openid in self.unsubscribed:
            self.refused.append("43004")
            raise SendFault(FaultKind.UNREACHABLE, "unsubscribed", detail="43004")
        self.notices.append((openid, template_id, data))
        return str(len(self.notices))

    def words_to(self, openid: str) -> list[str]:
        """Return the words of every custom message to a follower, in order."""
        return [_words(p) for p in self.custom if p["touser"] == openid]


def _words(payload: dict[str, Any]) -> str:
    if payload["msgtype"] == "msgmenu":
        return str(payload["msgmenu"]["head_content"])
    return str(payload["text"]["content"])
