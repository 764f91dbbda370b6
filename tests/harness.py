"""Pytest helpers around BotHarness: settings, discharge records, seeding, enrolment, times."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypedDict
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.demo.fake_telegram import TOKEN
from bot.demo.harness import BotHarness
from bot.domain.discharge.model import DischargeRecord, ExclusionReason
from bot.domain.enrolment import ConsentDecision
from bot.domain.reach import PreferredChannel
from bot.logs import configure_logging
from bot.services.planning import plan_contact
from bot.settings import Settings
from bot.storage import migrate
from bot.storage.contacts import NewContact
from bot.storage.imports import apply_discharge_records
from bot.storage.records import Contact
from bot.storage.schema import metadata
from bot.storage.store import Store
from tests.backends import database_url

HOSPITAL = "市第一人民医院"
SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)


def make_settings(tmp_path: Path, *, migrated: bool = True, **overrides: Any) -> Settings:
    """Settings for a test: its database (see database_url), the fake token, no .env."""
    if "database_url" not in overrides:
        overrides["database_url"] = database_url(tmp_path, migrated=migrated)
    values: dict[str, Any] = {
        "telegram_token": TOKEN,
        "hospital_name": HOSPITAL,
        "per_chat_interval": 0,
        "rate": 30,
        **overrides,
    }
    return Settings(_env_file=None, **values)


class RecordFields(TypedDict, total=False):
    """Fields of a discharge record that a test may override (all but the hospital number)."""

    line: int
    name: str
    department: str
    discharged_at: datetime
    consent: bool
    sex: str | None
    age: int | None
    birth_date: date | None
    phone: str | None
    ward: str | None
    attending_doctor: str | None
    nurse: str | None
    diagnosis: str | None
    admitted_at: datetime | None
    discharge_condition: str | None
    plan: str | None
    revisit_at: date | None
    treated_on: date | None
    medications: str | None
    flags: str | None
    notes: str | None
    exclusion: ExclusionReason | None
    language: str | None
    preferred_channel: PreferredChannel | None


def record(hospital_no: str = "ZY001", **overrides: Any) -> DischargeRecord:
    """A valid discharge record with sensible defaults; overrides are RecordFields."""
    values: dict[str, Any] = {
        "line": 2,
        "hospital_no": hospital_no,
        "name": "张三丰",
        "department": "心内科",
        "discharged_at": datetime(2026, 11, 20, 2, 0, tzinfo=UTC),
        "consent": True,
        "phone": "13800138001",
        "birth_date": date(1958, 3, 4),
        "attending_doctor": "李医生",
        **overrides,
    }
    return DischargeRecord(**values)


async def seed(settings: Settings, *records: DischargeRecord) -> None:
    """Store discharge records (migrating the database first, if it is not at head)."""
    store = Store.open(settings.database_url)
    await migrate.upgrade(store.engine)
    await apply_discharge_records(store.engine, list(records), "seed.csv", START)
    await store.close()


async def enrol(
    harness: BotHarness,
    chat_id: int,
    hospital_no: str = "ZY001",
    respondent: str = "patient",
    locale: str = "zh_CN",
) -> Contact:
    """Link a chat to a seeded patient (or a relative) with consent and plan it, as enrolment
    would."""
    services = harness.services
    episode = await services.store.episodes.latest_for(hospital_no)
    assert episode is not None
    new = NewContact(episode.patient_id, episode.id, chat_id, chat_id, respondent, None, locale)
    now = harness.clock.now()
    contact = await services.store.contacts.link(new, ConsentDecision.GRANTED, now, via="test")
    await plan_contact(services.store, services.scheduling, contact, now)
    return contact


def local(day: str, clock: str = "10:00") -> datetime:
    """Return an aware UTC datetime for a Shanghai wall-clock time, e.g. local('2026-11-23')."""
    naive = datetime.fromisoformat(f"{day} {clock}")
    return naive.replace(tzinfo=SHANGHAI).astimezone(UTC)


async def stored_text(store: Store) -> str:
    """Every row of every table, as text: for scans that some value is (or is not) stored."""
    async with store.engine.connect() as conn:
        rows = [repr((await conn.execute(select(t))).all()) for t in metadata.sorted_tables]
    return "\n".join(rows)


@contextmanager
def captured_logs(log_format: str, level: str) -> Iterator[io.StringIO]:
    """Configure the logs as `followup run` does, into a buffer; restore them afterwards."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    stream = io.StringIO()
    configure_logging(log_format, level, stream)
    try:
        yield stream
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
