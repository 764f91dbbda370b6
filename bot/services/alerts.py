"""Posts to the staff group about a patient."""

from __future__ import annotations

import logging
from typing import Any

from bot.channels.telegram.context import AppContext
from bot.services.ports import Choice, Outgoing, SendPurpose, Sent, telegram_chat
from bot.settings import Settings
from bot.storage.outbox_records import OutboxRow
from bot.storage.records import Episode

log = logging.getLogger(__name__)


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


async def post_to_staff(
    context: AppContext,
    key: str,
    episode: Episode,
    choices: tuple[tuple[Choice, ...], ...] = (),
    **variables: Any,
) -> Sent | None:
    """Post a template about a patient to the staff group; None if it could not be posted."""
    services = context.services
    chat_id = services.settings.staff_chat_id
    if chat_id is None:
        log.warning("no staff group configured; %s not posted", key)
        return None
    text = services.renderer.render(
        key, services.locale, **patient_variables(services.settings, episode), **variables
    )
    message = Outgoing(text, choices)
    sent = await services.sender.send(telegram_chat(chat_id), message, SendPurpose.NOTICE)
    if sent is None:
        log.warning("staff post %s failed", key)
    return sent


async def alert_staff(context: AppContext, key: str, row: OutboxRow) -> bool:
    """Post an alert about an outbox row's patient to the staff group."""
    episode = await context.services.store.episodes.get(row.episode_id)
    if episode is None:
        return False
    return await post_to_staff(context, key, episode, payload=row.payload) is not None
