"""The service account's custom menu (3 × 5 at most): its items are the channel's commands.

Its words are templates in the hospital's language; it is set when the bot starts, so it
always says what messages/ says. A click comes back as a CLICK event with the item's key.
"""

from __future__ import annotations

from typing import Any

from bot.templating import Renderer

MENU_COMMANDS = {
    "FOLLOWUP_START": "start",
    "FOLLOWUP_HELP": "help",
    "FOLLOWUP_COMPLAIN": "complain",
    "FOLLOWUP_PRAISE": "praise",
    "FOLLOWUP_STOP": "stop",
}
# (the top-level item's words, its items' keys) — one key alone is a button of its own
LAYOUT: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("follow_up", ("FOLLOWUP_START", "FOLLOWUP_HELP")),
    ("feedback", ("FOLLOWUP_COMPLAIN", "FOLLOWUP_PRAISE")),
    ("stop", ("FOLLOWUP_STOP",)),
)


def menu_definition(renderer: Renderer, locale: str) -> dict[str, Any]:
    """Return the menu as WeChat's menu/create expects it, in the hospital's language."""

    def words(name: str) -> str:
        return renderer.render(f"channels/wechat/menu_{name}", locale).strip()

    def click(key: str) -> dict[str, str]:
        return {"type": "click", "name": words(MENU_COMMANDS[key]), "key": key}

    buttons: list[dict[str, Any]] = []
    for top, keys in LAYOUT:
        if len(keys) == 1:
            buttons.append(click(keys[0]))
        else:
            buttons.append({"name": words(top), "sub_button": [click(key) for key in keys]})
    return {"button": buttons}
