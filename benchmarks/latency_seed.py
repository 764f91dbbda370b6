"""The people and steps benchmarks.interactive_latency starts with, and the bot's settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert

from bot.demo.fake_telegram import TOKEN
from bot.domain.messages import MessageStatus
from bot.settings import Settings
from bot.storage.schema import contacts, departments, episodes, patients
from bot.storage.schema import scheduled_messages as m

PATIENT_CHATS = 100_000  # patient i's chat is PATIENT_CHATS + i; bulk chats come after
STAFF_CHAT = -1_001_234_567_890  # the staff group, where new cases are posted


def _people(count: int, now: datetime, fingerprint: str) -> dict[str, list[dict[str, Any]]]:
    ids, times = range(1, count + 1), {"created_at": now, "updated_at": now}
    return {
        "patients": [
            {"id": i, "hospital_no": f"L{i:07d}", "name": f"患者{i}"} | times for i in ids
        ],
        "episodes": [
            {"id": i, "patient_id": i, "department_id": 1, "consent": True, "imported_at": now}
            | {"discharged_at": now - timedelta(days=3), "updated_at": now}
            for i in ids
        ],
        "contacts": [
            {"id": i, "patient_id": i, "episode_id": i, "chat_id": PATIENT_CHATS + i}
            | {"user_id": PATIENT_CHATS + i, "respondent": "patient", "consent": "granted"}
            | {"consent_at": now, "locale": "zh_CN", "reachable": True, "created_at": now}
            | {"plan_key": "general", "plan_fingerprint": fingerprint}
            for i in ids
        ],
    }


def _step(contact: int, step: str, survey: str | None, due: datetime) -> dict[str, Any]:
    kind, template = ("checkin", f"{step}_checkin") if survey else ("education", step)
    row = {"contact_id": contact, "patient_id": contact, "episode_id": contact, "kind": kind}
    row |= {"step_key": step, "occurrence": 0, "template": f"plans/general/{template}"}
    row |= {"survey": survey, "payload": {}, "status": MessageStatus.PENDING.value}
    row |= {"answer_timeout_s": 86400}
    return row | {"due_at": due, "send_at": due, "created_at": due, "updated_at": due}


async def seed(engine: Any, patient_count: int, bulk: int, fingerprint: str) -> None:
    """Add the patients with a due check-in (sent first), then the bulk education chats."""
    now = datetime.now(UTC)
    people = _people(patient_count + bulk, now, fingerprint)
    early, later = now - timedelta(minutes=2), now - timedelta(minutes=1)
    steps = [_step(i, "day3", "checkin_first", early) for i in range(1, patient_count + 1)]
    everyone = range(patient_count + 1, patient_count + bulk + 1)
    steps += [_step(i, "day1_home_care", None, later) for i in everyone]
    async with engine.begin() as conn:
        await conn.execute(insert(departments).values(id=1, name="呼吸科"))
        for table in (patients, episodes, contacts):
            await conn.execute(insert(table), people[table.name])
        await conn.execute(insert(m), steps)


def settings_for(url: str, port: int, rate: float) -> Settings:
    """Settings as `followup run` would read them: messages at any hour, the given rate."""
    values: dict[str, Any] = {
        "telegram_token": TOKEN,
        "telegram_base_url": f"http://127.0.0.1:{port}/bot",
        "hospital_name": "基准医院",
        "database_url": url,
        "send_windows": "00:00-23:59",
        "skip_holidays": False,
        "rate": rate,
        "staff_chat_id": STAFF_CHAT,
    }
    return Settings(_env_file=None, **values)
