"""The fake WeChat API on its own event loop in a thread, for CLI commands (which run their
own loop) to call over loopback HTTP."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from bot.demo.fake_wechat import FakeWeChat
from bot.domain.clock import SystemClock


@contextmanager
def fake_wechat_in_thread() -> Iterator[FakeWeChat]:
    """Serve a fake WeChat API until the block ends."""
    loop = asyncio.new_event_loop()
    fake = FakeWeChat(SystemClock())
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(fake.start(), loop).result(timeout=10)
    try:
        yield fake
    finally:
        asyncio.run_coroutine_threadsafe(fake.stop(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
