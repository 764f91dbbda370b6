"""What survey answers set in motion: red flags, complaints, praise, questions for staff.

A choice that opens a complaint (不满意) opens it at once, its text the question and answer;
the reason typed next (`add_to_complaint`) becomes that case's text rather than a second case.

Cases are opened inside the answer's unit of work (`open_cases`), so the answer, its cases
and the step marked answered are stored together or not at all; staff and the patient are
told after the commit (`announce`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from markupsafe import Markup

from bot.domain.cases import WORKED_KINDS, Case, CaseKind, CaseSource
from bot.domain.surveys.model import ACTION_ACKS, STAFF_ALERTS, Action, Question, QuestionType
from bot.services.asking import session_locale
from bot.services.case_texts import local_text
from bot.services.cases import patient_case
from bot.services.container import Services
from bot.services.messaging import say_in
from bot.services.red_flags import post_red_flag, red_flag_case
from bot.services.staff_lane import Job
from bot.storage.cases import NewCase
from bot.storage.surveys import SurveySession
from bot.storage.unit_of_work import Repositories

CASE_KINDS = {
    Action.RED_FLAG: CaseKind.RED_FLAG,
    Action.OPEN_COMPLAINT: CaseKind.COMPLAINT,
    Action.RECORD_PRAISE: CaseKind.PRAISE,
    Action.ASK_DOCTOR: CaseKind.QUESTION,
}
REASON_NOTE = "staff/case_reason_added"
ANOTHER_CASE = "surveys/common/case_registered"  # a second case of a kind in one check-in


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
    reason_added: bool = False  # a reason given to a complaint the previous answer opened


async def open_cases(
    repos: Repositories,
    services: Services,
    session: SurveySession,
    question: Question,
    answer: str,
    actions: tuple[Action, ...],
    shown: Shown,
) -> list[Opened]:
    """Store a case per action of the answer (within the caller's unit of work)."""
    opened = []
    for action in actions:
        if action is Action.ADD_TO_COMPLAINT:
            amended = await _add_reason(repos, session, question, answer)
            if amended is not None:
                opened.append(amended)
                continue
            action = Action.OPEN_COMPLAINT  # no complaint to add to: the reason opens one
        if action not in CASE_KINDS:
            continue
        kind = CASE_KINDS[action]
        earlier = await _session_cases(repos, session, kind)
        new = await _new_case(repos, services, session, question, answer, kind, shown)
        case = await repos.cases.open(new, services.clock.now())
        opened.append(Opened(action, case, not earlier))
    return opened


async def _session_cases(repos: Repositories, session: SurveySession, kind: CaseKind) -> list[Case]:
    """Return the cases of a kind the session's answers opened, oldest first."""
    return [
        c
        for c in await repos.cases.for_patient(session.patient_id)
        if c.session_id == session.id and c.kind is kind
    ]


async def _add_reason(
    repos: Repositories, session: SurveySession, question: Question, reason: str
) -> Opened | None:
    """Give the reason as the text of the complaint the conditioning answer opened."""
    asked_after = question.condition.question if question.condition else None
    complaints = [
        c
        for c in await _session_cases(repos, session, CaseKind.COMPLAINT)
        if c.question == asked_after
    ]
    if asked_after is None or not complaints:
        return None
    case = complaints[-1]
    await repos.cases.set_text(case.id, reason)
    return Opened(Action.OPEN_COMPLAINT, replace(case, text=reason), False, reason_added=True)


async def _new_case(
    repos: Repositories,
    services: Services,
    session: SurveySession,
    question: Question,
    answer: str,
    kind: CaseKind,
    shown: Shown,
) -> NewCase:
    if kind is not CaseKind.RED_FLAG:  # complaints, praise and questions are worked cases
        contact = await repos.contacts.get(session.contact_id)
        assert contact is not None
        source, session_id = CaseSource.SURVEY, session.id
        typed = question.type is QuestionType.FREE_TEXT
        text = answer if typed else f"{Markup(shown.question).striptags()} {shown.answer}"
        new = patient_case(services, contact, kind, text, "", None, source, session_id)
        return new if typed else replace(new, question=question.key, answer=answer)
    return red_flag_case(
        services,
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
    """Tell staff of each case (in the staff lane, after the patient's answer), and
    acknowledge to the patient once per kind and session."""
    locale = session_locale(services, session)
    for each in opened:
        services.staff_lane.defer(_staff_job(services, session, each, shown), case_id=each.case.id)
        numbered = _case_number(services, each.case)
        if each.first_of_kind:
            await say_in(services, locale, session.chat_id, ACTION_ACKS[each.action], **numbered)
        elif numbered and not each.reason_added:
            await say_in(services, locale, session.chat_id, ANOTHER_CASE, **numbered)


def _staff_job(services: Services, session: SurveySession, each: Opened, shown: Shown) -> Job:
    """Return what tells staff of an opened case, to run in the staff lane."""
    if each.reason_added:
        return lambda: _tell_reason(services, each.case)
    if each.case.kind is CaseKind.RED_FLAG:
        return lambda: _alert_staff(services, session, each.case, shown)
    return lambda: services.staff_desk.post_case(each.case)


def _case_number(services: Services, case: Case) -> dict[str, object]:
    """Return the case number (and answer date) a patient is given for a worked case, as
    /complain gives them; staff replies cite that number."""
    if case.kind not in WORKED_KINDS:
        return {}
    return {"number": case.id, "due": local_text(services.settings.zone, case.due_at)[:10]}


async def _tell_reason(services: Services, case: Case) -> None:
    """Show staff the reason on the complaint's card and in its thread."""
    posted = await services.store.cases.get(case.id)
    if posted is None or posted.staff_message_id is None:
        await services.staff_desk.post_case(case)  # not posted yet: post it, reason and all
        return
    await services.staff_desk.refresh_card(case.id)
    await services.staff_desk.post_note(posted, REASON_NOTE, text=case.text or "")


async def _alert_staff(
    services: Services, session: SurveySession, case: Case, shown: Shown
) -> None:
    key = STAFF_ALERTS.get(Action.RED_FLAG)
    if key is not None:
        question = Markup(shown.question)
        await post_red_flag(services, case, key, question=question, answer=shown.answer)
