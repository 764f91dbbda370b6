"""Updates are fetched from Telegram only while few fetched ones wait to be handled, a page at
a time: a burst of presses waits with Telegram, not in the bot's memory nor in front of a
stop."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.channels.telegram.update_order import FetchedUpdates


async def put_page(queue: FetchedUpdates, first: int, size: int) -> None:
    """Put a page of updates as python-telegram-bot's updater does, one after another."""
    for update_id in range(first, first + size):
        await queue.put(Update(update_id))


async def yielded() -> None:
    for _ in range(5):  # let the other tasks run (no time passes)
        await asyncio.sleep(0)


async def test_a_page_waits_while_enough_fetched_updates_are_unhandled() -> None:
    queue = FetchedUpdates(ahead=3)
    await put_page(queue, 1, 3)
    second = asyncio.create_task(put_page(queue, 4, 2))
    await yielded()
    assert queue.qsize() == 3 and not second.done()  # still with Telegram
    queue.get_nowait()
    queue.task_done()  # one handled: room again
    await yielded()
    assert second.done() and queue.qsize() == 4


async def test_a_page_is_put_whole_even_past_the_limit() -> None:
    queue = FetchedUpdates(ahead=2)
    await put_page(queue, 1, 5)  # one page of Telegram's (up to 100)
    assert queue.qsize() == 5


async def test_a_stop_cancelling_the_wait_leaves_the_whole_page_with_telegram() -> None:
    queue = FetchedUpdates(ahead=1)
    await put_page(queue, 1, 1)
    waiting = asyncio.create_task(put_page(queue, 2, 3))
    await yielded()
    waiting.cancel()  # the updater stops
    await yielded()
    assert [queue.get_nowait().update_id for _ in range(queue.qsize())] == [1]  # type: ignore[attr-defined]
