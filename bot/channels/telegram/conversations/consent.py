"""Enrolment, second half: who is answering, then the consent decision."""

from __future__ import annotations

from telegram import CallbackQuery, Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.conversations.enrolment import dialog_locale
from bot.channels.telegram.handlers.replies import Button, refuse_button, send_in, settle
from bot.domain.choices import ConsentChoice, EnrolAnswer, decode_enrol, encode_enrol
from bot.domain.consent import ConsentVia
from bot.domain.enrolment import DIALOG_KIND, ConsentDecision, EnrolStep, Relation, Respondent
from bot.services.planning import plan_contact
from bot.storage.contacts import NewContact
from bot.storage.records import DialogState

RELATION_BUTTONS: list[list[Button]] = [
    [(f"buttons/relation_{r}", encode_enrol(r)) for r in (Relation.SPOUSE, Relation.CHILD)],
    [(f"buttons/relation_{r}", encode_enrol(r)) for r in (Relation.PARENT, Relation.SIBLING)],
    [(f"buttons/relation_{Relation.OTHER}", encode_enrol(Relation.OTHER))],
]
CONSENT_BUTTONS: list[list[Button]] = [
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


async def ask_consent(context: AppContext, chat_id: int, data: dict[str, object]) -> None:
    """Store the dialog at the consent step and show the consent text."""
    now = context.services.clock.now()
    await context.services.store.dialogs.save(chat_id, DIALOG_KIND, EnrolStep.CONSENT, data, now)
    hospital = context.services.settings.require_hospital_name()
    locale = await dialog_locale(context, chat_id, data)
    await send_in(context, locale, chat_id, "enrol/consent", CONSENT_BUTTONS, hospital=hospital)


async def on_enrol_button(update: Update, context: AppContext) -> None:
    """Route an enrolment button press, refusing it unless it answers the open question."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    answer = decode_enrol(query.data or "")
    state = await context.services.store.dialogs.get(update.effective_chat.id)
    if answer is None or not _answers_open_question(answer, state):
        await refuse_button(context, query)
        return
    assert state is not None
    await settle(query)
    if isinstance(answer, Respondent):
        await _on_respondent(context, state, answer)
    elif isinstance(answer, Relation):
        await ask_consent(context, state.chat_id, {**state.data, "relation": answer})
    else:
        await _on_decision(context, query, state, answer is ConsentChoice.YES)


def _answers_open_question(answer: EnrolAnswer, state: DialogState | None) -> bool:
    if state is None or state.kind != DIALOG_KIND:
        return False
    return state.step == EXPECTED_STEP[type(answer)]


async def _on_respondent(context: AppContext, state: DialogState, who: Respondent) -> None:
    data = {**state.data, "respondent": who.value}
    if who is Respondent.PATIENT:
        await ask_consent(context, state.chat_id, data)
        return
    now = context.services.clock.now()
    await context.services.store.dialogs.save(
        state.chat_id, DIALOG_KIND, EnrolStep.RELATION, data, now
    )
    locale = await dialog_locale(context, state.chat_id, state.data)
    await send_in(context, locale, state.chat_id, "enrol/ask_relation", RELATION_BUTTONS)


async def _on_decision(
    context: AppContext, query: CallbackQuery, state: DialogState, agreed: bool
) -> None:
    decision = ConsentDecision.GRANTED if agreed else ConsentDecision.DECLINED
    services = context.services
    now = services.clock.now()
    locale = await dialog_locale(context, state.chat_id, state.data)
    if "contact_ids" in state.data:
        ids = [int(i) for i in state.data["contact_ids"]]  # type: ignore[attr-defined]
        await services.store.contacts.set_consent(ids, decision, now, via=ConsentVia.START)
    elif not await _link_invited_chat(context, query, state, decision, locale):
        return
    await services.store.dialogs.clear(state.chat_id)
    if agreed:
        for contact in await services.store.contacts.for_chat(state.chat_id):
            if contact.consent == ConsentDecision.GRANTED:
                await plan_contact(services.store, services.scheduling, contact, now)
    await send_in(context, locale, state.chat_id, "enrol/agreed" if agreed else "enrol/declined")


async def _link_invited_chat(
    context: AppContext,
    query: CallbackQuery,
    state: DialogState,
    decision: ConsentDecision,
    locale: str,
) -> bool:
    store = context.services.store
    now = context.services.clock.now()
    invite_id = int(str(state.data["invite_id"]))
    invite = await store.invites.get(invite_id)
    episode = await store.episodes.get(invite.episode_id) if invite else None
    if episode is None or not await store.invites.mark_used(invite_id, now):
        await store.dialogs.clear(state.chat_id)
        await send_in(context, locale, state.chat_id, "enrol/invalid_link")
        return False
    relation = state.data.get("relation")
    new = NewContact(
        patient_id=episode.patient_id,
        episode_id=episode.id,
        chat_id=state.chat_id,
        user_id=query.from_user.id,
        respondent=str(state.data.get("respondent", Respondent.PATIENT)),
        relation=str(relation) if relation else None,
        locale=locale,
    )
    await store.contacts.link(new, decision, now, via=ConsentVia.INVITE)
    return True
