"""Updates of different chats handled side by side; one chat's updates one after another.

python-telegram-bot handles one update at a time unless told otherwise, so one patient's
press waits for every update fetched before it, and for their I/O (the database, the Bot
API, a staff group's rate limit). `ChatOrderedUpdates` lets updates of different chats run
concurrently while each chat's updates still run in the order Telegram sent them (a
patient's presses stay in order; the staff group's messages too). At most `running` updates
run at once, so the database's connection pool is never asked for more than it holds; a chat
waiting for its own earlier update takes none of those places.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

RUNNING = 8  # updates handled at once: well inside the database pool (5 + 10 overflow)
WAITING = 4096  # updates fetched and waiting for their chat's turn or a place to run
# Updates fetched and not handled yet before the updater waits (two of Telegram's pages)
FETCHED_AHEAD = 200


class ChatOrderedUpdates(BaseUpdateProcessor):
    """Run updates of different chats concurrently and each chat's updates in order."""

    def __init__(self, running: int = RUNNING, waiting: int = WAITING) -> None:
        super().__init__(max_concurrent_updates=waiting)
        self._running = asyncio.BoundedSemaphore(running)
        self._chats: dict[int, asyncio.Lock] = {}
        self._holders: dict[int, int] = {}  # updates holding or awaiting each chat's lock

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the chat's earlier updates, then for a place to run, then run."""
        chat = chat_of(update)
        if chat is None:
            async with self._running:
                await coroutine
            return
        lock = self._chats.setdefault(chat, asyncio.Lock())
        self._holders[chat] = self._holders.get(chat, 0) + 1
        try:
            async with lock, self._running:
                await coroutine
        finally:
            self._holders[chat] -= 1
            if not self._holders[chat]:  # no memory kept per chat once it is quiet
                del self._holders[chat], self._chats[chat]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


def chat_of(update: object) -> int | None:
    """Return the chat an update belongs to (else its user), or None."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None


class FetchedUpdates(asyncio.Queue[object]):
    """The queue from the updater to the application, taking a page of updates only while
    fewer than `ahead` fetched ones are still to be handled.

    Unbounded, a burst of presses was all fetched at once: kept in memory, and every one of
    them handled before a stop could end. Here the updater waits before putting a page, and
    what it has not fetched stays with Telegram until the bot is ready for it (or started
    again). A page is put whole or not at all: only its first update waits, so a stop that
    cancels the wait leaves no update both handled and fetched again.
    """

    def __init__(self, ahead: int = FETCHED_AHEAD) -> None:
        super().__init__()
        self._ahead = ahead
        self._unhandled = 0
        self._room = asyncio.Event()
        self._in_page = False

    async def put(self, item: object) -> None:
        """Put an update, its page's first one once there is room."""
        if isinstance(item, Update) and not self._in_page:
            while self._unhandled >= self._ahead:
                self._room.clear()
                await self._room.wait()
            self._in_page = True  # the rest of the page follows without waiting
            asyncio.get_running_loop().call_soon(self._page_done)
        self.put_nowait(item)

    def put_nowait(self, item: object) -> None:
        """Put an item, counting it until it is handled."""
        super().put_nowait(item)
        self._unhandled += 1

    def task_done(self) -> None:
        """Count an item as handled, making room for the next page."""
        super().task_done()
        self._unhandled -= 1
        if self._unhandled < self._ahead:
            self._room.set()

    def _page_done(self) -> None:
        self._in_page = False
