"""Outcomes of sent rows, written to the database in small batches by one writer."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

from bot.domain.clock import Clock
from bot.storage.outbox_records import Outcome
from bot.storage.store import Store

FLUSH_EVERY_SECONDS = 1.0  # answers to a message need its row marked sent soon after
FollowUp = Callable[[], Awaitable[None]]


class OutcomeBuffer:
    """Collects outcomes and writes them together: one transaction instead of one per row.

    If the process dies before a flush, the rows keep their lease and are sent again after
    it expires: at most the in-flight batch is sent twice, nothing is lost.
    """

    def __init__(self, store: Store, clock: Clock, owner: str) -> None:
        self._store, self._clock, self._owner = store, clock, owner
        self._items: list[Outcome] = []
        self._after_flush: list[FollowUp] = []
        self._lock = asyncio.Lock()

    def add(self, outcome: Outcome, then: FollowUp | None = None) -> None:
        """Queue an outcome, and work to do once it is written."""
        self._items.append(outcome)
        if then is not None:
            self._after_flush.append(then)

    async def flush(self) -> None:
        """Write every queued outcome in one transaction, then run the queued follow-ups."""
        async with self._lock:
            items, self._items = self._items, []
            follow_ups, self._after_flush = self._after_flush, []
            if items:
                await self._store.outbox.finish_many(self._owner, items, self._clock.now())
            for follow_up in follow_ups:
                await follow_up()

    @contextlib.asynccontextmanager
    async def flushing(self) -> AsyncIterator[None]:
        """Flush every second while the block runs, and once more at its end."""

        stop = asyncio.Event()

        async def keep_flushing() -> None:
            while not stop.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), FLUSH_EVERY_SECONDS)
                await self.flush()  # never cancelled halfway through a transaction

        task = asyncio.create_task(keep_flushing())
        try:
            yield
        finally:
            stop.set()
            await task
