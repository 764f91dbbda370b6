"""The pages' HTML: layouts in messages/web/, every word from messages/<locale>/web/."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from bot.templating import MESSAGES_DIR, Renderer

LAYOUTS_DIR = MESSAGES_DIR / "web"
STYLE_FILE = LAYOUTS_DIR / "page.css"
HTML_LANG = {"zh_CN": "zh-CN", "en": "en"}


class PageLayout:
    """Renders a page layout in a locale; its one stylesheet is inline, allowed by its hash."""

    def __init__(self, renderer: Renderer, hospital: str, folder: Path = LAYOUTS_DIR) -> None:
        self.renderer, self.hospital = renderer, hospital
        self.environment = SandboxedEnvironment(
            loader=FileSystemLoader(folder),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.css = (folder / STYLE_FILE.name).read_text(encoding="utf-8").strip()
        digest = hashlib.sha256(self.css.encode("utf-8")).digest()
        self.style_source = f"'sha256-{base64.b64encode(digest).decode('ascii')}'"

    def words(self, locale: str, key: str, /, **variables: Any) -> str:
        """Return one of the pages' words (messages/<locale>/web/<key>)."""
        return self.renderer.render(f"web/{key}", locale, **variables)

    def render(self, name: str, locale: str, /, **variables: Any) -> str:
        """Render a layout (messages/web/<name>.html) with the locale's words."""

        def t(key: str, **more: Any) -> str:
            return self.words(locale, key, **more)

        template = self.environment.get_template(f"{name}.html")
        return template.render(
            t=t,
            lang=HTML_LANG.get(locale, locale),
            css=Markup(self.css),  # our own file, not a person's words
            hospital=self.hospital,
            **variables,
        )
