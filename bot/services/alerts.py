"""Alerts to staff about a patient, and what staff texts may say about one."""

from __future__ import annotations

from bot.services.container import Services
from bot.settings import Settings
from bot.storage.outbox_records import OutboxRow
from bot.storage.records import Episode


def patient_variables(settings: Settings, episode: Episode) -> dict[str, object]:
    """Return what staff templates may say about the patient: the configured fields only.

    The others are empty, and the templates (staff/patient_lines) leave empty ones out.
    """
    values = {
        "name": episode.name,
        "hospital_no": episode.hospital_no,
        "department": episode.department,
        "doctor": episode.attending_doctor or "",
        "nurse": episode.nurse or "",
        "phone": episode.phone or "",
        "birth_date": episode.birth_date.isoformat() if episode.birth_date else "",
        "diagnosis": episode.diagnosis or "",
    }
    shown = settings.shown_staff_fields
    return {key: value if key in shown else "" for key, value in values.items()}


async def alert_staff(services: Services, key: str, row: OutboxRow) -> bool:
    """Post an alert about an outbox row's patient to the staff desk; False if not posted."""
    episode = await services.store.episodes.get(row.episode_id)
    if episode is None:
        return False
    return await services.staff_desk.post_alert(key, episode, payload=row.payload) is not None
