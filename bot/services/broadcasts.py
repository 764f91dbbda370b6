"""Health-education broadcasts to a cohort: consenting patients only, paced by the dispatcher."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.messages import MessageKind
from bot.domain.schedule import next_send_time
from bot.services.planning import Scheduling
from bot.storage.outbox_records import PlannedMessage
from bot.storage.records import Contact
from bot.storage.store import Store

BROADCAST_VARIABLES = frozenset({"hospital", "department", "patient_name"})
FILTER_NAMES = {
    "科室": "department",
    "department": "department",
    "诊断": "diagnosis",
    "diagnosis": "diagnosis",
    "from": "from",
    "自": "from",
    "to": "to",
    "至": "to",
}


@dataclass(frozen=True)
class Cohort:
    department: str | None = None
    diagnosis: str | None = None
    discharged_from: date | None = None
    discharged_to: date | None = None


def parse_cohort(words: list[str]) -> Cohort:
    """Read filters such as 科室=心内科 诊断=高血压 from=2026-11-01 to=2026-11-30."""
    values: dict[str, str] = {}
    for word in words:
        name, _, value = word.partition("=")
        if name.strip().lower() not in FILTER_NAMES or not value.strip():
            raise ValueError(word)
        values[FILTER_NAMES[name.strip().lower()]] = value.strip()
    try:
        first = date.fromisoformat(values["from"]) if "from" in values else None
        last = date.fromisoformat(values["to"]) if "to" in values else None
    except ValueError:
        raise ValueError(values.get("from", "") + " " + values.get("to", "")) from None
    return Cohort(values.get("department"), values.get("diagnosis"), first, last)


async def cohort_contacts(store: Store, cohort: Cohort, zone: ZoneInfo) -> list[Contact]:
    """Return the consenting, reachable contacts of the cohort's current discharges."""
    first = _midnight(cohort.discharged_from, zone) if cohort.discharged_from else None
    end = (
        _midnight(cohort.discharged_to + timedelta(days=1), zone) if cohort.discharged_to else None
    )
    ids = await store.contacts.eligible_in_cohort(cohort.department, cohort.diagnosis, first, end)
    found = [await store.contacts.get(contact_id) for contact_id in ids]
    return [c for c in found if c is not None]


async def enqueue_broadcast(
    store: Store, scheduling: Scheduling, recipients: list[Contact], template: str, now: datetime
) -> int:
    """Hand one message per recipient to the dispatcher, spread inside the send windows."""
    step = f"bc:{template}:{now:%Y%m%d%H%M%S}"[:64]
    for contact in recipients:
        send_at = next_send_time(now, scheduling.policy, spread_key=contact.id)
        message = PlannedMessage(step, 0, MessageKind.MESSAGE, template, now, send_at)
        await store.outbox.add(contact.id, contact.episode_id, contact.patient_id, message, now)
    return len(recipients)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)
