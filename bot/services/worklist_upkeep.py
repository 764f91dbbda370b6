"""The worklist kept true: calls no longer owed are cancelled, the owed ones added."""

from __future__ import annotations

from datetime import datetime

from bot.domain.calls import CallReason
from bot.services.planning import Scheduling
from bot.services.worklist import STAYS_PER_SWEEP, Worklist, add_owed_calls, step_key
from bot.storage.call_tasks import CallTask
from bot.storage.store import Store


async def sweep_worklist(
    store: Store,
    scheduling: Scheduling,
    worklist: Worklist,
    now: datetime,
    stays: int = STAYS_PER_SWEEP,
) -> int:
    """Cancel the calls no longer owed, then add those owed (looking at up to `stays` stays
    no chat reaches); return how many were added."""
    await cancel_unowed(store, await store.call_tasks.open_tasks(), now)
    return await add_owed_calls(store, scheduling, worklist, now, stays)


async def cancel_unowed(store: Store, tasks: list[CallTask], now: datetime) -> list[int]:
    """Cancel the tasks whose patient may no longer be called (death, withdrawal, dispute,
    erasure, exclusion), whose step was answered (by SMS page, chat...), whose case was
    closed, or (special) whose stay has a step answered; return their ids."""
    if not tasks:
        return []
    stays = sorted({task.episode_id for task in tasks})
    eligible = await store.call_candidates.eligible_stays(stays)
    steps = await store.call_candidates.answered_of(stays)
    answered = {step_key(*step) for step in steps}
    followed = {stay for stay, _, _ in steps}  # a special call is owed until one is answered
    cases = [task.case_id for task in tasks if task.case_id is not None]
    closed = await store.call_candidates.closed_cases(cases) if cases else set()
    gone = [
        task.id
        for task in tasks
        if task.episode_id not in eligible
        or task.key in answered
        or task.case_id in closed
        or (task.reason is CallReason.SPECIAL and task.episode_id in followed)
    ]
    await store.call_tasks.cancel(gone, now)
    return gone
