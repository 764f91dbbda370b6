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
