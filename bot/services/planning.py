"""Turn a consenting contact's discharge into outbox rows: plan steps and medicine reminders."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Set
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.contact_hours import parse_send_windows, seasonal_windows
from bot.domain.holidays import HolidayDataWarning, holiday_data_warning, load_holidays
from bot.domain.medications import (
    Frequency,
    QuietHours,
    course_end,
    merged_times,
    parse_medications,
    parse_quiet_hours,
    parse_times_setting,
    reminder_times,
)
from bot.domain.plans import (
    DueStep,
    PlanBook,
    PlanError,
    expand_plan,
    load_plan_book,
    parse_duration,
)
from bot.domain.schedule import SendPolicy, lateness_limit, next_send_time
from bot.domain.surveys import Survey, load_surveys
from bot.services.catch_up import caught_up, in_plan_order
from bot.settings import Settings
from bot.storage.outbox_records import MessageStatus, PlanCounts, PlannedMessage
from bot.storage.records import Contact, Episode
from bot.storage.store import Store
from bot.templating import LOCALES, MESSAGES_DIR, Renderer

PLANS_DIR = MESSAGES_DIR / "plans"
HOLIDAYS_DIR = MESSAGES_DIR / "holidays"
SURVEYS_DIR = MESSAGES_DIR / "surveys"
MEDICATION_TEMPLATE = "medication/reminder"
REPLAN_PER_TICK = 200  # after a plan edit, contacts are re-planned a batch per dispatcher tick


@dataclass(frozen=True)
class Scheduling:
    plans: PlanBook
    policy: SendPolicy
    medication_times: dict[Frequency, tuple[time, ...]]
    quiet: QuietHours
    medication_default_days: int
    fingerprint: str
    surveys: dict[str, Survey]
    survey_expiry: timedelta

    @property
    def zone(self) -> ZoneInfo:
        """Return the hospital's time zone."""
        return self.policy.zone


def templates_exist(renderer: Renderer) -> Callable[[str], bool]:
    """Return a check that a template key exists in every locale."""

    def exists(key: str) -> bool:
        try:
            return all(renderer.template_name(key, locale) for locale in LOCALES)
        except KeyError:
            return False

    return exists


def load_scheduling(settings: Settings, renderer: Renderer) -> Scheduling:
    """Load and validate plans and timing settings (raises PlanError naming file and field)."""
    template_exists = templates_exist(renderer)
    plans = load_plan_book(settings.plans_dir or PLANS_DIR, template_exists)
    surveys = load_surveys(SURVEYS_DIR, template_exists, set(plans.plans))
    check_plan_surveys(plans, surveys)
    policy = send_policy(settings)
    times = merged_times(parse_times_setting(settings.medication_times))
    quiet = parse_quiet_hours(settings.quiet_hours)
    scheduling = Scheduling(
        plans,
        policy,
        times,
        quiet,
        settings.medication_default_days,
        "",
        surveys,
        parse_duration(settings.survey_expiry),
    )
    return with_plans(scheduling, plans)


def send_policy(settings: Settings) -> SendPolicy:
    """Return when follow-up messages may go out (raises HolidayFileError on a bad file)."""
    return SendPolicy(
        parse_send_windows(settings.send_windows),
        settings.zone,
        load_holidays(settings.skip_holidays, settings.holidays_dir or HOLIDAYS_DIR),
        parse_duration(settings.catch_up),
        seasonal_windows(settings.send_windows, settings.summer_starts, settings.winter_starts),
        settings.send_on_weekends,
    )


def with_plans(scheduling: Scheduling, plans: PlanBook) -> Scheduling:
    """Return the scheduling with other plans, and the fingerprint that names them."""
    content = sorted(repr(replace(plan, source="")) for plan in plans.plans.values())  # not paths
    signature = repr(
        (
            content,
            plans.rules,
            plans.default,
            scheduling.policy.windows,
            scheduling.policy.seasons,
            scheduling.policy.weekends,
            scheduling.medication_times,
            scheduling.quiet,
            scheduling.medication_default_days,
        )
    )
    fingerprint = hashlib.sha256(signature.encode()).hexdigest()[:32]
    return replace(scheduling, plans=plans, fingerprint=fingerprint)


def check_plan_surveys(plans: PlanBook, surveys: dict[str, Survey]) -> None:
    """Raise PlanError when a check-in step names a survey that does not exist."""
    for plan in plans.plans.values():
        for step in plan.steps:
            if step.survey is not None and step.survey not in surveys:
                known = ", ".join(sorted(surveys))
                raise PlanError(
                    plan.source, step.key, "survey", f"no survey {step.survey!r}; known: {known}"
                )


def planned_messages(
    scheduling: Scheduling,
    episode: Episode,
    now: datetime,
    done: Set[tuple[str, int]] = frozenset(),
) -> tuple[str, list[PlannedMessage]]:
    """Return the chosen plan's key and every message it means for this discharge."""
    plan = scheduling.plans.choose(episode.plan, episode.department, episode.diagnosis)
    entries, _problems = parse_medications(episode.medications)
    medication_end = course_end(entries, episode.discharged_at, scheduling.medication_default_days)
    steps = [
        _step_message(scheduling, step, episode, now)
        for step in _expand(scheduling, plan.key, episode, medication_end)
        if step.due_at >= episode.discharged_at  # e.g. a re-exam reminder before discharge
    ]
    steps = in_plan_order(caught_up(steps, now, done), scheduling.policy)
    return plan.key, steps + _medication_messages(scheduling, episode, now)


def _expand(
    scheduling: Scheduling, plan_key: str, episode: Episode, medication_end: datetime | None
) -> list[DueStep]:
    plan = scheduling.plans.plans[plan_key]
    return expand_plan(
        plan, episode.discharged_at, episode.revisit_at, medication_end, scheduling.zone
    )


def _step_message(
    scheduling: Scheduling, step: DueStep, episode: Episode, now: datetime
) -> PlannedMessage:
    policy = scheduling.policy
    payload: dict[str, object] = {}
    if episode.revisit_at is not None:
        payload["revisit_date"] = episode.revisit_at.isoformat()
    missed = now - step.due_at > lateness_limit(step.kind.value, policy.catch_up)
    spread_key = zlib.crc32(f"{episode.id}:{step.step_key}:{step.occurrence}".encode())
    send_at = step.due_at if missed else next_send_time(max(step.due_at, now), policy, spread_key)
    return PlannedMessage(
        step_key=step.step_key,
        occurrence=step.occurrence,
        kind=step.kind.value,
        template=step.template,
        survey=step.survey,
        due_at=step.due_at,
        send_at=send_at,
        status=MessageStatus.MISSED if missed else MessageStatus.PENDING,
        payload=payload,
        answer_timeout_s=int(step.answer_timeout.total_seconds()),
    )


def _medication_messages(
    scheduling: Scheduling, episode: Episode, now: datetime
) -> list[PlannedMessage]:
    entries, _problems = parse_medications(episode.medications)
    messages = []
    for index, entry in enumerate(entries):
        moments = reminder_times(
            entry,
            episode.discharged_at,
            scheduling.zone,
            scheduling.medication_times,
            scheduling.quiet,
            scheduling.medication_default_days,
        )
        for occurrence, moment in enumerate(moments):
            if moment < now:
                continue
            local = moment.astimezone(scheduling.zone)
            payload: dict[str, object] = {
                "drug": entry.drug,
                "dose": entry.dose or "",
                "time": f"{local:%H:%M}",
            }
            messages.append(
                PlannedMessage(
                    step_key=f"med{index}",
                    occurrence=occurrence,
                    kind="medication",
                    template=MEDICATION_TEMPLATE,
                    due_at=moment,
                    send_at=moment,
                    payload=payload,
                )
            )
    return messages


def holiday_warning(scheduling: Scheduling, today: date) -> HolidayDataWarning | None:
    """Return a warning when authoritative holiday data ends within 60 days of today."""
    return holiday_data_warning(scheduling.policy.holidays, today)


async def plan_contact(
    store: Store, scheduling: Scheduling, contact: Contact, now: datetime
) -> PlanCounts:
    """(Re)plan a consenting contact: new steps added, pending ones re-timed, sent ones kept."""
    episode = await store.episodes.get(contact.episode_id)
    if episode is None or not episode.eligible:
        return PlanCounts()
    done = await store.outbox.steps_done(contact.id, episode.id)
    plan_key, messages = planned_messages(scheduling, episode, now, done)
    counts = await store.outbox.plan(contact.id, episode.id, episode.patient_id, messages, now)
    await store.contacts.set_plan(contact.id, plan_key, scheduling.fingerprint)
    return counts


async def replan_changed(
    store: Store, scheduling: Scheduling, now: datetime, limit: int = REPLAN_PER_TICK
) -> int:
    """Re-plan up to limit consenting contacts planned with an older version of the plans."""
    stale = await store.contacts.planned_before(scheduling.fingerprint, limit)
    for contact in stale:
        await plan_contact(store, scheduling, contact, now)
    return len(stale)
