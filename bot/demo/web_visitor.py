"""A phone's browser for the demo: opens a page over HTTP, taps its buttons and fills its
forms (with the _xsrf field and cookie, no JavaScript), and reads what the page shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import httpx

from bot.demo.patient_side import DemoError

TIMEOUT = 30.0
BLOCKS = ("h1", "h2", "p", "div", "label")  # the elements whose words a person reads


@dataclass
class Page:
    """What a page shows: its url, its words block by block, its messages and buttons."""

    url: str
    blocks: list[str] = field(default_factory=list)
    older: list[str] = field(default_factory=list)  # earlier messages, oldest first
    latest: list[str] = field(default_factory=list)  # the newest message (none: empty)
    choices: dict[str, str] = field(default_factory=dict)  # a button's label: its value
    fields: dict[str, str] = field(default_factory=dict)  # hidden inputs: _xsrf, feed

    @property
    def messages(self) -> list[str]:
        """Return the conversation the page shows, oldest first, wherever each is placed."""
        return [*self.older, *self.latest]

    @property
    def is_conversation(self) -> bool:
        """Say whether this is the conversation page (it has a box to write in)."""
        return "textarea" in self.fields


class _Reader(HTMLParser):
    """Collects a page's words, messages, choice buttons and form fields."""

    def __init__(self, page: Page) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.open: list[str] = []
        self.words: list[str] = []
        self.button: str | None = None
        self.in_main = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "main":
            self.in_main = True
        elif tag == "input" and found.get("type") == "hidden":
            self.page.fields[found.get("name", "")] = found.get("value", "")
        elif tag == "textarea":
            self.page.fields["textarea"] = found.get("name", "")
        elif tag == "button" and found.get("name") == "choice":
            self.button = found.get("value", "")
        elif tag in BLOCKS and self.in_main:
            message = "msg" in found.get("class", "").split()
            latest = message and found.get("id") == "latest"
            self.open.append("latest" if latest else "msg" if message else tag)
            self.words = []

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCKS and self.open and self.in_main:
            kind, text = self.open.pop(), _lines("".join(self.words))
            if kind in ("msg", "latest"):
                (self.page.latest if kind == "latest" else self.page.older).append(text)
            if text:
                self.page.blocks.append(text)
            self.words = []
        elif tag == "main":
            self.in_main = False

    def handle_data(self, data: str) -> None:
        if self.button is not None:
            self.page.choices[data.strip()] = self.button
            self.button = None
        elif self.open:
            self.words.append(data)


def _lines(text: str) -> str:
    """Return the words as a person reads them: lines kept, spaces tidied."""
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def read_page(url: str, html: str) -> Page:
    """Return what a page's HTML shows."""
    page = Page(url)
    _Reader(page).feed(html)
    return page


class WebVisitor:
    """One phone's browser: keeps its cookies, follows redirects, never runs scripts."""

    def __init__(self) -> None:
        self.client = httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=True)

    async def open(self, url: str) -> Page:
        """Load a page."""
        return await self._shown(await self.client.get(url))

    async def tap(self, page: Page, label: str) -> Page:
        """Tap the choice button with this label; return the page shown after."""
        if label not in page.choices:
            raise DemoError(f"the page offers no {label!r} among {list(page.choices)}")
        form = {**self._hidden(page), "choice": page.choices[label]}
        return await self._shown(await self.client.post(page.url, data=form))

    async def fill(self, page: Page, name: str, text: str) -> Page:
        """Write text into the field `name` and send the form; return the page shown after."""
        form = {"_xsrf": page.fields.get("_xsrf", ""), name: text}
        return await self._shown(await self.client.post(page.url, data=form))

    async def close(self) -> None:
        """Close the browser."""
        await self.client.aclose()

    @staticmethod
    def _hidden(page: Page) -> dict[str, str]:
        return {name: value for name, value in page.fields.items() if name != "textarea"}

    @staticmethod
    async def _shown(response: httpx.Response) -> Page:
        if response.status_code != 200:
            raise DemoError(f"the page answered HTTP {response.status_code}")
        return read_page(str(response.url).split("?")[0], response.text)
