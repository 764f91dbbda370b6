"""Updates of different chats run side by side; one chat's updates keep their order."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import Chat, Message, Update

from bot.channels.telegram.update_order import ChatOrderedUpdates


def message_in(chat_id: int, update_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, datetime.now(UTC), chat, text="1"))


async def test_a_slow_chat_holds_up_only_its_own_later_updates() -> None:
    processor = ChatOrderedUpdates(running=4)
    done: list[str] = []
    slow_io = asyncio.Event()  # the first patient's update waits on the database, say

    async def handle(name: str, wait: asyncio.Event | None = None) -> None:
        if wait is not None:
            await wait.wait()
        done.append(name)

    first = asyncio.create_task(
        processor.process_update(message_in(1, 1), handle("chat 1, first", slow_io))
    )
    second = asyncio.create_task(
        processor.process_update(message_in(1, 2), handle("chat 1, second"))
    )
    await processor.process_update(message_in(2, 3), handle("chat 2"))
    assert done == ["chat 2"]  # not behind chat 1's slow update
    slow_io.set()
    await asyncio.gather(first, second)
    assert done == ["chat 2", "chat 1, first", "chat 1, second"]  # chat 1 in its own order


async def test_no_more_updates_run_at_once_than_allowed() -> None:
    processor = ChatOrderedUpdates(running=2)
    running, most = 0, 0
    release = asyncio.Event()

    async def handle() -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await release.wait()
        running -= 1

    tasks = [
        asyncio.create_task(processor.process_update(message_in(chat, chat), handle()))
        for chat in range(1, 6)
    ]
    for _ in range(5):  # let every task take its turn
        await asyncio.sleep(0)
    assert running == 2
    release.set()
    await asyncio.gather(*tasks)
    assert most == 2
