"""Two transactions counting under the same new tally key at once both count (PostgreSQL
does not queue the second's insert behind a row the first has not committed yet)."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.demo.harness import BotHarness
from bot.storage.schema import answer_tallies, episodes
from bot.storage.tallies import count_answer, stay_key
from tests.harness import record, seed


async def test_two_answers_counted_side_by_side_under_a_new_key_are_both_counted(
    harness: BotHarness,
) -> None:
    await seed(harness.settings, record())
    engine = harness.services.store.engine
    async with engine.connect() as conn:
        found = await conn.execute(select(episodes.c.discharged_at, episodes.c.department_id))
        stay = stay_key(*found.one())

    async def count_alone() -> None:
        async with engine.begin() as conn:
            await count_answer(conn, stay, "good_time", "yes")

    async with engine.begin() as first:
        await count_answer(first, stay, "good_time", "yes")  # the key's row, not committed
        second = asyncio.create_task(count_alone())
        await asyncio.sleep(0.3)  # the second reaches the key's row and waits for this one
    await second
    async with engine.connect() as conn:
        counts = (await conn.execute(select(answer_tallies.c.count))).scalars().all()
    assert counts == [2]
