"""What a pressed answer costs the database: a fixed number of statements and transactions,
so that reads added on the way cannot creep back unnoticed (benchmarks.interactive_latency
measures the time it takes)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.demo.harness import BotHarness
from tests.test_survey_flow import CHAT, HAPPY_PATH, answer, start_checkin

# a press: the session and its answers (one query); the answer, its tally and the step in
# one unit of work; the next question's delivery recorded
PRESS = (6, 3)  # statements, transactions
# the first answer also marks the step answered and counts it (status, step tally,
# the stay reached, the stay reached on its channel and that channel's tally)
FIRST_PRESS = (11, 3)


@dataclass
class Tally:
    statements: int = 0
    transactions: int = 0


@contextmanager
def counted(engine: AsyncEngine) -> Iterator[Tally]:
    """Count the statements and transactions run on the engine inside the block (SQLite's
    BEGIN, sent as a statement, counts as the transaction it starts)."""
    tally, sync = Tally(), engine.sync_engine

    def on_statement(*args: Any) -> None:
        statement: str = args[2]
        tally.statements += not statement.startswith("BEGIN")

    def on_begin(*_: Any) -> None:
        tally.transactions += 1

    event.listen(sync, "before_cursor_execute", on_statement)
    event.listen(sync, "begin", on_begin)
    try:
        yield tally
    finally:
        event.remove(sync, "before_cursor_execute", on_statement)
        event.remove(sync, "begin", on_begin)


async def press(harness: BotHarness, question: str, value: str) -> tuple[int, int]:
    """Press an answer; return the statements and transactions it took."""
    with counted(harness.services.store.engine) as tally:
        await answer(harness, question, value)
    return tally.statements, tally.transactions


async def test_a_press_takes_a_fixed_few_statements(harness: BotHarness) -> None:
    await start_checkin(harness)
    (first, first_value), *rest = HAPPY_PATH
    assert await press(harness, first, first_value) == FIRST_PRESS
    for question, value in rest:
        asked = len(harness.telegram.sent(CHAT))
        assert await press(harness, question, value) == PRESS
        assert len(harness.telegram.sent(CHAT)) == asked + 1  # the next, or thanks
    assert "非常感谢您的支持与配合" in harness.telegram.last_text(CHAT)
