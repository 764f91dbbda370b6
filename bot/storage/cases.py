"""Cases staff must handle: red flags, complaints, praise and questions for the doctor."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, RowMapping, insert, or_, select, update

from bot.domain.cases import (
    THREAD_EVENTS,
    Case,
    CaseEvent,
    CaseEventKind,
    CaseKind,
    CaseSource,
    CaseStatus,
    HandlingSatisfaction,
    Outcome,
    StaffPost,
)
from bot.domain.red_flags import RedFlagOutcome
from bot.storage.case_transitions import CaseTransitions, add_event
from bot.storage.connections import reading
from bot.storage.schema import case_events, cases


@dataclass(frozen=True)
class NewCase:
    kind: CaseKind
    patient_id: int
    episode_id: int
    contact_id: int | None
    source: CaseSource
    session_id: int | None = None
    question: str | None = None
    answer: str | None = None
    text: str | None = None
    due_at: datetime | None = None
    ack_due_at: datetime | None = None
    respondent: str | None = None
    relation: str | None = None
    concerned: str | None = None
    photo_file_id: str | None = None


def case_of(row: RowMapping) -> Case:
    """Build a case from its row, its codes as enums."""
    outcome, rating = row["outcome"], row["handling_satisfaction"]
    red_flag_outcome = row["red_flag_outcome"]
    return Case(
        **{
            **row,
            "kind": CaseKind(row["kind"]),
            "status": CaseStatus(row["status"]),
            "outcome": Outcome(outcome) if outcome is not None else None,
            "handling_satisfaction": HandlingSatisfaction(rating) if rating else None,
            "red_flag_outcome": RedFlagOutcome(red_flag_outcome) if red_flag_outcome else None,
        }
    )


class CaseRepository(CaseTransitions):
    async def open(self, new: NewCase, now: datetime) -> Case:
        """Register a new case."""
        values = {
            **new.__dict__,
            "kind": new.kind.value,
            "source": new.source.value,
            "status": CaseStatus.NEW.value,
        }
        values["created_at"] = now
        async with self._engine.begin() as conn:
            result = await conn.execute(insert(cases).values(values).returning(cases.c.id))
            case_id = int(result.scalar_one())
            await add_event(conn, case_id, now, None, CaseEventKind.CREATED, new.source)
        case = await self.get(case_id)
        assert case is not None
        return case

    async def get(self, case_id: int) -> Case | None:
        """Return one case."""
        async with reading(self._engine) as conn:
            row = (await conn.execute(select(cases).where(cases.c.id == case_id))).mappings()
            found = row.first()
        return case_of(found) if found else None

    async def for_patient(self, patient_id: int) -> list[Case]:
        """Return a patient's cases, oldest first."""
        query = select(cases).where(cases.c.patient_id == patient_id).order_by(cases.c.id)
        async with reading(self._engine) as conn:
            return [case_of(row) for row in (await conn.execute(query)).mappings()]

    async def set_text(self, case_id: int, text: str) -> None:
        """Replace the case's text (a survey complaint's reason, typed after the answer)."""
        async with self._engine.begin() as conn:
            await conn.execute(update(cases).where(cases.c.id == case_id).values(text=text))

    async def set_staff_message(self, case_id: int, chat_id: int, message_id: int) -> None:
        """Remember where the case was posted in the staff group."""
        async with self._engine.begin() as conn:
            await conn.execute(
                update(cases)
                .where(cases.c.id == case_id)
                .values(staff_chat_id=chat_id, staff_message_id=message_id)
            )

    async def claim_posting(self, case_id: int, now: datetime, until: datetime) -> bool:
        """Claim posting an unposted case until a moment; False if posted or claimed."""
        unclaimed = or_(cases.c.post_claimed_until.is_(None), cases.c.post_claimed_until <= now)
        async with self._engine.begin() as conn:
            result = await conn.execute(
                update(cases)
                .where(cases.c.id == case_id, cases.c.staff_message_id.is_(None), unclaimed)
                .values(post_claimed_until=until)
            )
        return result.rowcount == 1

    async def record_topic(self, case_id: int, topic_id: int) -> None:
        """Remember the case's forum topic before its card is posted, so a retry reuses it."""
        async with self._engine.begin() as conn:
            await conn.execute(update(cases).where(cases.c.id == case_id).values(topic_id=topic_id))

    async def release_posting(self, case_id: int) -> None:
        """Give up a claim on posting a case (the post failed), so the sweep retries it."""
        async with self._engine.begin() as conn:
            await conn.execute(
                update(cases).where(cases.c.id == case_id).values(post_claimed_until=None)
            )

    async def mark_posted(self, case_id: int, now: datetime, where: StaffPost) -> None:
        """Record where the case was posted in the staff group, and end its claim."""
        async with self._engine.begin() as conn:
            await conn.execute(
                update(cases)
                .where(cases.c.id == case_id)
                .values(
                    staff_chat_id=where.chat_id,
                    staff_message_id=where.message_id,
                    topic_id=where.topic_id,
                    post_claimed_until=None,
                )
            )
            await add_event(conn, case_id, now, None, CaseEventKind.POSTED)

    async def events(self, case_id: int) -> list[CaseEvent]:
        """Return a case's events, oldest first."""
        query = select(
            case_events.c.at, case_events.c.actor_id, case_events.c.kind, case_events.c.detail
        ).where(case_events.c.case_id == case_id)
        async with reading(self._engine) as conn:
            rows = await conn.execute(query.order_by(case_events.c.id))
            return [CaseEvent(**row) for row in rows.mappings()]

    async def _find(self, *conditions: ColumnElement[bool]) -> list[Case]:
        """Return cases matching conditions, oldest first."""
        query = select(cases).where(*conditions).order_by(cases.c.id)
        async with reading(self._engine) as conn:
            return [case_of(row) for row in (await conn.execute(query)).mappings()]

    async def open_of_kinds(self, kinds: Sequence[str]) -> list[Case]:
        """Return the unclosed cases of these kinds, oldest first."""
        return await self._find(cases.c.kind.in_(kinds), cases.c.status != CaseStatus.CLOSED.value)

    async def red_flags_past_ack_due(self, now: datetime) -> list[Case]:
        """Return the red flags nobody acknowledged in time and not yet marked overdue."""
        return await self._find(
            cases.c.kind == CaseKind.RED_FLAG.value,
            cases.c.status != CaseStatus.CLOSED.value,
            cases.c.acknowledged_at.is_(None),
            cases.c.ack_overdue_at.is_(None),
            cases.c.ack_due_at <= now,
        )

    async def by_prompt(self, kind: CaseEventKind, ref: str) -> Case | None:
        """Return the case whose prompt of this kind is the staff-side message ref."""
        query = select(case_events.c.case_id).where(
            case_events.c.kind == kind.value, case_events.c.detail == ref
        )
        async with reading(self._engine) as conn:
            case_id = (await conn.execute(query)).scalar()
        return await self.get(case_id) if case_id is not None else None

    async def open_posted_for_contacts(
        self, contact_ids: Sequence[int], kinds: Sequence[str]
    ) -> list[Case]:
        """Return the unclosed, posted cases of these kinds raised by these contacts."""
        return await self._find(
            cases.c.contact_id.in_(contact_ids),
            cases.c.kind.in_(kinds),
            cases.c.status != CaseStatus.CLOSED.value,
            cases.c.staff_message_id.is_not(None),
        )

    async def in_topic(self, chat_id: int, thread_id: int) -> Case | None:
        """Return the case whose forum topic this is, if any."""
        found = await self._find(cases.c.staff_chat_id == chat_id, cases.c.topic_id == thread_id)
        return found[-1] if found else None

    async def quoting(self, chat_id: int, message_id: int) -> Case | None:
        """Return the case whose card, or a post of the bot in whose thread, is this message."""
        found = await self._find(
            cases.c.staff_chat_id == chat_id, cases.c.staff_message_id == message_id
        )
        if found:
            return found[-1]
        query = select(case_events.c.case_id).where(
            case_events.c.kind.in_([e.value for e in THREAD_EVENTS]),
            case_events.c.detail == str(message_id),
        )
        async with reading(self._engine) as conn:
            case_id = (await conn.execute(query)).scalar()
        return await self.get(case_id) if case_id is not None else None

    async def prompted_by(self, case_id: int, kind: CaseEventKind, message_id: int) -> bool:
        """Say whether this message is the case's prompt of a kind (e.g. for its summary)."""
        query = select(case_events.c.id).where(
            case_events.c.case_id == case_id,
            case_events.c.kind == kind.value,
            case_events.c.detail == str(message_id),
        )
        async with reading(self._engine) as conn:
            return (await conn.execute(query)).first() is not None
