"""The staff lane: what a patient's action tells staff is sent after the patient's reply.

Telegram lets a bot post 20 messages a minute to a group, so a burst of new cases or alerts
makes every post to the staff group wait its turn. A patient's handler must not wait with
it: it hands the staff part to the lane (`defer`) and answers the patient at once. One task
runs the lane's jobs one after another, in the order they were handed in, so staff see the
posts in order, paced by whatever paces the group (the send path's pacer, the flood limiter).

What a job posts is recorded before it is deferred: a case is stored with its unit of work,
and the case sweep posts any case still unposted that is not waiting in this lane (after a
crash, say, or a post that failed); on a clean stop the lane is drained, for a bounded time,
before the store closes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)
Job = Callable[[], Awaitable[object]]


class StaffLane:
    """Runs deferred staff posts one at a time, in order, beside the patients' handlers."""

    def __init__(self) -> None:
        self._jobs: asyncio.Queue[tuple[Job, int | None]] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None
        self._cases: dict[int, int] = {}  # case id -> its posts waiting in the lane

    def defer(self, job: Job, *, case_id: int | None = None) -> None:
        """Queue a job (posting case `case_id`); it runs after every job queued before it."""
        self._jobs.put_nowait((job, case_id))
        if case_id is not None:
            self._cases[case_id] = self._cases.get(case_id, 0) + 1
        if self._worker is None or self._worker.done():
            self._worker = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        while True:
            job, case_id = await self._jobs.get()
            try:
                await job()
            except Exception as error:  # one failed post must not stop the ones after it
                log.warning("staff post failed: %s", type(error).__name__)
            finally:
                if case_id is not None:
                    self._cases[case_id] -= 1
                    if not self._cases[case_id]:
                        del self._cases[case_id]
                self._jobs.task_done()

    def holds(self, case_id: int) -> bool:
        """Say whether a post of this case waits in the lane (the sweep leaves it be)."""
        return case_id in self._cases

    async def settle(self) -> None:
        """Wait until every job queued so far has run."""
        await self._jobs.join()

    async def close(self, timeout: float) -> None:
        """Let the queued jobs run for up to `timeout` seconds, then stop the lane."""
        if self._worker is None:
            return
        try:
            await asyncio.wait_for(self.settle(), timeout)
        except TimeoutError:
            log.warning("%d staff posts left to the case sweep at stop", self._jobs.qsize())
        self._worker.cancel()
        self._worker = None
