"""Enrolment on any channel: open an invite, check the person's identity, ask who answers
and their relation, then the consent decision; and /start's "where you stand".

Every step works on a chat key and speaks through `say_in`, so Telegram and the channel
chats (WeChat, plain text) share one implementation; choice ids are the same everywhere.
"""

from __future__ import annotations

from bot.domain.channel_messages import ChannelName
from bot.domain.choices import ConsentChoice, EnrolAnswer, decode_enrol, encode_enrol
from bot.domain.consent import ConsentVia
from bot.domain.enrolment import DIALOG_KIND, ConsentDecision, EnrolStep, Relation, Respondent
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
from bot.services.asking import ask_current_question
from bot.services.container import Services
from bot.services.languages import enrolment_locale, locale_of_chat
from bot.services.messaging import ChoiceRow, say, say_in
from bot.services.patient_facts import all_stopped
from bot.services.patient_text import open_survey
from bot.services.planning import plan_contact
from bot.services.sms_reach import settle_sms_for
from bot.storage.contacts import NewContact
from bot.storage.records import DialogState, Episode, Invite

RESPONDENT_CHOICES: list[ChoiceRow] = [
    [("buttons/respondent_patient", encode_enrol(Respondent.PATIENT))],
    [("buttons/respondent_family", encode_enrol(Respondent.FAMILY))],
]
RELATION_CHOICES: list[ChoiceRow] = [
    [(f"buttons/relation_{r}", encode_enrol(r)) for r in (Relation.SPOUSE, Relation.CHILD)],
    [(f"buttons/relation_{r}", encode_enrol(r)) for r in (Relation.PARENT, Relation.SIBLING)],
    [(f"buttons/relation_{Relation.OTHER}", encode_enrol(Relation.OTHER))],
]
CONSENT_CHOICES: list[ChoiceRow] = [
    [
        ("buttons/consent_agree", encode_enrol(ConsentChoice.YES)),
        ("buttons/consent_decline", encode_enrol(ConsentChoice.NO)),
    ]
]
EXPECTED_STEP: dict[type[EnrolAnswer], EnrolStep] = {
    Respondent: EnrolStep.RESPONDENT,
    Relation: EnrolStep.RELATION,
    ConsentChoice: EnrolStep.CONSENT,
}


def mask_name(name: str) -> str:
    """Show a name's first character only, e.g. 张** for 张三丰."""
    return name[:1] + "*" * max(len(name) - 1, 1)


async def usable_invite(services: Services, invite: Invite | None) -> Episode | None:
    """Return the invite's episode when it can still be used, else None."""
    now = services.clock.now()
    state = InviteState(invite.used_at, invite.expires_at, invite.locked_at) if invite else None
    problem = invite_problem(state, now)
    episode = await services.store.episodes.get(invite.episode_id) if invite else None
    if problem is None and episode is not None and episode.eligible:
        return episode
    return None


async def dialog_locale(services: Services, chat: int, data: dict[str, object]) -> str:
    """Return the language an enrolment dialog is held in: chosen at its start, else the chat's."""
    chosen = data.get("locale")
    if chosen is None:
        return await locale_of_chat(services.store, services.settings, chat)
    return effective_locale(str(chosen), services.settings.locale)


async def refuse_invite(services: Services, chat: int, invite: Invite | None, locale: str) -> None:
    """Tell the person politely that the invite cannot be used, and nothing else."""
    locked = invite is not None and invite.locked_at is not None
    await services.store.dialogs.clear(chat)
    await say_in(services, locale, chat, "enrol/locked" if locked else "enrol/invalid_link")


async def begin_enrolment(
    services: Services, chat: int, token: str, app_language: str | None
) -> None:
    """Open an invite and ask the identity question in the person's language.

    The list's language for the stay is used before the identity check: a greeting the reader
    can understand reveals nothing about the patient but a language.
    """
    store = services.store
    invite = await store.invites.by_hash(hash_token(token)) if looks_like_token(token) else None
    episode = await usable_invite(services, invite)
    listed = episode.language if episode else None
    locale = await enrolment_locale(store, services.settings, chat, listed, app_language)
    if invite is None or episode is None:
        await refuse_invite(services, chat, invite, locale)
        return
    question = identity_question(episode.phone, episode.birth_date)
    if question is None:
        await say_in(services, locale, chat, "enrol/cannot_verify")
        return
    data: dict[str, object] = {"invite_id": invite.id, "question": question.value, "locale": locale}
    await store.dialogs.save(chat, DIALOG_KIND, EnrolStep.IDENTITY, data, services.clock.now())
    hospital = services.settings.require_hospital_name()
    await say_in(
        services, locale, chat, "enrol/greeting", hospital=hospital, question=question.value
    )


async def answer_identity(
    services: Services, chat: int, data: dict[str, object], answer: str
) -> None:
    """Check the identity answer; lock the invite after too many wrong ones."""
    store = services.store
    locale = await dialog_locale(services, chat, data)
    invite = await store.invites.get(int(str(data["invite_id"])))
    episode = await usable_invite(services, invite)
    if invite is None or episode is None:
        await refuse_invite(services, chat, invite, locale)
        return
    question = IdentityQuestion(str(data["question"]))
    now = services.clock.now()
    if identity_matches(question, answer, episode.phone, episode.birth_date):
        await store.dialogs.save(chat, DIALOG_KIND, EnrolStep.RESPONDENT, data, now)
        masked = mask_name(episode.name)
        await say_in(
            services, locale, chat, "enrol/ask_respondent", RESPONDENT_CHOICES, masked_name=masked
        )
        return
    limit = services.settings.identity_attempts
    invite = await store.invites.record_failed_attempt(invite.id, limit, now)
    if invite.locked_at is not None:
        await refuse_invite(services, chat, invite, locale)
        return
    remaining = limit - invite.failed_attempts
    await say_in(
        services,
        locale,
        chat,
        "enrol/identity_wrong",
        question=question.value,
        remaining=remaining,
    )


async def take_enrol_text(services: Services, state: DialogState, text: str) -> None:
    """Typed words in an enrolment dialog: the identity answer, else a pointer to the choices."""
    if state.step == EnrolStep.IDENTITY:
        await answer_identity(services, state.chat_id, state.data, text)
    else:
        await say(services, state.chat_id, "common/use_buttons")


async def ask_consent(services: Services, chat: int, data: dict[str, object]) -> None:
    """Store the dialog at the consent step and show the consent text."""
    now = services.clock.now()
    await services.store.dialogs.save(chat, DIALOG_KIND, EnrolStep.CONSENT, data, now)
    hospital = services.settings.require_hospital_name()
    locale = await dialog_locale(services, chat, data)
    await say_in(services, locale, chat, "enrol/consent", CONSENT_CHOICES, hospital=hospital)


async def read_enrol_choice(
    services: Services, chat: int, choice_id: str
) -> tuple[DialogState, EnrolAnswer] | None:
    """Return the open enrolment dialog and the answer a choice gives it; None unless the
    choice answers the question the dialog waits for."""
    answer = decode_enrol(choice_id)
    state = await services.store.dialogs.get(chat)
    if answer is None or state is None or state.kind != DIALOG_KIND:
        return None
    return (state, answer) if state.step == EXPECTED_STEP[type(answer)] else None


async def take_enrol_choice(
    services: Services, state: DialogState, answer: EnrolAnswer, user_id: int | None = None
) -> None:
    """Take an answer to the open enrolment question (read with read_enrol_choice).

    `user_id` is the Telegram user who answered; a channel chat's user is its chat key.
    """
    if isinstance(answer, Respondent):
        await _on_respondent(services, state, answer)
    elif isinstance(answer, Relation):
        await ask_consent(services, state.chat_id, {**state.data, "relation": answer})
    else:
        await _on_decision(services, state, answer is ConsentChoice.YES, user_id)


async def _on_respondent(services: Services, state: DialogState, who: Respondent) -> None:
    data = {**state.data, "respondent": who.value}
    if who is Respondent.PATIENT:
        await ask_consent(services, state.chat_id, data)
        return
    now = services.clock.now()
    await services.store.dialogs.save(state.chat_id, DIALOG_KIND, EnrolStep.RELATION, data, now)
    locale = await dialog_locale(services, state.chat_id, state.data)
    await say_in(services, locale, state.chat_id, "enrol/ask_relation", RELATION_CHOICES)


async def _on_decision(
    services: Services, state: DialogState, agreed: bool, user_id: int | None
) -> None:
    decision = ConsentDecision.GRANTED if agreed else ConsentDecision.DECLINED
    now = services.clock.now()
    locale = await dialog_locale(services, state.chat_id, state.data)
    if "contact_ids" in state.data:
        ids = [int(i) for i in state.data["contact_ids"]]  # type: ignore[attr-defined]
        await services.store.contacts.set_consent(ids, decision, now, via=ConsentVia.START)
    elif not await _link_invited_chat(services, state, decision, locale, user_id):
        return
    await services.store.dialogs.clear(state.chat_id)
    if agreed:
        for contact in await services.store.contacts.for_chat(state.chat_id):
            if contact.consent == ConsentDecision.GRANTED:
                await plan_contact(services.store, services.scheduling, contact, now)
    await say_in(services, locale, state.chat_id, "enrol/agreed" if agreed else "enrol/declined")


async def _link_invited_chat(
    services: Services,
    state: DialogState,
    decision: ConsentDecision,
    locale: str,
    user_id: int | None,
) -> bool:
    store = services.store
    now = services.clock.now()
    invite_id = int(str(state.data["invite_id"]))
    invite = await store.invites.get(invite_id)
    episode = await store.episodes.get(invite.episode_id) if invite else None
    if episode is None or not await store.invites.mark_used(invite_id, now):
        await store.dialogs.clear(state.chat_id)
        await say_in(services, locale, state.chat_id, "enrol/invalid_link")
        return False
    relation = state.data.get("relation")
    channel, handle, user = await _reached_at(services, state.chat_id, user_id)
    new = NewContact(
        patient_id=episode.patient_id,
        episode_id=episode.id,
        chat_id=state.chat_id,
        user_id=user,
        respondent=str(state.data.get("respondent", Respondent.PATIENT)),
        relation=str(relation) if relation else None,
        locale=locale,
        channel=channel,
        handle=handle,
    )
    async with store.unit_of_work() as uow:  # the chat's answer decides for SMS too
        contact = await uow.contacts.link(new, decision, now, via=ConsentVia.INVITE)
        await settle_sms_for(uow, contact, now)
    return True


async def _reached_at(services: Services, chat: int, user_id: int | None) -> tuple[str, str, int]:
    """Return the channel, the address and the user of a chat: a channel chat's own address
    (its user is the chat key), else the Telegram chat and the user who answered."""
    address = await services.store.channel_chats.address_of(chat)
    if address is not None:
        return address.channel.value, address.chat, chat
    return ChannelName.TELEGRAM.value, str(chat), chat if user_id is None else user_id


async def show_start_status(services: Services, chat: int) -> None:
    """Start without an invite: end any dialog, then continue an open survey, or say where
    the chat stands (how to enrol, no follow-up, enrolled), or ask consent again."""
    store = services.store
    await store.dialogs.clear(chat)
    contacts = await store.contacts.for_chat(chat)
    hospital = services.settings.require_hospital_name()
    if survey := await open_survey(services, chat):
        await ask_current_question(services, survey)
    elif not contacts:
        await say(services, chat, "start/how_to_enrol", hospital=hospital)
    elif await all_stopped(store, [c.patient_id for c in contacts]):  # a death or a dispute
        await say(services, chat, "start/no_follow_up", hospital=hospital)
    elif any(c.consent == ConsentDecision.GRANTED for c in contacts):
        await say(services, chat, "start/enrolled", hospital=hospital)
    else:
        await ask_consent(services, chat, {"contact_ids": [c.id for c in contacts]})
