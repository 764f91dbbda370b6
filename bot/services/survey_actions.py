"""What survey answers set in motion: red flags, complaints, praise, questions for staff."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from bot.domain.cases import CaseKind, CaseSource
from bot.domain.surveys.model import ACTION_ACKS, STAFF_ALERTS, Action, Question
from bot.services.case_replies import tell_patient
from bot.services.cases import open_patient_case
from bot.services.container import Services
from bot.storage.cases import NewCase
from bot.storage.surveys import SurveySession

CASE_KINDS = {
    Action.RED_FLAG: CaseKind.RED_FLAG,
    Action.OPEN_COMPLAINT: CaseKind.COMPLAINT,
    Action.RECORD_PRAISE: CaseKind.PRAISE,
    Action.ASK_DOCTOR: CaseKind.QUESTION,
}


@dataclass(frozen=True)
class Shown:
    """How a question and its answer read to staff: the rendered question, the answer's label."""

    question: str
    answer: str


async def run_actions(
    services: Services,
    session: SurveySession,
    question: Question,
    answer: str,
    actions: tuple[Action, ...],
    shown: Shown,
) -> None:
    """Open a case per action, tell the staff group, and acknowledge to the patient once."""
    for action in actions:
        if action in CASE_KINDS:
            await _open_case(services, session, question, answer, action, shown)


async def _open_case(
    services: Services,
    session: SurveySession,
    question: Question,
    answer: str,
    action: Action,
    shown: Shown,
) -> None:
    kind = CASE_KINDS[action]
    earlier = [
        c
        for c in await services.store.cases.for_patient(session.patient_id)
        if c.session_id == session.id and c.kind is kind
    ]
    if kind is CaseKind.RED_FLAG:
        await _raise_red_flag(services, session, question, answer, shown)
    else:  # complaints, praise and questions are worked like any other case
        contact = await services.store.contacts.get(session.contact_id)
        assert contact is not None
        await open_patient_case(
            services,
            contact,
            kind,
            answer,
            "",
            None,
            source=CaseSource.SURVEY,
            session_id=session.id,
        )
    if not earlier:  # one acknowledgement per kind and session, however many answers flag
        await tell_patient(services, session.chat_id, ACTION_ACKS[action])


async def _raise_red_flag(
    services: Services, session: SurveySession, question: Question, answer: str, shown: Shown
) -> None:
    case = await services.store.cases.open(
        NewCase(
            kind=CaseKind.RED_FLAG,
            patient_id=session.patient_id,
            episode_id=session.episode_id,
            contact_id=session.contact_id,
            source=CaseSource.SURVEY,
            session_id=session.id,
            question=question.key,
            answer=answer,
        ),
        services.clock.now(),
    )
    key = STAFF_ALERTS.get(Action.RED_FLAG)
    episode = await services.store.episodes.get(session.episode_id)
    if key is None or episode is None:
        return
    posted = await services.staff_desk.post_alert(
        key,
        episode,
        acknowledge=case.id,
        question=Markup(shown.question),
        answer=shown.answer,
        text=shown.answer,
    )
    if posted is not None:
        await services.store.cases.set_staff_message(case.id, posted.chat_id, posted.message_id)
