"""Stopping a discharge medicine's reminders: by staff, or because the patient stopped it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.medications.model import MedicationEntry
from bot.domain.medications.parsing import parse_medications
from bot.services.medicine_plan import check_key, reminder_key
from bot.storage.audit import Actor
from bot.storage.medicines import StopSource
from bot.storage.records import Episode
from bot.storage.store import Store
from bot.storage.unit_of_work import Repositories


@dataclass(frozen=True)
class Medicine:
    """A discharge medicine as staff see it: its number (from 1) and whether it still reminds."""

    number: int
    entry: MedicationEntry
    stopped: bool


async def medicines_of(store: Store, episode: Episode) -> list[Medicine]:
    """Return the stay's readable medicines, numbered as /stopmed takes them."""
    entries, _problems = parse_medications(episode.medications)
    stopped = await store.medicine_stops.stopped(episode.id)
    return [Medicine(i + 1, entry, i in stopped) for i, entry in enumerate(entries)]


async def stop_medicine(
    store: Repositories,
    episode_id: int,
    medicine: int,
    source: StopSource,
    actor: Actor,
    now: datetime,
) -> bool:
    """Stop the reminders and questions of one medicine (from 0); False if already stopped."""
    keys = (reminder_key(medicine), check_key(medicine))
    return await store.medicine_stops.stop(episode_id, medicine, keys, source, actor, now)
