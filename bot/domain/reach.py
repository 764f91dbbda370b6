"""The way of follow-up a discharge list names for a stay (回访方式), and its words."""

from __future__ import annotations

from enum import StrEnum


class PreferredChannel(StrEnum):
    """The way of follow-up a discharge list names for a stay (回访方式)."""

    WECHAT = "wechat"
    TELEGRAM = "telegram"
    SMS = "sms"
    PHONE = "phone"  # a nurse calls: nothing is sent by SMS


# Words a list may write, compared after NFKC and case-folding; the first is shown to users.
PREFERRED_CHANNEL_WORDS: dict[PreferredChannel, tuple[str, ...]] = {
    PreferredChannel.WECHAT: ("微信", "WeChat", "Weixin"),
    PreferredChannel.TELEGRAM: ("Telegram", "电报"),
    PreferredChannel.SMS: ("短信", "SMS", "text", "短消息"),
    PreferredChannel.PHONE: ("电话", "phone", "call", "电话回访"),
}
_BY_WORD = {
    word.casefold(): channel for channel, words in PREFERRED_CHANNEL_WORDS.items() for word in words
}


def listed_preferred_channel(text: str) -> PreferredChannel | None:
    """Return the preferred channel a cell's (normalised) text names, or None if none."""
    return _BY_WORD.get(text.casefold().replace(" ", ""))


def allowed_words() -> str:
    """Return the words a list may write, as shown in an import error."""
    return " / ".join(words[0] for words in PREFERRED_CHANNEL_WORDS.values())
