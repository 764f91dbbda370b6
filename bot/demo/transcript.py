"""Readable lines of who said what to whom, grouped per person, with the simulated time."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.demo.fake_telegram import Call, keyboard
from bot.templating import Renderer, parse_words

TAG = re.compile(r"<[^>]+>")
SHOWN_LINES = 3  # of a bot message, in the printed transcript (the file has them all)
SHOWN_CHARS = 70
INDENT = " " * 14


def plain(text: str) -> str:
    """Return Telegram HTML as plain text: tags stripped, entities decoded."""
    return html.unescape(TAG.sub("", text))


@dataclass(frozen=True)
class Person:
    """Someone in the story: their chat (= Telegram user id), how lines name them, their section."""

    section: str
    chat_id: int
    speaker: str  # "患者 王**", "staff 李护士": who is talking
    listener: str  # "患者", "家属": whom the bot is talking to


@dataclass(frozen=True)
class Entry:
    stamp: str
    speaker: str | None  # None for the story's own notes
    listener: str
    lines: list[str]
    buttons: str = ""


@dataclass
class Section:
    heading: str
    full: bool = False
    entries: list[Entry] = field(default_factory=list)


class Transcript:
    """Collects lines per section and prints them, short (console) or complete (file)."""

    def __init__(self, renderer: Renderer, locale: str, zone: ZoneInfo) -> None:
        self.renderer, self.locale, self.zone = renderer, locale, zone
        self.words = parse_words(self.text("cli/demo/words"))
        self.stories = parse_words(self.text("cli/demo/stories"))
        self.script = parse_words(self.text("cli/demo/script"))  # what the simulated people type
        self.preface = ""
        self.sections: dict[str, Section] = {}
        self.topics: dict[int, str] = {}  # topic (thread) id: its name
        self.message_topics: dict[int, int] = {}  # message id: the topic it was posted in

    def text(self, key: str, **variables: object) -> str:
        """Render one of the demo's own texts in its locale."""
        return self.renderer.render(key, self.locale, **variables)

    def open(self, key: str, heading: str, full: bool = False) -> None:
        """Start a section (printed in the order opened)."""
        self.sections.setdefault(key, Section(heading, full))

    def add(
        self,
        section: str,
        when: datetime,
        speaker: str | None,
        listener: str,
        text: str,
        buttons: str = "",
    ) -> None:
        """Add `[time] speaker → listener: text`, the buttons under it (no speaker: a note)."""
        stamp = f"{when.astimezone(self.zone):%m-%d %H:%M}"
        lines = _tidy(text) or [""]
        self.sections[section].entries.append(Entry(stamp, speaker, listener, lines, buttons))

    def render(self, complete: bool = False) -> str:
        """Return every non-empty section; long bot messages shortened unless complete."""
        blocks = [self.preface] if self.preface else []
        for section in self.sections.values():
            if section.entries:
                lines = [section.heading]
                for entry in section.entries:
                    lines.extend(self._entry_lines(entry, complete or section.full))
                blocks.append("\n".join(lines))
        return "\n\n".join(blocks) + "\n"

    def _entry_lines(self, entry: Entry, complete: bool) -> list[str]:
        said_by_bot = entry.speaker in (self.words["bot"], self.words["page"])  # people's words
        # are shown in full
        shown = _shortened(entry.lines) if said_by_bot and not complete else entry.lines
        if entry.speaker is None:
            first = f"[{entry.stamp}] {shown[0]}"
        else:
            first = self.text(
                "cli/demo/line",
                when=entry.stamp,
                speaker=entry.speaker,
                listener=entry.listener,
                text=shown[0],
            )
        more = [*shown[1:], entry.buttons] if entry.buttons else shown[1:]
        return [first, *(INDENT + line for line in more)]

    def describe(self, call: Call) -> tuple[str, str] | None:
        """Return the text and buttons a Bot API call showed (None for calls nobody sees)."""
        params, words = call.params, self.words
        if call.method == "createForumTopic" and isinstance(call.result, dict):
            self.topics[int(call.result["message_thread_id"])] = str(params["name"])
            return f"{words['topic_created']} «{params['name']}»", ""
        if call.method == "answerCallbackQuery":
            return (f"{words['toast']} {params['text']}", "") if params.get("text") else None
        body = plain(str(params.get("text") or params.get("caption") or _album_caption(params)))
        buttons = " ".join(f"[{label}]" for label, _data in keyboard(params.get("reply_markup")))
        if call.method in (
            "editMessageText",
            "editMessageReplyMarkup",
        ):  # a card brought up to date
            return (f"{words['edited']} {body.splitlines()[0]}", buttons) if body else None
        if call.method == "sendDocument":
            body = f"[{words['file']}] {body}"
        elif call.method in ("sendPhoto", "sendMediaGroup"):
            body = f"[{words['image']} ×{max(1, len(call.files))}] {body}"
        elif call.method != "sendMessage":
            return None
        return body, buttons

    def topic_of(self, call: Call) -> int | None:
        """Return the topic a message was posted in (for an edit: the edited message's)."""
        thread = call.params.get("message_thread_id")
        if thread is not None:
            if isinstance(call.result, dict) and "message_id" in call.result:
                self.message_topics[int(call.result["message_id"])] = int(thread)
            return int(thread)
        return self.message_topics.get(int(call.params.get("message_id", 0)))

    def where(self, topic: int | None) -> str:
        """Return how the staff group is named in a line, with the topic when there is one."""
        name = self.topics.get(topic) if topic is not None else None
        return f"{self.words['staff_group']} «{name}»" if name else self.words["staff_group"]


def _album_caption(params: dict[str, object]) -> str:
    media = params.get("media")
    items = json.loads(media) if isinstance(media, str) else media
    if isinstance(items, list) and items and isinstance(items[0], dict):
        return str(items[0].get("caption", ""))
    return ""


def _tidy(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _shortened(lines: list[str]) -> list[str]:
    """Keep the first lines of a long message, each cut to a readable width."""
    cut = [line if len(line) <= SHOWN_CHARS else line[: SHOWN_CHARS - 1] + "…" for line in lines]
    if len(cut) <= SHOWN_LINES:
        return cut
    return [*cut[: SHOWN_LINES - 1], "…"]
