"""Outcomes of sent rows, written to the database in small batches by one writer."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from sqlalchemy.exc import OperationalError

from bot.domain.clock import Clock
from bot.storage.outbox_records import Outcome
from bot.storage.store import Store

FollowUp = Callable[[], Awaitable[None]]
RETRY_SECONDS = 0.5
log = logging.getLogger(__name__)


class OutcomeBuffer:
    """Collects outcomes and writes them together: one transaction instead of one per row.

    An outcome is written as soon as the writer is free (group commit): those that arrive
    while a transaction runs go together in the next one. So a message Telegram accepted is
    recorded within one write, and a process killed at any moment has at most the messages
    of that moment unrecorded; they keep their lease and are sent again after it expires:
    a kill sends at most those twice, nothing is lost.
    """

    def __init__(self, store: Store, clock: Clock, owner: str) -> None:
        self._store, self._clock, self._owner = store, clock, owner
        self._items: list[Outcome] = []
        self._after_flush: list[FollowUp] = []
        self._lock = asyncio.Lock()
        self._waiting = asyncio.Event()

    def add(self, outcome: Outcome, then: FollowUp | None = None) -> None:
        """Queue an outcome, and work to do once it is written."""
        self._items.append(outcome)
        if then is not None:
            self._after_flush.append(then)
        self._waiting.set()

    async def flush(self) -> None:
        """Write every queued outcome in one transaction, then run the queued follow-ups."""
        async with self._lock:
            self._waiting.clear()
            items, self._items = self._items, []
            follow_ups, self._after_flush = self._after_flush, []
            if items:
                try:
                    await self._store.outbox.finish_many(self._owner, items, self._clock.now())
                except OperationalError:  # e.g. SQLite busy beyond its timeout: keep them
                    self._items[:0], self._after_flush[:0] = items, follow_ups
                    raise
            for follow_up in follow_ups:
                await follow_up()

    @contextlib.asynccontextmanager
    async def flushing(self) -> AsyncIterator[None]:
        """Write outcomes as they come while the block runs, and once more at its end."""
        stopping = False

        async def keep_flushing() -> None:
            while not stopping:
                await self._waiting.wait()
                try:
                    await self.flush()  # never cancelled halfway through a transaction
                except OperationalError as error:
                    log.warning("outcomes kept, to write again: %s", type(error).__name__)
                    await asyncio.sleep(RETRY_SECONDS)
                    self._waiting.set()

        task = asyncio.create_task(keep_flushing())
        try:
            yield
        finally:
            stopping = True
            self._waiting.set()
            await task
            await self.flush()
