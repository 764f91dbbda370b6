"""Survey sessions and their answers: a survey can be answered over hours or days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Join, insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.surveys.status import FINISHED, UNFINISHED, SurveyStatus
from bot.storage.connections import Connections, reading
from bot.storage.contacts import chat_locale
from bot.storage.schema import (
    OPEN_SURVEY,
    contacts,
    departments,
    episodes,
    patients,
    survey_answers,
    survey_sessions,
)
from bot.storage.tallies import count_answer, stay_key

s = survey_sessions
OPEN_STATUSES = UNFINISHED
_COLUMNS = (
    s.c.id,
    s.c.message_id,
    s.c.contact_id,
    s.c.patient_id,
    s.c.episode_id,
    s.c.survey,
    s.c.plan_key,
    s.c.respondent,
    s.c.relation,
    s.c.status,
    s.c.current_question,
    s.c.expires_at,
    contacts.c.chat_id,
    episodes.c.flags,
    patients.c.name.label("patient_name"),
    episodes.c.department_id,
    departments.c.name.label("department"),
    episodes.c.discharged_at,
    chat_locale(s.c.chat_id).scalar_subquery().label("locale"),
)
_ANSWER_COLUMNS = (survey_answers.c.question, survey_answers.c.value, survey_answers.c.text)


def _joined() -> Join:
    """Return sessions with their contact, stay, patient and department."""
    return (
        s.join(contacts, contacts.c.id == s.c.contact_id)
        .join(episodes, episodes.c.id == s.c.episode_id)
        .join(patients, patients.c.id == episodes.c.patient_id)
        .join(departments, departments.c.id == episodes.c.department_id)
    )


def _answer_of(value: str, text: str | None) -> str:
    """The answer as questions see it: the text of a free-text answer, else its value."""
    return text if text is not None else value


@dataclass(frozen=True)
class SurveySession:
    id: int
    message_id: int | None
    contact_id: int
    patient_id: int
    episode_id: int
    survey: str
    plan_key: str | None
    respondent: str
    relation: str | None
    status: SurveyStatus
    current_question: str | None
    expires_at: datetime
    chat_id: int
    flags: str | None  # the stay's 特殊标记 (plan-specific questions)
    patient_name: str
    department_id: int
    department: str
    discharged_at: datetime
    locale: str | None  # the language stored for the chat (None: the hospital's)

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", SurveyStatus(self.status))


@dataclass(frozen=True)
class AnsweredSoFar:
    """A session with the answers given so far: question -> answer."""

    session: SurveySession
    answers: dict[str, str]


_SESSION_FIELDS = tuple(column.name for column in _COLUMNS)


@dataclass(frozen=True)
class NewSession:
    message_id: int | None
    contact_id: int
    patient_id: int
    episode_id: int
    survey: str
    plan_key: str | None
    respondent: str
    relation: str | None


class SurveyRepository:
    def __init__(self, engine: Connections) -> None:
        self._engine = engine

    async def open_for_message(
        self, new: NewSession, first_question: str | None, now: datetime, expires_at: datetime
    ) -> SurveySession:
        """Return the message's survey session, reopened, or start one."""
        async with self._engine.begin() as conn:
            found = await _open_or_start(conn, new, first_question, now, expires_at)
        session = await self.get(found)
        assert session is not None
        return session

    async def open_unless_busy(
        self,
        new: NewSession,
        chat_id: int,
        first_question: str | None,
        now: datetime,
        expires_at: datetime,
    ) -> SurveySession | None:
        """Open (or resume) the message's survey; None while another is open in the chat.

        The check and the insert share one transaction, and the database keeps one open
        survey per chat, so two check-ins composed at once cannot both open.
        """
        try:
            async with self._engine.begin() as conn:
                if await _other_open(conn, chat_id, new.message_id):
                    return None
                found = await _open_or_start(conn, new, first_question, now, expires_at)
        except IntegrityError:
            async with reading(self._engine) as conn:
                if await _other_open(conn, chat_id, new.message_id):
                    return None  # another check-in opened in the chat meanwhile
            raise
        return await self.get(found)

    async def busy(self, chat_id: int, message_id: int | None) -> bool:
        """Say whether a survey other than the message's own is open in the chat."""
        async with reading(self._engine) as conn:
            return await _other_open(conn, chat_id, message_id)

    async def get(self, session_id: int) -> SurveySession | None:
        """Return a session with its chat."""
        query = select(*_COLUMNS).select_from(_joined()).where(s.c.id == session_id)
        async with reading(self._engine) as conn:
            row = (await conn.execute(query)).mappings().first()
        return SurveySession(**row) if row else None

    async def with_answers(self, session_id: int) -> AnsweredSoFar | None:
        """Return a session with its answers so far, read in one query."""
        query = (
            select(*_COLUMNS, *_ANSWER_COLUMNS)
            .select_from(_joined().outerjoin(survey_answers, survey_answers.c.session_id == s.c.id))
            .where(s.c.id == session_id)
        )
        async with reading(self._engine) as conn:
            rows = (await conn.execute(query)).mappings().all()
        if not rows:
            return None
        session = SurveySession(**{column: rows[0][column] for column in _SESSION_FIELDS})
        answers = {
            row["question"]: _answer_of(row["value"], row["text"])
            for row in rows
            if row["question"] is not None
        }
        return AnsweredSoFar(session, answers)

    async def open_for_chat(self, chat_id: int) -> list[SurveySession]:
        """Return the chat's unfinished sessions, oldest first."""
        query = (
            select(*_COLUMNS)
            .select_from(_joined())
            .where(contacts.c.chat_id == chat_id, s.c.status.in_(OPEN_STATUSES))
            .order_by(s.c.id)
        )
        async with reading(self._engine) as conn:
            return [SurveySession(**row) for row in (await conn.execute(query)).mappings()]

    async def answers(self, session_id: int) -> dict[str, str]:
        """Return question -> answer (the text for free-text questions)."""
        query = select(*_ANSWER_COLUMNS)
        async with reading(self._engine) as conn:
            rows = await conn.execute(query.where(survey_answers.c.session_id == session_id))
            return {q: _answer_of(value, text) for q, value, text in rows.all()}

    async def record_answer(
        self,
        session: SurveySession,
        question: str,
        value: str,
        text: str | None,
        now: datetime,
        next_question: str | None,
        status: str,
    ) -> bool:
        """Store an answer and move the session on; False if the question was not open."""
        async with self._engine.begin() as conn:
            moved = await conn.execute(
                update(s)
                .where(s.c.id == session.id, s.c.current_question == question)
                .where(s.c.status == SurveyStatus.OPEN)
                .values(
                    current_question=next_question,
                    misread_count=0,
                    status=status,
                    updated_at=now,
                    finished_at=now if status in FINISHED else None,
                )
            )
            if moved.rowcount != 1:
                return False
            await conn.execute(
                insert(survey_answers).values(
                    session_id=session.id,
                    question=question,
                    value=value,
                    text=text,
                    respondent=session.respondent,
                    relation=session.relation,
                    at=now,
                )
            )
            stay = stay_key(session.discharged_at, session.department_id)
            await count_answer(conn, stay, question, value)
        return True

    async def note_misread(self, session_id: int, question: str, now: datetime) -> int:
        """Count a typed answer to the open question that was not understood; return how
        many there have been (0 when the question is no longer open)."""
        async with self._engine.begin() as conn:
            moved = await conn.execute(
                update(s)
                .where(s.c.id == session_id, s.c.current_question == question)
                .where(s.c.status == SurveyStatus.OPEN)
                .values(misread_count=s.c.misread_count + 1, updated_at=now)
            )
            if moved.rowcount != 1:
                return 0
            found = await conn.execute(select(s.c.misread_count).where(s.c.id == session_id))
            return int(found.scalar_one())

    async def set_respondent(self, session_id: int, respondent: str) -> None:
        """Record who is answering (the patient or a family member)."""
        async with self._engine.begin() as conn:
            await conn.execute(update(s).where(s.c.id == session_id).values(respondent=respondent))

    async def pause(self, session_id: int, now: datetime) -> None:
        """Pause a session until its check-in is sent again."""
        async with self._engine.begin() as conn:
            await conn.execute(
                update(s)
                .where(s.c.id == session_id)
                .values(status=SurveyStatus.PAUSED, updated_at=now)
            )

    async def close_for_contacts(self, contact_ids: list[int], now: datetime) -> None:
        """Close the unfinished sessions of contacts that stopped, as partial."""
        async with self._engine.begin() as conn:
            await conn.execute(
                update(s)
                .where(s.c.contact_id.in_(contact_ids), s.c.status.in_(OPEN_STATUSES))
                .values(status=SurveyStatus.PARTIAL, finished_at=now, updated_at=now)
            )

    async def expire(self, now: datetime) -> list[int]:
        """Close unfinished sessions past their expiry as partial; return their ids."""
        async with self._engine.begin() as conn:
            query = select(s.c.id).where(s.c.status.in_(OPEN_STATUSES), s.c.expires_at < now)
            ids = list((await conn.execute(query)).scalars())
            if ids:
                await conn.execute(
                    update(s)
                    .where(s.c.id.in_(ids))
                    .values(status=SurveyStatus.PARTIAL, finished_at=now, updated_at=now)
                )
        return ids


async def _other_open(conn: AsyncConnection, chat_id: int, message_id: int | None) -> bool:
    """Say whether another survey than the message's own is open in the chat."""
    # written as the one-open-survey-per-chat index has it: with the status as a parameter
    # SQLite cannot use that partial index, and read every session ever opened
    query = select(s.c.id).where(s.c.chat_id == chat_id, text(OPEN_SURVEY))
    if message_id is not None:
        query = query.where(or_(s.c.message_id.is_(None), s.c.message_id != message_id))
    return (await conn.execute(query.limit(1))).first() is not None


async def _open_or_start(
    conn: AsyncConnection,
    new: NewSession,
    first_question: str | None,
    now: datetime,
    expires_at: datetime,
) -> int:
    """Reopen the message's unfinished session, or insert one; return its id."""
    found = None
    if new.message_id is not None:
        query = select(s.c.id).where(s.c.message_id == new.message_id)
        found = (await conn.execute(query.where(s.c.status.in_(OPEN_STATUSES)))).scalar()
    if found is not None:
        await conn.execute(
            update(s).where(s.c.id == found).values(status=SurveyStatus.OPEN, updated_at=now)
        )
        return int(found)
    chat = select(contacts.c.chat_id).where(contacts.c.id == new.contact_id).scalar_subquery()
    values = {
        **new.__dict__,
        "chat_id": chat,
        "status": SurveyStatus.OPEN,
        "current_question": first_question,
        "started_at": now,
        "updated_at": now,
        "expires_at": expires_at,
    }
    result = await conn.execute(insert(s).values(values).returning(s.c.id))
    return int(result.scalar_one())
