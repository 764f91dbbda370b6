"""The one renderer of user-facing text: Jinja2 templates under messages/<locale>/."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, Template, select_autoescape
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from bot.domain.languages import DEFAULT_LOCALE as DEFAULT_LOCALE  # re-exported
from bot.domain.languages import LOCALES as LOCALES

MESSAGES_DIR = Path(__file__).resolve().parent.parent / "messages"
TEMPLATE_SUFFIXES = (".html", ".txt")
LABELS = "labels"  # messages/<locale>/labels/<group>.txt: code=word, one group per kind of code
OTHER_WORD = "other"  # the word for a code its group does not list


MAX_EXPONENT = 64  # 2**64 is plenty for a message; 9**9**9 would take the bot down
MAX_REPEAT = 5000  # "x" * n: more than a Telegram message holds


def parse_words(text: str) -> dict[str, str]:
    """Parse a template of `key=value` lines (blank lines and `#` comments skipped)."""
    pairs = (line.split("=", 1) for line in text.splitlines() if "=" in line)
    return {key.strip(): value.strip() for key, value in pairs if not key.startswith("#")}


class BoundedSandbox(SandboxedEnvironment):
    """The sandbox, with ** and * on sequences bounded, also when Jinja would fold them at
    compile time: an edited template cannot make the bot compute for hours or fill memory."""

    intercepted_binops = frozenset({"**", "*"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int | float) and abs(right) > MAX_EXPONENT:
            raise SecurityError(f"exponent {right} is larger than {MAX_EXPONENT}")
        if operator == "*" and _repeats_too_much(left, right):
            raise SecurityError(f"repeating a text or list more than {MAX_REPEAT} times")
        return super().call_binop(context, operator, left, right)


def _repeats_too_much(left: Any, right: Any) -> bool:
    for sequence, count in ((left, right), (right, left)):
        if isinstance(sequence, str | list | tuple) and isinstance(count, int):
            return count * max(1, len(sequence)) > MAX_REPEAT
    return False


class Renderer:
    """Renders `area/name` templates: `.html` is Telegram HTML (escaped), `.txt` plain text."""

    def __init__(self, messages_dir: Path = MESSAGES_DIR) -> None:
        self.messages_dir = messages_dir
        self._envs = {locale: self._environment(messages_dir / locale) for locale in LOCALES}
        self._overrides: dict[tuple[str, str], Template] = {}
        for locale, env in self._envs.items():
            env.filters["label"] = functools.partial(self._label_filter, locale)

    @staticmethod
    def _environment(folder: Path) -> SandboxedEnvironment:
        return BoundedSandbox(
            loader=FileSystemLoader(folder),
            autoescape=select_autoescape(enabled_extensions=("html",), default=False),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            auto_reload=False,
        )

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one renderer lives as long as the app
    def template_name(self, key: str, locale: str) -> str:
        """Return the file name behind a key such as `enrol/consent` in a locale."""
        for suffix in TEMPLATE_SUFFIXES:
            if (self.messages_dir / locale / f"{key}{suffix}").is_file():
                return f"{key}{suffix}"
        raise KeyError(f"no template {key!r} in messages/{locale}/")

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one renderer lives as long as the app
    def for_channel(self, key: str, channel: str, locale: str) -> str:
        """Return the key to render on a channel: `channels/<channel>/<key>` where that
        channel has its own wording (plain text says "reply with the number" where Telegram
        says "tap the buttons"), else the key itself."""
        variant = f"channels/{channel}/{key}"
        try:
            self.template_name(variant, locale if locale in self._envs else DEFAULT_LOCALE)
        except KeyError:
            return key
        return variant

    def render(self, key: str, locale: str = DEFAULT_LOCALE, /, **variables: Any) -> str:
        """Render the template `key` in `locale` (an edited version first) with variables."""
        if locale not in self._envs:
            locale = DEFAULT_LOCALE
        template = self._overrides.get((locale, key)) or self._envs[locale].get_template(
            self.template_name(key, locale)
        )
        return template.render(**variables).strip()

    @functools.lru_cache(maxsize=256)  # noqa: B019 - one renderer lives as long as the app
    def words(self, group: str, locale: str) -> dict[str, str]:
        """Return the words of a labels group (`labels/<group>.txt`: code=word) in a locale."""
        if locale not in self._envs:
            locale = DEFAULT_LOCALE
        path = self.messages_dir / locale / LABELS / f"{group}.txt"
        return parse_words(path.read_text(encoding="utf-8"))

    def label(self, group: str, code: object, locale: str = DEFAULT_LOCALE) -> str:
        """Return a code in words (labels/<group>); a code the group lacks reads as its
        `other` word, never as the code itself. None and "" stay empty."""
        if code is None or code == "":
            return ""
        words = self.words(group, locale)
        return words.get(str(code)) or words[OTHER_WORD]

    def _label_filter(self, locale: str, code: object, group: str) -> str:
        return self.label(group, code, locale)

    def environment(self, locale: str) -> SandboxedEnvironment:
        """Return the sandboxed environment of a locale."""
        return self._envs[locale]

    def is_html(self, key: str, locale: str) -> bool:
        """Say whether a template is Telegram HTML (escaped) rather than plain text."""
        return self.template_name(key, locale).endswith(".html")

    def shipped_source(self, key: str, locale: str) -> str:
        """Return the template's text as shipped under messages/."""
        return (self.messages_dir / locale / self.template_name(key, locale)).read_text(
            encoding="utf-8"
        )

    def compile(self, key: str, locale: str, source: str) -> Template:
        """Compile an edited source the way its file would be (HTML templates autoescaped)."""
        if self.is_html(key, locale):  # from_string has no file name to choose escaping by
            source = "{% autoescape true %}" + source + "{% endautoescape %}"
        return self._envs[locale].from_string(source)

    def override(self, key: str, locale: str, source: str) -> None:
        """Use an edited source instead of the shipped file from now on."""
        self._overrides[(locale, key)] = self.compile(key, locale, source)

    def keys(self, locale: str) -> list[str]:
        """List every template key present in a locale."""
        root = self.messages_dir / locale
        found = (
            p.relative_to(root).with_suffix("").as_posix()
            for p in root.rglob("*")
            if p.suffix in TEMPLATE_SUFFIXES
        )
        return sorted(found)
