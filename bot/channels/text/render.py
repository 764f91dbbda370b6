"""Neutral messages as plain text: the visible words, then the choices as numbered options."""

from __future__ import annotations

from bot.channels.text.reading import is_number
from bot.domain.channel_messages import Choice, Outgoing
from bot.domain.telegram_html import HtmlRefused, visible_text
from bot.templating import Renderer

OPTIONS_TEMPLATE = "channels/numbered_options"
OPTION_TEMPLATE = "channels/numbered_option"
SCALE_TEMPLATE = "channels/scale_options"


def plain_words(html: str) -> str:
    """Return the words a reader sees in a message written in Telegram's HTML subset."""
    try:
        return visible_text(html)
    except HtmlRefused:  # a template the chat would refuse still reads as its own text here
        return html


def numbered(renderer: Renderer, locale: str, choices: list[Choice]) -> str:
    """Return "回复 1 满意、2 基本满意、3 不满意" for the choices, in their order; choices that
    are numbers themselves (a 0-10 scale) are answered with the number, others by their label."""
    scale = [int(choice.label) for choice in choices if is_number(choice.label)]
    if scale:
        others = [choice.label for choice in choices if not is_number(choice.label)]
        return renderer.render(
            SCALE_TEMPLATE, locale, low=min(scale), high=max(scale), others=others
        )
    options = [
        renderer.render(OPTION_TEMPLATE, locale, number=number, label=choice.label)
        for number, choice in enumerate(choices, start=1)
    ]
    return renderer.render(OPTIONS_TEMPLATE, locale, options=options)


def plain_message(renderer: Renderer, locale: str, message: Outgoing) -> str:
    """Render a neutral message as plain text with numbered options under it."""
    words = plain_words(message.text)
    choices = message.all_choices()
    if not choices:
        return words
    return f"{words}\n{numbered(renderer, locale, choices)}"
