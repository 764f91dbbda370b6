"""Alerts to the staff group about a patient's answer."""

from __future__ import annotations

import logging

from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.context import AppContext
from bot.storage.outbox_records import OutboxRow

log = logging.getLogger(__name__)


async def alert_staff(context: AppContext, key: str, row: OutboxRow) -> bool:
    """Post an alert about the row's patient to the staff group; False if it could not."""
    services = context.services
    chat_id = services.settings.staff_chat_id
    if chat_id is None:
        log.warning("no staff group configured; alert %s for row %s not posted", key, row.id)
        return False
    episode = await services.store.episodes.get(row.episode_id)
    if episode is None:
        return False
    text = services.renderer.render(
        key,
        services.locale,
        name=episode.name,
        hospital_no=episode.hospital_no,
        department=episode.department,
        doctor=episode.attending_doctor or "",
        payload=row.payload,
    )
    try:
        await context.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
    except TelegramError as error:
        log.warning("staff alert %s for row %s failed: %s", key, row.id, type(error).__name__)
        return False
    return True
