"""On SQLite the writers of one process take turns in order, on an asyncio lock: a writer
waiting behind a long one waits as long as it takes instead of failing when SQLite's busy
timeout runs out ("database is locked"), and writers go in the order they came."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.storage import database, migrate
from bot.storage.store import Store

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


async def sqlite_store(tmp_path: Path) -> Store:
    store = Store.open(f"sqlite+aiosqlite:///{tmp_path / 'turns.db'}")
    await migrate.upgrade(store.engine)
    return store


async def test_a_writer_waits_behind_a_long_one_past_the_busy_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "SQLITE_BUSY_TIMEOUT_MS", 100)  # SQLite gives up after 0.1 s
    store = await sqlite_store(tmp_path)
    try:
        async with store.writes.begin():  # a long writer: holds the turn for 0.5 s
            waiting = asyncio.create_task(store.cache.put("key", "value", NOW))
            await asyncio.sleep(0.5)
            assert not waiting.done()
        await waiting  # it wrote once the long one was done: no "database is locked"
        assert await store.cache.get("key") == "value"
    finally:
        await store.close()


async def test_writers_take_their_turns_in_the_order_they_came(tmp_path: Path) -> None:
    store = await sqlite_store(tmp_path)
    order: list[int] = []

    async def write(n: int) -> None:
        async with store.writes.begin():
            await asyncio.sleep(0)  # another writer could cut in here, were it not its turn
            order.append(n)

    try:
        async with store.writes.begin():  # all of them queue behind this one
            writers = [asyncio.create_task(write(n)) for n in range(20)]
            await asyncio.sleep(0.05)
        await asyncio.gather(*writers)
    finally:
        await store.close()
    assert order == list(range(20))
