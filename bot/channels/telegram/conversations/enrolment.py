"""Enrolment, first half: open an invite and check the person's identity."""

from __future__ import annotations

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.replies import Button, chat_locale, send_in
from bot.domain.choices import encode_enrol
from bot.domain.enrolment import DIALOG_KIND, EnrolStep, Respondent
from bot.domain.invites import (
    IdentityQuestion,
    InviteState,
    hash_token,
    identity_matches,
    identity_question,
    invite_problem,
    looks_like_token,
)
from bot.domain.languages import effective_locale
from bot.services.languages import enrolment_locale
from bot.storage.records import Episode, Invite

RESPONDENT_BUTTONS: list[list[Button]] = [
    [("buttons/respondent_patient", encode_enrol(Respondent.PATIENT))],
    [("buttons/respondent_family", encode_enrol(Respondent.FAMILY))],
]


def mask_name(name: str) -> str:
    """Show a name's first character only, e.g. 张** for 张三丰."""
    return name[:1] + "*" * max(len(name) - 1, 1)


async def usable_invite(context: AppContext, invite: Invite | None) -> Episode | None:
    """Return the invite's episode when it can still be used, else tell the user why not."""
    now = context.services.clock.now()
    state = InviteState(invite.used_at, invite.expires_at, invite.locked_at) if invite else None
    problem = invite_problem(state, now)
    episode = await context.services.store.episodes.get(invite.episode_id) if invite else None
    if problem is None and episode is not None and episode.eligible:
        return episode
    return None


async def dialog_locale(context: AppContext, chat_id: int, data: dict[str, object]) -> str:
    """Return the language an enrolment dialog is held in: chosen at /start, else the chat's."""
    chosen = data.get("locale")
    if chosen is None:
        return await chat_locale(context, chat_id)
    return effective_locale(str(chosen), context.services.settings.locale)


async def refuse_invite(
    context: AppContext, chat_id: int, invite: Invite | None, locale: str
) -> None:
    """Tell the user politely that the link cannot be used, and nothing else."""
    locked = invite is not None and invite.locked_at is not None
    await context.services.store.dialogs.clear(chat_id)
    await send_in(context, locale, chat_id, "enrol/locked" if locked else "enrol/invalid_link")


async def begin_enrolment(update: Update, context: AppContext, payload: str) -> None:
    """Open an invite from a deep link and ask the identity question in the person's language.

    The list's language for the stay is used before the identity check: a greeting the reader
    can understand reveals nothing about the patient but a language.
    """
    assert update.effective_chat is not None
    chat_id = update.effective_chat.id
    services = context.services
    store = services.store
    invite = await store.invites.by_hash(hash_token(payload)) if looks_like_token(payload) else None
    episode = await usable_invite(context, invite)
    app_language = update.effective_user.language_code if update.effective_user else None
    listed = episode.language if episode else None
    locale = await enrolment_locale(store, services.settings, chat_id, listed, app_language)
    if invite is None or episode is None:
        await refuse_invite(context, chat_id, invite, locale)
        return
    question = identity_question(episode.phone, episode.birth_date)
    if question is None:
        await send_in(context, locale, chat_id, "enrol/cannot_verify")
        return
    data: dict[str, object] = {"invite_id": invite.id, "question": question.value, "locale": locale}
    await store.dialogs.save(chat_id, DIALOG_KIND, EnrolStep.IDENTITY, data, services.clock.now())
    hospital = services.settings.require_hospital_name()
    await send_in(
        context, locale, chat_id, "enrol/greeting", hospital=hospital, question=question.value
    )


async def answer_identity(
    update: Update, context: AppContext, data: dict[str, object], answer: str
) -> None:
    """Check the identity answer; lock the invite after too many wrong ones."""
    assert update.effective_chat is not None
    chat_id = update.effective_chat.id
    store = context.services.store
    locale = await dialog_locale(context, chat_id, data)
    invite = await store.invites.get(int(str(data["invite_id"])))
    episode = await usable_invite(context, invite)
    if invite is None or episode is None:
        await refuse_invite(context, chat_id, invite, locale)
        return
    question = IdentityQuestion(str(data["question"]))
    now = context.services.clock.now()
    if identity_matches(question, answer, episode.phone, episode.birth_date):
        await store.dialogs.save(chat_id, DIALOG_KIND, EnrolStep.RESPONDENT, data, now)
        await send_in(
            context,
            locale,
            chat_id,
            "enrol/ask_respondent",
            RESPONDENT_BUTTONS,
            masked_name=mask_name(episode.name),
        )
        return
    limit = context.services.settings.identity_attempts
    invite = await store.invites.record_failed_attempt(invite.id, limit, now)
    if invite.locked_at is not None:
        await refuse_invite(context, chat_id, invite, locale)
        return
    remaining = limit - invite.failed_attempts
    await send_in(
        context,
        locale,
        chat_id,
        "enrol/identity_wrong",
        question=question.value,
        remaining=remaining,
    )
