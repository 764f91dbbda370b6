"""What survey answers set in motion: red flags, complaints, praise, questions for staff.

Cases are opened inside the answer's unit of work (`open_cases`), so the answer, its cases
and the step marked answered are stored together or not at all; staff and the patient are
told after the commit (`announce`).
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from bot.domain.cases import Case, CaseKind, CaseSource
from bot.domain.surveys.model import ACTION_ACKS, STAFF_ALERTS, Action, Question
from bot.services.cases import patient_case
from bot.services.container import Services
from bot.services.messaging import say
from bot.storage.cases import NewCase
from bot.storage.surveys import SurveySession
from bot.storage.unit_of_work import Repositories

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


@dataclass(frozen=True)
class Opened:
    """A case an answer opened, and whether it is the first of its kind in the session."""

    action: Action
    case: Case
    first_of_kind: bool


async def open_cases(
    repos: Repositories,
    services: Services,
    session: SurveySession,
    question: Question,
    answer: str,
    actions: tuple[Action, ...],
) -> list[Opened]:
    """Store a case per action of the answer (within the caller's unit of work)."""
    opened = []
    for action in actions:
        if action not in CASE_KINDS:
            continue
        kind = CASE_KINDS[action]
        earlier = [
            c
            for c in await repos.cases.for_patient(session.patient_id)
            if c.session_id == session.id and c.kind is kind
        ]
        new = await _new_case(repos, services, session, question, answer, kind)
        case = await repos.cases.open(new, services.clock.now())
        opened.append(Opened(action, case, not earlier))
    return opened


async def _new_case(
    repos: Repositories,
    services: Services,
    session: SurveySession,
    question: Question,
    answer: str,
    kind: CaseKind,
) -> NewCase:
    if kind is not CaseKind.RED_FLAG:  # complaints, praise and questions are worked cases
        contact = await repos.contacts.get(session.contact_id)
        assert contact is not None
        source, session_id = CaseSource.SURVEY, session.id
        return patient_case(services, contact, kind, answer, "", None, source, session_id)
    return NewCase(
        kind=CaseKind.RED_FLAG,
        patient_id=session.patient_id,
        episode_id=session.episode_id,
        contact_id=session.contact_id,
        source=CaseSource.SURVEY,
        session_id=session.id,
        question=question.key,
        answer=answer,
    )


async def announce(
    services: Services, session: SurveySession, opened: list[Opened], shown: Shown
) -> None:
    """Tell staff of each case, and acknowledge to the patient once per kind and session."""
    for each in opened:
        if each.case.kind is CaseKind.RED_FLAG:
            await _alert_staff(services, session, each.case, shown)
        else:
            await services.staff_desk.post_case(each.case)
        if each.first_of_kind:
            await say(services, session.chat_id, ACTION_ACKS[each.action])


async def _alert_staff(
    services: Services, session: SurveySession, case: Case, shown: Shown
) -> None:
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
