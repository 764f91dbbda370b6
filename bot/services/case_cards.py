"""A case in the staff group: its own forum topic (or a card whose replies are the thread)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from enum import StrEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError

from bot.channels.telegram.context import AppContext
from bot.services.alerts import patient_variables
from bot.storage.cases import Case, StaffPost
from bot.storage.records import Episode

log = logging.getLogger(__name__)
# A post slowed by the group's rate limit finishes well within this; a crashed one is retried
# by the sweep once it has passed.
POST_CLAIM = timedelta(minutes=10)
CARD_BUTTONS = {  # status -> rows of (label, action)
    "closed": [[("buttons/case_reopen", "reopen")]],
}
OPEN_BUTTONS = [
    [
        ("buttons/case_take", "take"),
        ("buttons/case_reply", "reply"),
        ("buttons/case_close", "close"),
    ]
]


def local_text(context: AppContext, moment: datetime | None) -> str:
    """Format a moment in the hospital's time zone, or "" for none."""
    if moment is None:
        return ""
    return f"{moment.astimezone(context.services.settings.zone):%Y-%m-%d %H:%M}"


def who_answered(context: AppContext, case: Case) -> str:
    """Say who raised the case: the patient, or a relative (and which)."""
    render, locale = context.services.renderer.render, context.services.locale
    if case.respondent != "family":
        return render("buttons/respondent_patient", locale)
    relation = render(f"buttons/relation_{case.relation}", locale) if case.relation else ""
    return f"{render('buttons/respondent_family', locale)} {relation}".strip()


async def card_text(context: AppContext, case: Case, episode: Episode) -> str:
    """Render the case card (the register the seeds' 投诉登记表 describes)."""
    services = context.services
    assignee = ""
    if case.assignee_id is not None:
        member = await services.store.staff.get(case.assignee_id)
        assignee = member.name if member and member.name else str(case.assignee_id)
    key = "staff/praise_card" if case.kind == "praise" else "staff/case_card"
    return services.renderer.render(
        key,
        services.locale,
        number=case.id,
        kind=case.kind,
        **patient_variables(services.settings, episode),
        who=who_answered(context, case),
        concerned=case.concerned or "",
        text=case.text or "",
        received=local_text(context, case.created_at),
        due=local_text(context, case.due_at),
        status=case.status,
        assignee=assignee,
    )


def card_markup(context: AppContext, case: Case) -> InlineKeyboardMarkup | None:
    """Return the card's buttons for the case's status (praise has none)."""
    if case.kind == "praise":
        return None
    render, locale = context.services.renderer.render, context.services.locale
    layout = CARD_BUTTONS.get(case.status, OPEN_BUTTONS)
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(render(label, locale), callback_data=f"cs:{action}:{case.id}")
                for label, action in row
            ]
            for row in layout
        ]
    )


class Posting(StrEnum):
    """What came of trying to post a case to the staff group."""

    POSTED = "posted"
    FAILED = "failed"  # no group, or Telegram refused: the sweep tries again
    CLAIMED = "claimed"  # posted already, or another post of it is under way


async def post_case(context: AppContext, case: Case) -> Posting:
    """Open the case's topic (or card) in the staff group, once, whoever calls first."""
    services = context.services
    chat_id = services.settings.staff_chat_id
    episode = await services.store.episodes.get(case.episode_id)
    if chat_id is None or episode is None:
        log.warning("case %s not posted: no staff group configured", case.id)
        return Posting.FAILED
    now = services.clock.now()
    if not await services.store.cases.claim_posting(case.id, now, now + POST_CLAIM):
        return Posting.CLAIMED
    try:
        where = await _post(context, chat_id, case, episode)
    except TelegramError as error:
        log.warning("case %s not posted to the staff group: %s", case.id, type(error).__name__)
        await services.store.cases.release_posting(case.id)
        return Posting.FAILED
    await services.store.cases.mark_posted(case.id, services.clock.now(), where)
    return Posting.POSTED


async def _post(context: AppContext, chat_id: int, case: Case, episode: Episode) -> StaffPost:
    """Send the case's topic, card and photo; return where the card is."""
    topic_id = await _open_topic(context, chat_id, case, episode)
    message = await context.bot.send_message(
        chat_id,
        await card_text(context, case, episode),
        parse_mode=ParseMode.HTML,
        reply_markup=card_markup(context, case),
        message_thread_id=topic_id,
    )
    if case.photo_file_id:
        await context.bot.send_photo(
            chat_id,
            case.photo_file_id,
            message_thread_id=topic_id,
            reply_to_message_id=None if topic_id else message.message_id,
        )
    return StaffPost(chat_id, message.message_id, topic_id)


async def _open_topic(
    context: AppContext, chat_id: int, case: Case, episode: Episode
) -> int | None:
    """Create the case's forum topic; None when topics are off (cards and replies instead)."""
    name = context.services.renderer.render(
        "staff/case_topic_name",
        context.services.locale,
        number=case.id,
        department=episode.department,
    )
    try:
        topic = await context.bot.create_forum_topic(chat_id, name[:128])
    except BadRequest as error:  # not a forum, or the bot may not manage topics
        log.info("case %s: no forum topic (%s); posting a card", case.id, error.message)
        return None
    return topic.message_thread_id


async def refresh_card(context: AppContext, case_id: int) -> None:
    """Show the case's current status and buttons on its card."""
    services = context.services
    case = await services.store.cases.get(case_id)
    if case is None or case.staff_chat_id is None or case.staff_message_id is None:
        return
    episode = await services.store.episodes.get(case.episode_id)
    if episode is None:
        return
    try:
        await context.bot.edit_message_text(
            await card_text(context, case, episode),
            case.staff_chat_id,
            case.staff_message_id,
            parse_mode=ParseMode.HTML,
            reply_markup=card_markup(context, case),
        )
    except TelegramError as error:
        log.info("case %s: card not refreshed: %s", case.id, type(error).__name__)


async def post_in_case(
    context: AppContext, case: Case, key: str, **variables: object
) -> Message | None:
    """Post a note in the case's thread (its topic, or as a reply to its card)."""
    if case.staff_chat_id is None:
        return None
    text = context.services.renderer.render(
        key, context.services.locale, number=case.id, **variables
    )
    try:
        return await context.bot.send_message(
            case.staff_chat_id,
            text,
            parse_mode=ParseMode.HTML,
            message_thread_id=case.topic_id,
            reply_to_message_id=None if case.topic_id else case.staff_message_id,
        )
    except TelegramError as error:
        log.warning("case %s: note %s not posted: %s", case.id, key, type(error).__name__)
        return None
