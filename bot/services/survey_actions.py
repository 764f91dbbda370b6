"""What survey answers set in motion: red flags, complaints, praise, questions for staff."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.conversations.complaint import open_patient_case
from bot.channels.telegram.handlers.replies import send
from bot.domain.surveys.model import ACTION_ACKS, STAFF_ALERTS, Action, Question
from bot.services.alerts import post_to_staff
from bot.services.ports import Choice
from bot.storage.cases import CaseKind, NewCase
from bot.storage.surveys import SurveySession

CASE_KINDS = {
    Action.RED_FLAG: CaseKind.RED_FLAG,
    Action.OPEN_COMPLAINT: CaseKind.COMPLAINT,
    Action.RECORD_PRAISE: CaseKind.PRAISE,
    Action.ASK_DOCTOR: CaseKind.QUESTION,
}
ACK_LABEL = "buttons/case_ack"


@dataclass(frozen=True)
class Shown:
    """How a question and its answer read to staff: the rendered question, the answer's label."""

    question: str
    answer: str


async def run_actions(
    context: AppContext,
    session: SurveySession,
    question: Question,
    answer: str,
    actions: tuple[Action, ...],
    shown: Shown,
) -> None:
    """Open a case per action, tell the staff group, and acknowledge to the patient once."""
    for action in actions:
        if action in CASE_KINDS:
            await _open_case(context, session, question, answer, action, shown)


async def _open_case(
    context: AppContext,
    session: SurveySession,
    question: Question,
    answer: str,
    action: Action,
    shown: Shown,
) -> None:
    services = context.services
    kind = CASE_KINDS[action]
    earlier = [
        c
        for c in await services.store.cases.for_patient(session.patient_id)
        if c.session_id == session.id and c.kind == kind
    ]
    if kind is CaseKind.RED_FLAG:
        await _raise_red_flag(context, session, question, answer, shown)
    else:  # complaints, praise and questions are worked like any other case
        contact = await services.store.contacts.get(session.contact_id)
        assert contact is not None
        await open_patient_case(
            context, contact, kind, answer, "", None, source="survey", session_id=session.id
        )
    if not earlier:  # one acknowledgement per kind and session, however many answers flag
        await send(context, session.chat_id, ACTION_ACKS[action])


async def _raise_red_flag(
    context: AppContext, session: SurveySession, question: Question, answer: str, shown: Shown
) -> None:
    services = context.services
    case = await services.store.cases.open(
        NewCase(
            kind=CaseKind.RED_FLAG,
            patient_id=session.patient_id,
            episode_id=session.episode_id,
            contact_id=session.contact_id,
            source="survey",
            session_id=session.id,
            question=question.key,
            answer=answer,
        ),
        services.clock.now(),
    )
    await _tell_staff(context, session, case.id, Action.RED_FLAG, shown)


async def _tell_staff(
    context: AppContext,
    session: SurveySession,
    case_id: int,
    action: Action,
    shown: Shown,
) -> None:
    key = STAFF_ALERTS.get(action)
    episode = await context.services.store.episodes.get(session.episode_id)
    if key is None or episode is None:
        return
    label = context.services.renderer.render(ACK_LABEL, context.services.locale)
    choices = ((Choice(f"ack:{case_id}", label),),)
    sent = await post_to_staff(
        context,
        key,
        episode,
        choices,
        question=Markup(shown.question),
        answer=shown.answer,
        text=shown.answer,
    )
    if sent is not None:
        await context.services.store.cases.set_staff_message(
            case_id, int(sent.address.chat), int(sent.ref)
        )
