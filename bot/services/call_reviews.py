"""The weekly quality check of calls: a supervisor's verdict on a sampled call, then an
optional short note."""

from __future__ import annotations

from datetime import datetime

from bot.domain.calls import ReviewVerdict
from bot.domain.dialogs import DialogKind, DialogStep
from bot.storage.records import DialogState
from bot.storage.store import Store

MAX_NOTE = 500  # characters kept of a review's note
ATTEMPT = "attempt_id"  # the dialog's data: the call the note is for


async def give_verdict(
    store: Store, user_id: int, attempt_id: int, verdict: ReviewVerdict, now: datetime
) -> bool:
    """Record the verdict of the supervisor who drew the call and wait for their note; False
    when the call is not in their sample."""
    if not await store.call_stats.judge(attempt_id, user_id, verdict, now):
        return False
    await store.dialogs.save(
        user_id, DialogKind.CALL_REVIEW, DialogStep.TEXT, {ATTEMPT: attempt_id}, now
    )
    return True


async def skip_note(store: Store, user_id: int) -> None:
    """Leave the review without a note."""
    state = await store.dialogs.get(user_id)
    if state is not None and state.kind == DialogKind.CALL_REVIEW:
        await store.dialogs.clear(user_id)


async def take_note(store: Store, state: DialogState, text: str) -> bool:
    """Keep the typed note on the call the supervisor just judged; False if it is gone."""
    await store.dialogs.clear(state.chat_id)
    attempt_id = state.data.get(ATTEMPT)
    if not isinstance(attempt_id, int):
        return False
    return await store.call_stats.note(attempt_id, state.chat_id, text.strip()[:MAX_NOTE])
