"""Neutral messages as WeChat customer-service payloads: text, and choices as a `msgmenu`.

Choices become a menu (clickable options that come back as a text message carrying
`bizmsgmenuid` = the choice's id) when there are at most MENU_LIMIT and none is a number
itself; a 0-10 scale, more options, or an account that may not send menus get numbered
options in the text, as on the plain-text channel. Texts longer than TEXT_LIMIT bytes are
split at line ends into several messages (each counts against the window's quota). Media is
not supported on WeChat yet: the words go (none: no payload).
"""

from __future__ import annotations

from typing import Any

from bot.channels.text.reading import is_number
from bot.channels.text.render import numbered, plain_words
from bot.domain.channel_messages import Choice, Outgoing
from bot.templating import Renderer

TEXT_LIMIT = 2048  # bytes of a text message (and of a menu's words and options together)
MENU_LIMIT = 10  # options in one msgmenu
MENU_TAIL_TEMPLATE = "channels/wechat/menu_tail"

Payload = dict[str, Any]


def byte_size(text: str) -> int:
    """Return the UTF-8 size of a text, as WeChat counts it."""
    return len(text.encode("utf-8"))


def split_text(text: str, budget: int = TEXT_LIMIT) -> list[str]:
    """Split a text into pieces of at most `budget` bytes, at line ends where possible."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        joined = f"{current}\n{line}" if current else line
        if byte_size(joined) <= budget:
            current = joined
            continue
        if current:
            pieces.append(current)
        *whole, current = _cut(line, budget)
        pieces.extend(whole)
    pieces.append(current)
    return pieces


def _cut(line: str, budget: int) -> list[str]:
    """Cut one line into pieces of at most `budget` bytes, between characters."""
    pieces, current = [], ""
    for char in line:
        if byte_size(current + char) > budget:
            pieces.append(current)
            current = ""
        current += char
    return [*pieces, current]


def shows_menu(choices: list[Choice]) -> bool:
    """Say whether the choices can be a msgmenu (few, and none answered by its number)."""
    return 0 < len(choices) <= MENU_LIMIT and not any(is_number(c.label) for c in choices)


def text_payload(openid: str, content: str) -> Payload:
    """Return a text message's payload."""
    return {"touser": openid, "msgtype": "text", "text": {"content": content}}


def menu_payload(openid: str, head: str, choices: list[Choice], tail: str) -> Payload:
    """Return a msgmenu's payload: the words, the options, a line under them."""
    options = [{"id": choice.id, "content": choice.label} for choice in choices]
    menu = {"head_content": head, "list": options, "tail_content": tail}
    return {"touser": openid, "msgtype": "msgmenu", "msgmenu": menu}


def render_payloads(
    renderer: Renderer, locale: str, openid: str, message: Outgoing, menus: bool = True
) -> list[Payload]:
    """Return the customer-service payloads for a message, in the order they are sent."""
    return render_words(renderer, locale, openid, plain_words(message.text), message, menus)


def render_words(
    renderer: Renderer, locale: str, openid: str, words: str, message: Outgoing, menus: bool
) -> list[Payload]:
    """Return the payloads for plain words with the message's choices under them."""
    choices = message.all_choices()
    if not words.strip() and not choices:
        return []  # nothing WeChat would accept as text
    if menus and shows_menu(choices):
        return _with_menu(renderer, locale, openid, words, choices)
    if choices:
        words = f"{words}\n{numbered(renderer, locale, choices)}"
    return [text_payload(openid, piece) for piece in split_text(words)]


def _with_menu(
    renderer: Renderer, locale: str, openid: str, words: str, choices: list[Choice]
) -> list[Payload]:
    tail = renderer.render(MENU_TAIL_TEMPLATE, locale)
    options = sum(byte_size(choice.label) for choice in choices) + byte_size(tail)
    *before, last = split_text(words)
    *more, head = split_text(last, max(TEXT_LIMIT - options, 1))
    texts = [text_payload(openid, piece) for piece in [*before, *more]]
    return [*texts, menu_payload(openid, head, choices, tail)]
