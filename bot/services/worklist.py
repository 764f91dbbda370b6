"""The worklist's sweep: the calls owed are added once each, in bounded batches per tick."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from bot.domain.calls import CallReason
from bot.domain.contact_hours import parse_send_windows, seasonal_windows
from bot.domain.messages import MessageKind
from bot.domain.reach import PreferredChannel
from bot.domain.schedule import SendPolicy
from bot.domain.special_groups import SpecialGroups
from bot.domain.worklist.rules import WorklistRules, load_worklist_rules
from bot.domain.worklist.timing import first_call_time
from bot.services.planning import Scheduling, planned_messages
from bot.services.special_groups import special_groups
from bot.settings import Settings
from bot.storage.call_tasks import NewCallTask
from bot.storage.records import Episode
from bot.storage.store import Store

ADDED_PER_TICK = 200  # tasks added per sweep: a long backlog is added over a few ticks
# Stays no chat reaches, looked at per sweep: a long list is gone through over a few sweeps,
# from where the last one stopped (a cursor in the cache).
STAYS_PER_SWEEP = 500
CURSOR = "worklist.stays_after"
LONGEST_PLAN = timedelta(days=366)  # a stay discharged longer ago has no step left
# The special rule looks at stays discharged this recently (first check-ins come within weeks).
SPECIAL_WITHIN = timedelta(days=90)


@dataclass(frozen=True)
class Worklist:
    """The worklist's rules, the calling hours, the special groups and the claim settings."""

    rules: WorklistRules
    hours: SendPolicy
    special: SpecialGroups
    tries: int
    claim: timedelta

    def is_special(self, episode: Episode) -> bool:
        """Say whether the stay's patient is in a special (100%) group."""
        return self.special.is_special(episode.flags, episode.diagnosis, episode.plan)


def load_worklist(settings: Settings, scheduling: Scheduling) -> Worklist:
    """Load the rules and the calling hours (FOLLOWUP_CALL_HOURS; the dispatcher's holidays,
    working days only)."""
    hours = calling_hours(settings, scheduling.policy)
    return Worklist(
        load_worklist_rules(),
        hours,
        special_groups(settings.special_groups_file),
        settings.call_tries,
        timedelta(minutes=settings.call_claim_minutes),
    )


def calling_hours(settings: Settings, policy: SendPolicy) -> SendPolicy:
    """Return when calls are made: the send policy's holidays with the calling hours
    (FOLLOWUP_CALL_HOURS) as its windows, on working days only."""
    return replace(
        policy,
        windows=parse_send_windows(settings.call_hours),
        seasons=seasonal_windows(
            settings.call_hours, settings.summer_starts, settings.winter_starts
        ),
        weekends=False,
    )


def step_key(episode_id: int, step: str, occurrence: int) -> str:
    """Return the key of a step's call: one call per step, whichever rule owes it."""
    return f"step:{episode_id}:{step}:{occurrence}"


async def add_owed_calls(
    store: Store,
    scheduling: Scheduling,
    worklist: Worklist,
    now: datetime,
    stays: int = STAYS_PER_SWEEP,
) -> int:
    """Add the calls owed now (idempotent: each key once), looking at up to `stays` stays no
    chat reaches; return how many were added."""
    added = await _stay_steps(store, scheduling, worklist, now, (ADDED_PER_TICK, stays))
    added += await _failed_steps(store, worklist, now, ADDED_PER_TICK - added)
    added += await _call_backs(store, worklist, now, ADDED_PER_TICK - added)
    added += await _special_stays(store, scheduling, worklist, now, ADDED_PER_TICK - added)
    return added


def _task(
    worklist: Worklist, episode: Episode, reason: CallReason, after: datetime, key: str
) -> NewCallTask:
    rule = worklist.rules.reasons[reason]
    earliest = after + timedelta(days=rule.after_days)
    due = earliest if rule.urgent else first_call_time(earliest, worklist.hours)
    priority = worklist.rules.priority(reason, worklist.is_special(episode))
    return NewCallTask(key, episode.id, episode.department_id, reason, priority, due)


def _end_of_day(now: datetime, worklist: Worklist) -> datetime:
    local = now.astimezone(worklist.hours.zone).date() + timedelta(days=1)
    midnight = datetime.combine(local, datetime.min.time(), tzinfo=worklist.hours.zone)
    return midnight.astimezone(UTC)


async def _stay_steps(
    store: Store,
    scheduling: Scheduling,
    worklist: Worklist,
    now: datetime,
    limits: tuple[int, int],
) -> int:
    """Owe a call for the earliest unanswered check-in step due by today of each stay no
    chat reaches (an SMS contact counts only once answered), a batch of stays per sweep."""
    (limit, batch), added, after = limits, 0, int(await store.cache.get(CURSOR) or 0)
    found = await store.call_candidates.stays_without_chat(now - LONGEST_PLAN, now, after, batch)
    for episode_id in found:
        episode = await store.episodes.get(episode_id)
        if added >= limit or episode is None:
            break
        after = episode_id
        step = await _owed_step(store, scheduling, worklist, episode, now)
        if step is not None:
            task = _task(
                worklist, episode, _stay_reason(episode), step[2], step_key(episode.id, *step[:2])
            )
            added += await store.call_tasks.add(replace(task, step=step[0]), now)
    done = len(found) < batch and added < limit  # the end of the list: start again
    await store.cache.put(CURSOR, str(0 if done else after), now)
    return added


def _stay_reason(episode: Episode) -> CallReason:
    """Return why a stay no chat reaches is called: its 回访方式 电话, or no channel."""
    if episode.preferred_channel == PreferredChannel.PHONE.value:
        return CallReason.PREFERS_PHONE
    return CallReason.NO_MESSAGE_CHANNEL


async def _owed_step(
    store: Store, scheduling: Scheduling, worklist: Worklist, episode: Episode, now: datetime
) -> tuple[str, int, datetime] | None:
    """Return the stay's earliest check-in step due by today, recent, unanswered and not
    called about yet."""
    _, planned, _ = planned_messages(scheduling, episode, now)
    oldest, today_ends = (
        now - timedelta(days=worklist.rules.within_days),
        _end_of_day(now, worklist),
    )
    steps = [
        (p.step_key, p.occurrence, p.due_at)
        for p in planned
        if p.kind is MessageKind.CHECKIN and oldest <= p.due_at < today_ends
    ]
    if not steps:
        return None
    answered = await store.call_candidates.answered_steps(episode.id)
    keys = await store.call_tasks.open_keys([step_key(episode.id, s, o) for s, o, _ in steps])
    for step, occurrence, due in sorted(steps, key=lambda s: s[2]):
        if (step, occurrence) not in answered and step_key(
            episode.id, step, occurrence
        ) not in keys:
            return step, occurrence, due
    return None


async def _failed_steps(store: Store, worklist: Worklist, now: datetime, limit: int) -> int:
    """Owe a call for each recent check-in that failed after its tries, unless answered."""
    added = 0
    since = now - timedelta(days=worklist.rules.within_days)
    for failed in await store.call_candidates.failed_checkins(since):
        key = step_key(failed.episode_id, failed.step_key, failed.occurrence)
        episode = await store.episodes.get(failed.episode_id)
        if added >= limit or episode is None:
            break
        answered = await store.call_candidates.answered_steps(episode.id)
        if (failed.step_key, failed.occurrence) in answered:
            continue
        task = _task(worklist, episode, CallReason.MESSAGES_FAILED, failed.failed_at, key)
        added += await store.call_tasks.add(replace(task, step=failed.step_key), now)
    return added


async def _call_backs(store: Store, worklist: Worklist, now: datetime, limit: int) -> int:
    """Owe a call back for each open red flag, and each open question of a patient no chat
    reaches."""
    added = 0
    for case in await store.call_candidates.open_call_backs():
        episode = await store.episodes.get(case.episode_id)
        if added >= limit or episode is None:
            break
        reason = CallReason(case.kind.value)  # red_flag / question
        task = _task(worklist, episode, reason, case.created_at, f"case:{case.case_id}")
        added += await store.call_tasks.add(replace(task, case_id=case.case_id), now)
    return added


async def _special_stays(
    store: Store, scheduling: Scheduling, worklist: Worklist, now: datetime, limit: int
) -> int:
    """Owe a call to each special-group stay with no check-in answered some days (the
    rules' after_days) after its first check-in step, whatever its channel."""
    added, wait = 0, timedelta(days=worklist.rules.reasons[CallReason.SPECIAL].after_days)
    since, special = now - SPECIAL_WITHIN, worklist.special
    for episode_id in await store.call_candidates.stays_unanswered(since, now, special):
        episode = await store.episodes.get(episode_id)
        if added >= limit or episode is None:
            break
        _, planned, _ = planned_messages(scheduling, episode, now)
        first = min(
            (p for p in planned if p.kind is MessageKind.CHECKIN),
            key=lambda p: p.due_at,
            default=None,
        )
        if first is None or first.due_at + wait > now:
            continue
        key = f"special:{episode.id}"
        task = _task(worklist, episode, CallReason.SPECIAL, first.due_at, key)
        added += await store.call_tasks.add(replace(task, step=first.step_key), now)
    return added
