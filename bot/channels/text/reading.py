"""Reading a plain-text reply back as one of the choices it was offered."""

from __future__ import annotations

import unicodedata

from bot.services.ports import Choice

TRIMMED = " \t\r\n.。,，、!！?？:：;；)）(（#＃号"


def normalized(text: str) -> str:
    """Fold full-width forms and case, and trim the punctuation people add around a number."""
    return unicodedata.normalize("NFKC", text).casefold().strip(TRIMMED)


def chosen(text: str, offered: list[Choice]) -> Choice | None:
    """Return the choice a reply names by its number or its exact label, else None."""
    reply = normalized(text)
    if reply.isdecimal() and reply.isascii():
        number = int(reply)
        return offered[number - 1] if 1 <= number <= len(offered) else None
    by_label = [choice for choice in offered if normalized(choice.label) == reply]
    return by_label[0] if len(by_label) == 1 else None
