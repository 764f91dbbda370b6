"""Rows for the monthly report: the registers and every answer, scoped like the statistics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select

from bot.domain.cases import CaseKind
from bot.domain.exports import AnswerSelection
from bot.domain.messages import MessageKind, MessageStatus
from bot.storage.connections import Connections
from bot.storage.schema import (
    cases,
    departments,
    episodes,
    patients,
    scheduled_messages,
    survey_answers,
    survey_sessions,
)
from bot.storage.stats import Scope

m = scheduled_messages
PERSON = (patients.c.name, patients.c.hospital_no, patients.c.phone, departments.c.name)


def _with_patient(query: Select[Any], table: Any) -> Select[Any]:
    return query.select_from(
        table.join(episodes, episodes.c.id == table.c.episode_id)
        .join(patients, patients.c.id == episodes.c.patient_id)
        .join(departments, departments.c.id == episodes.c.department_id)
    )


@dataclass(frozen=True)
class AnswerRecord:
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

    async def cases(self, scope: Scope, kind: CaseKind) -> list[tuple[Any, ...]]:
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
            ),
            cases,
        )
        return await self._rows(
            query.where(*scope.cases(), cases.c.kind == kind.value).order_by(cases.c.id)
        )

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

    async def answers(self, scope: Scope) -> list[tuple[Any, ...]]:
        """Return one row per survey answer."""
        joined = (
            survey_answers.join(survey_sessions)
            .join(episodes, episodes.c.id == survey_sessions.c.episode_id)
            .join(patients, patients.c.id == episodes.c.patient_id)
            .join(departments, departments.c.id == episodes.c.department_id)
            .outerjoin(m, m.c.id == survey_sessions.c.message_id)
        )
        query = select(
            *PERSON,
            survey_sessions.c.survey,
            m.c.step_key,
            survey_answers.c.question,
            survey_answers.c.value,
            survey_answers.c.text,
            survey_answers.c.respondent,
            survey_answers.c.relation,
            survey_answers.c.at,
        ).select_from(joined)
        return await self._rows(query.where(*scope.episodes()).order_by(survey_answers.c.id))

    async def answer_records(self, scope: Scope, selection: AnswerSelection) -> list[AnswerRecord]:
        """Return the answers given in the scope's period, or of stays discharged in it."""
        joined = (
            survey_answers.join(survey_sessions)
            .join(episodes, episodes.c.id == survey_sessions.c.episode_id)
            .join(patients, patients.c.id == episodes.c.patient_id)
            .join(departments, departments.c.id == episodes.c.department_id)
            .outerjoin(m, m.c.id == survey_sessions.c.message_id)
        )
        query = select(
            *PERSON,
            episodes.c.discharged_at,
            survey_sessions.c.plan_key,
            survey_sessions.c.survey,
            m.c.step_key,
            survey_answers.c.question,
            survey_answers.c.value,
            survey_answers.c.text,
            survey_answers.c.respondent,
            survey_answers.c.relation,
            survey_answers.c.at,
        ).select_from(joined)
        if selection is AnswerSelection.ANSWERED:
            query = query.where(survey_answers.c.at >= scope.start, survey_answers.c.at < scope.end)
            if scope.department_id is not None:
                query = query.where(episodes.c.department_id == scope.department_id)
        else:
            query = query.where(*scope.episodes())
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query.order_by(survey_answers.c.id))).all()
        return [AnswerRecord(*tuple(row)) for row in rows]

    async def _rows(self, query: Select[Any]) -> list[tuple[Any, ...]]:
        async with self._engine.connect() as conn:
            return [tuple(row) for row in (await conn.execute(query)).all()]
