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
from bot.domain.medications.model import Frequency
from bot.domain.medications.times import (
    QuietHours,
    merged_times,
    parse_quiet_hours,
    parse_times_setting,
)
from bot.domain.messages import MessageKind
from bot.domain.plans.errors import PlanError
from bot.domain.plans.expand import DueStep, expand_plan
from bot.domain.plans.loader import load_plan_book
from bot.domain.plans.model import Anchor, Plan, PlanBook, parse_duration
from bot.domain.schedule import SendPolicy, Window, lateness_limit, next_send_time
from bot.domain.step_hours import PAYLOAD_KEY as STEP_HOURS_KEY
from bot.domain.surveys.loader import load_surveys
from bot.domain.surveys.model import Survey
from bot.domain.triage import triage_lists
from bot.domain.understanding.lexicon import load_lexicon
from bot.domain.visits import visit_occurrence
from bot.services.catch_up import caught_up, in_plan_order
from bot.services.medicine_plan import (
    EXTEND_WITHIN,
    MedicinePlan,
    medication_end,
    medicine_plan,
)
from bot.settings import Settings
from bot.storage.outbox_records import MessageStatus, PlanCounts, PlannedMessage
from bot.storage.records import Contact, Episode
from bot.storage.store import Store
from bot.storage.unit_of_work import Repositories
from bot.templating import LOCALES, MESSAGES_DIR, Renderer

PLANS_DIR = MESSAGES_DIR / "plans"
HOLIDAYS_DIR = MESSAGES_DIR / "holidays"
SURVEYS_DIR = MESSAGES_DIR / "surveys"
LEXICON_DIR = MESSAGES_DIR / "understanding"
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
    load_lexicon(LEXICON_DIR)  # the words typed answers are read with: a mistake stops start-up
    triage_lists()  # and the danger and death words
    policy = send_policy(settings)
    for windows in policy.window_sets():
        check_step_hours(plans, windows)
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


def check_step_hours(plans: PlanBook, windows: tuple[Window, ...]) -> None:
    """Raise PlanError when a step's own hours leave no time inside the send windows."""
    for plan in plans.plans.values():
        for step in plan.steps:
            if step.contact is not None and not step.contact.clip(windows):
                shown = ",".join(str(window) for window in windows)
                raise PlanError(
                    plan.source,
                    step.key,
                    "hours",
                    f"no time inside the send windows ({shown}, FOLLOWUP_SEND_WINDOWS); "
                    "widen the step's hours or the send windows",
                )


def planned_messages(
    scheduling: Scheduling,
    episode: Episode,
    now: datetime,
    stopped: frozenset[int] = frozenset(),
    done: Set[tuple[str, int]] = frozenset(),
) -> tuple[str, list[PlannedMessage], datetime | None]:
    """Return the chosen plan's key, every message it means for this discharge, and until
    when open-ended medicines were planned (`stopped`: medicines no longer reminded of;
    `done`: steps already sent or answered, for the catch-up)."""
    plan = scheduling.plans.choose(
        episode.plan, episode.department, episode.diagnosis, episode.flags
    )
    course_end = medication_end(episode, plan.key, scheduling.medication_default_days)
    steps = [
        _for_visit(plan, episode, _step_message(scheduling, step, episode, now))
        for step in _expand(scheduling, plan.key, episode, course_end)
        if step.due_at >= episode.discharged_at  # e.g. a re-exam reminder before discharge
    ]
    steps = in_plan_order(caught_up(steps, now, done), scheduling.policy)
    medicines: MedicinePlan = medicine_plan(scheduling, episode, plan.key, now, stopped)
    return plan.key, steps + medicines.messages, medicines.planned_until


def _for_visit(plan: Plan, episode: Episode, message: PlannedMessage) -> PlannedMessage:
    """Number a re-exam reminder by the visit it reminds of, so a new date gets new rows."""
    step = plan.step(message.step_key)
    if step is None or step.anchor is not Anchor.REVISIT or episode.revisit_at is None:
        return message
    return replace(message, occurrence=visit_occurrence(episode.revisit_at, message.occurrence))


def _expand(
    scheduling: Scheduling, plan_key: str, episode: Episode, medication_end: datetime | None
) -> list[DueStep]:
    plan = scheduling.plans.plans[plan_key]
    return expand_plan(
        plan,
        episode.discharged_at,
        episode.revisit_at,
        medication_end,
        scheduling.zone,
        treated_on=episode.treated_on,
    )


def _step_message(
    scheduling: Scheduling, step: DueStep, episode: Episode, now: datetime
) -> PlannedMessage:
    policy = scheduling.policy
    payload: dict[str, object] = {}
    if episode.revisit_at is not None:
        payload["revisit_date"] = episode.revisit_at.isoformat()
    if step.contact is not None:
        payload[STEP_HOURS_KEY] = str(step.contact)  # retries and late sends keep to them
    missed = now - step.due_at > lateness_limit(MessageKind(step.kind), policy.catch_up)
    spread_key = zlib.crc32(f"{episode.id}:{step.step_key}:{step.occurrence}".encode())
    earliest = max(step.due_at, now)
    send_at = step.due_at if missed else next_send_time(earliest, policy, spread_key, step.contact)
    return PlannedMessage(
        step_key=step.step_key,
        occurrence=step.occurrence,
        kind=MessageKind(step.kind),
        template=step.template,
        survey=step.survey,
        due_at=step.due_at,
        send_at=send_at,
        status=MessageStatus.MISSED if missed else MessageStatus.PENDING,
        payload=payload,
        answer_timeout_s=int(step.answer_timeout.total_seconds()),
    )


def holiday_warning(scheduling: Scheduling, today: date) -> HolidayDataWarning | None:
    """Return a warning when authoritative holiday data ends within 60 days of today."""
    return holiday_data_warning(scheduling.policy.holidays, today)


async def plan_contact(
    store: Repositories, scheduling: Scheduling, contact: Contact, now: datetime
) -> PlanCounts:
    """(Re)plan a consenting contact: new steps added, pending ones re-timed, sent ones kept;
    steps an SMS contact this one took over from answered (or was told) are not sent again."""
    episode = await store.episodes.get(contact.episode_id)
    if episode is None or not episode.eligible:
        return PlanCounts()
    stopped = await store.medicine_stops.stopped(episode.id)
    answered = await store.outbox.done_before_takeover(episode.id)
    done = await store.outbox.steps_done(contact.id, episode.id) | answered
    plan_key, planned, until = planned_messages(scheduling, episode, now, stopped, done)
    messages = [p for p in planned if (p.step_key, p.occurrence) not in answered]
    counts = await store.outbox.plan(contact.id, episode.id, episode.patient_id, messages, now)
    await store.contacts.set_plan(contact.id, plan_key, scheduling.fingerprint, until)
    return counts


async def replan_changed(
    store: Store, scheduling: Scheduling, now: datetime, limit: int = REPLAN_PER_TICK
) -> int:
    """Re-plan up to limit consenting contacts planned with an older version of the plans."""
    stale = await store.contacts.planned_before(scheduling.fingerprint, limit)
    for contact in stale:
        await plan_contact(store, scheduling, contact, now)
    return len(stale)


async def extend_medicine_horizons(
    store: Store, scheduling: Scheduling, now: datetime, limit: int = REPLAN_PER_TICK
) -> int:
    """Plan further ahead for contacts whose open-ended medicines run out of planned rows."""
    due = await store.contacts.medication_horizon_before(now + EXTEND_WITHIN, limit)
    for contact in due:
        await plan_contact(store, scheduling, contact, now)
    return len(due)
