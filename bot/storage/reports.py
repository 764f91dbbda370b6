"""Rows for the monthly report: the registers and every answer, scoped like the statistics."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Select, or_, select

from bot.domain.cases import CaseKind
from bot.domain.exports import AnswerSelection
from bot.domain.messages import MessageKind, MessageStatus
from bot.domain.step_answers import StepAnswer
from bot.storage.connections import Connections, reading
from bot.storage.schema import (
    case_events,
    cases,
    departments,
    episodes,
    patients,
    scheduled_messages,
    staff_members,
    survey_answers,
    survey_sessions,
)
from bot.storage.stats import REACHED, Scope

m = scheduled_messages
assignee = staff_members.alias("assignee")
handler_department = departments.alias("handler_department")  # the assignee's department
PERSON = (patients.c.name, patients.c.hospital_no, patients.c.phone, departments.c.name)


def _with_patient(query: Select[Any], table: Any) -> Select[Any]:
    return query.select_from(
        table.join(episodes, episodes.c.id == table.c.episode_id)
        .join(patients, patients.c.id == episodes.c.patient_id)
        .join(departments, departments.c.id == episodes.c.department_id)
    )


class RegisterRow(NamedTuple):
    """A complaint or praise as its register needs it (codes; the service puts them in words)."""

    id: int
    created_at: datetime
    respondent: str | None
    relation: str | None
    patient: str
    hospital_no: str
    phone: str | None
    department: str
    concerned: str | None
    text: str | None
    due_at: datetime | None
    status: str
    outcome: str | None
    summary: str | None
    answered_at: datetime | None
    closed_at: datetime | None
    handling_satisfaction: str | None
    source: str
    question: str | None
    survey: str | None
    handler_department: str | None
    answer: str | None
    answer_overdue_at: datetime | None  # the answer deadline passed unanswered (the sweep)


class CaseEventRow(NamedTuple):
    case_id: int
    at: datetime
    staff_name: str | None
    kind: str
    detail: str | None


class AnswerRecord(NamedTuple):
    """One survey answer with the patient, stay and session it belongs to (codes as stored)."""

    name: str
    hospital_no: str
    phone: str | None
    department: str
    discharged_at: datetime
    plan_key: str | None
    survey: str
    step_key: str | None
    question: str
    value: str
    text: str | None
    respondent: str
    relation: str | None
    at: datetime


class ReportRepository:
    def __init__(self, engine: Connections) -> None:
        self._engine = engine

    async def cases(self, scope: Scope, kind: CaseKind) -> list[RegisterRow]:
        """Return the register of complaints or praise raised in the period."""
        query = _with_patient(
            select(
                cases.c.id,
                cases.c.created_at,
                cases.c.respondent,
                cases.c.relation,
                *PERSON,
                cases.c.concerned,
                cases.c.text,
                cases.c.due_at,
                cases.c.status,
                cases.c.outcome,
                cases.c.summary,
                cases.c.answered_at,
                cases.c.closed_at,
                cases.c.handling_satisfaction,
                cases.c.source,
                cases.c.question,
                survey_sessions.c.survey,
                handler_department.c.name,
                cases.c.answer,
                cases.c.answer_overdue_at,
            ),
            cases,
        )
        query = (
            query.outerjoin(survey_sessions, survey_sessions.c.id == cases.c.session_id)
            .outerjoin(assignee, assignee.c.user_id == cases.c.assignee_id)
            .outerjoin(handler_department, handler_department.c.id == assignee.c.department_id)
        )
        found = query.where(*scope.cases(), cases.c.kind == kind.value).order_by(cases.c.id)
        return [RegisterRow(*row) for row in await self._rows(found)]

    async def case_events(self, scope: Scope, kind: CaseKind) -> list[CaseEventRow]:
        """Return (case, at, staff name, event kind, detail) of the cases in `cases`, in order."""
        query = (
            select(
                case_events.c.case_id,
                case_events.c.at,
                staff_members.c.name,
                case_events.c.kind,
                case_events.c.detail,
            )
            .select_from(
                case_events.join(cases, cases.c.id == case_events.c.case_id)
                .join(episodes, episodes.c.id == cases.c.episode_id)
                .outerjoin(staff_members, staff_members.c.user_id == case_events.c.actor_id)
            )
            .where(*scope.cases(), cases.c.kind == kind.value)
        )
        return [CaseEventRow(*row) for row in await self._rows(query.order_by(case_events.c.id))]

    async def failed_follow_ups(self, scope: Scope) -> list[tuple[Any, ...]]:
        """Return the check-ins that failed, with their reason."""
        query = _with_patient(
            select(*PERSON, m.c.step_key, m.c.tries, m.c.failure_reason, m.c.updated_at), m
        )
        return await self._rows(
            query.where(
                *scope.episodes(),
                m.c.kind == MessageKind.CHECKIN.value,
                m.c.status == MessageStatus.FAILED.value,
            ).order_by(m.c.id)
        )

    async def medicines_not_taken(self, scope: Scope) -> list[tuple[Any, ...]]:
        """Return the medicine reminders sent whose last final answer is not "taken" (skipped,
        or none: None), as adherence counts them."""
        query = _with_patient(select(*PERSON, m.c.step_key, m.c.final_answer), m)
        return await self._rows(
            query.where(
                *scope.episodes(),
                m.c.kind == MessageKind.MEDICATION.value,
                m.c.status.in_(REACHED),
                or_(m.c.final_answer.is_(None), m.c.final_answer != StepAnswer.TAKEN.value),
            ).order_by(m.c.id)
        )

    async def answers(self, scope: Scope) -> list[tuple[Any, ...]]:
        """Return one row per survey answer of the stays discharged in the period: the person
        and place, then survey, step, question, value, text, respondent, relation and time."""
        query = _answers_query(PERSON).where(*scope.episodes())
        return await self._rows(query.order_by(survey_answers.c.id))

    async def answer_records(self, scope: Scope, selection: AnswerSelection) -> list[AnswerRecord]:
        """Return the answers given in the scope's period, or of stays discharged in it."""
        query = _answers_query((*PERSON, episodes.c.discharged_at, survey_sessions.c.plan_key))
        if selection is AnswerSelection.ANSWERED:
            query = query.where(survey_answers.c.at >= scope.start, survey_answers.c.at < scope.end)
            if scope.department_id is not None:
                query = query.where(episodes.c.department_id == scope.department_id)
        else:
            query = query.where(*scope.episodes())
        return [AnswerRecord(*row) for row in await self._rows(query.order_by(survey_answers.c.id))]

    async def _rows(self, query: Select[Any]) -> list[tuple[Any, ...]]:
        async with reading(self._engine) as conn:
            return [tuple(row) for row in (await conn.execute(query)).all()]


def _answers_query(person: tuple[Any, ...]) -> Select[Any]:
    """Survey answers with the person's columns given, then survey, step, question, value,
    text, respondent, relation and time (only the columns asked for are read: a month holds
    about 90,000 answers)."""
    joined = (
        survey_answers.join(survey_sessions)
        .join(episodes, episodes.c.id == survey_sessions.c.episode_id)
        .join(patients, patients.c.id == episodes.c.patient_id)
        .join(departments, departments.c.id == episodes.c.department_id)
        .outerjoin(m, m.c.id == survey_sessions.c.message_id)
    )
    return select(
        *person,
        survey_sessions.c.survey,
        m.c.step_key,
        survey_answers.c.question,
        survey_answers.c.value,
        survey_answers.c.text,
        survey_answers.c.respondent,
        survey_answers.c.relation,
        survey_answers.c.at,
    ).select_from(joined)
