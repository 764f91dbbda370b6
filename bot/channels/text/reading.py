"""Reading a plain-text reply back as one of the choices it was offered."""

from __future__ import annotations

import unicodedata

from bot.domain.channel_messages import Choice

TRIMMED = " \t\r\n.。,，、!！?？:：;；)）(（#＃号“”\"'‘’"


def normalized(text: str) -> str:
    """Fold full-width forms and case, and trim the punctuation people add around a number."""
    return unicodedata.normalize("NFKC", text).casefold().strip(TRIMMED)


def is_number(label: str) -> bool:
    """Say whether a choice's label is a number (then the number itself answers it)."""
    folded = normalized(label)
    return folded.isdecimal() and folded.isascii()


def chosen(text: str, offered: list[Choice]) -> Choice | None:
    """Return the choice a reply names by its exact label, or by its position when no
    choice is a number itself; else None."""
    reply = normalized(text)
    by_label = [choice for choice in offered if normalized(choice.label) == reply]
    if len(by_label) == 1:
        return by_label[0]
    if not is_number(reply) or any(is_number(choice.label) for choice in offered):
        return None
    position = int(reply)
    return offered[position - 1] if 1 <= position <= len(offered) else None
