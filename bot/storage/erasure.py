"""Erasure of one patient's personal data (PIPL / GDPR), in one transaction.

What identifies the patient or quotes them is removed: name, phone, birth date, the hospital
number (replaced by its pseudonym so a re-imported list cannot bring the patient back), the
clinical free text of their episodes, the text of their answers, complaints, case notes and
messages, their Telegram chat ids and dialog state. What statistics count stays: departments,
discharge times, coded answers (scores, options), case kinds and statuses, and the tallies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import ColumnElement, Select, Table, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.domain.messages import FailureReason, MessageStatus
from bot.domain.privacy import erased_marker, pseudonym
from bot.domain.surveys.status import SurveyStatus
from bot.storage.audit import Actor, AuditEntry, write_audit
from bot.storage.call_attempts import forget_calls
from bot.storage.channel_windows import forget_chats
from bot.storage.erasure_ledger import LedgerEntry, LedgerEntryKind, append_entries
from bot.storage.schema import (
    case_drafts,
    case_events,
    cases,
    contacts,
    deliveries,
    dialog_states,
    episodes,
    invites,
    patient_messages,
    patients,
    scheduled_messages,
    survey_answers,
    survey_sessions,
)
from bot.storage.sms_messages import forget_phone
from bot.storage.sms_owed import forget_owed
from bot.storage.surveys import OPEN_STATUSES
from bot.storage.web_pages import forget_web_chats

ERASE_ACTION = "patient.erase"
ERASED_EPISODE_FIELDS = (
    "admitted_at",
    "ward",
    "attending_doctor",
    "nurse",
    "diagnosis",
    "discharge_condition",
    "revisit_at",
    "treated_on",
    "medications",
    "flags",
    "notes",
    "language",
    "source_file",
    "source_line",
)


@dataclass(frozen=True)
class ErasureScope:
    """What an erasure would touch, counted before it is confirmed."""

    patient_id: int
    episodes: int
    contacts: int
    answers: int
    cases: int
    pending: int


async def erasure_scope(engine: AsyncEngine, hospital_no: str) -> ErasureScope | None:
    """Count what belongs to the patient; None when no such (unerased) patient exists."""
    async with engine.connect() as conn:
        patient_id = (
            await conn.execute(select(patients.c.id).where(patients.c.hospital_no == hospital_no))
        ).scalar()
        if patient_id is None:
            return None
        return ErasureScope(
            patient_id=patient_id,
            episodes=await _count(conn, episodes, episodes.c.patient_id == patient_id),
            contacts=await _count(conn, contacts, contacts.c.patient_id == patient_id),
            answers=await _count(
                conn, survey_answers, survey_answers.c.session_id.in_(_sessions_of(patient_id))
            ),
            cases=await _count(conn, cases, cases.c.patient_id == patient_id),
            pending=await _count(
                conn,
                scheduled_messages,
                scheduled_messages.c.patient_id == patient_id,
                scheduled_messages.c.status == MessageStatus.PENDING.value,
            ),
        )


async def erase_patient(
    engine: AsyncEngine,
    scope: ErasureScope,
    hospital_no: str,
    now: datetime,
    actor: Actor,
    ledger: Path | None = None,
    action: str = ERASE_ACTION,
) -> None:
    """Erase the patient's personal data and cancel what is pending, all or nothing.

    With a ledger, the erasure is written there before the transaction commits, so that a
    restore of an older backup erases the patient again (see erasure_ledger).
    """
    patient_id = scope.patient_id
    async with engine.begin() as conn:
        chats = await _chats_of(conn, patient_id)
        await _cancel_messages(conn, patient_id, now)
        await _erase_answers(conn, patient_id, now)
        await _erase_cases(conn, patient_id)
        await forget_calls(conn, patient_id, now)
        await _erase_contacts(conn, patient_id, chats, now)
        await _erase_episodes(conn, patient_id, now)
        await _forget_texts(conn, patient_id)
        await conn.execute(
            update(patients)
            .where(patients.c.id == patient_id)
            .values(
                hospital_no=erased_marker(hospital_no),
                name="",
                sex=None,
                age=None,
                birth_date=None,
                phone=None,
                erased_at=now,
                updated_at=now,
            )
        )
        hidden = pseudonym(hospital_no)
        detail = f"pseudonym {hidden}; {scope.pending} pending cancelled"
        subject = f"patient:{patient_id}"
        await write_audit(conn, now, actor, action, subject, detail)
        if ledger is not None:
            event = AuditEntry(now, actor.kind.value, actor.id, action, subject, detail)
            append_entries(ledger, [LedgerEntry.of(LedgerEntryKind.ERASURE, event, hidden)])


async def _forget_texts(conn: AsyncConnection, patient_id: int) -> None:
    """Delete the record of the text messages sent to the patient's phone."""
    query = select(patients.c.phone).where(patients.c.id == patient_id)
    phone = (await conn.execute(query)).scalar()
    if phone:
        await forget_phone(conn, str(phone))


def _sessions_of(patient_id: int) -> Select[tuple[int]]:
    return select(survey_sessions.c.id).where(survey_sessions.c.patient_id == patient_id)


async def _count(conn: AsyncConnection, table: Table, *conditions: ColumnElement[bool]) -> int:
    query = select(func.count()).select_from(table).where(*conditions)
    return int((await conn.execute(query)).scalar() or 0)


async def _chats_of(conn: AsyncConnection, patient_id: int) -> list[int]:
    query = select(contacts.c.chat_id).where(contacts.c.patient_id == patient_id)
    return [int(chat) for chat in (await conn.execute(query)).scalars()]


async def _cancel_messages(conn: AsyncConnection, patient_id: int, now: datetime) -> None:
    m = scheduled_messages
    mine = m.c.patient_id == patient_id
    await conn.execute(
        update(m)
        .where(mine, m.c.status == MessageStatus.PENDING.value)
        .values(
            status=MessageStatus.CANCELLED.value,
            failure_reason=FailureReason.ERASED.value,
            updated_at=now,
        )
    )
    await conn.execute(update(m).where(mine).values(payload={}))
    sent = select(m.c.id).where(mine)
    await conn.execute(
        update(deliveries)
        .where(deliveries.c.message_id.in_(sent))
        .values(chat_id=0, address="0", detail=None)
    )


async def _erase_answers(conn: AsyncConnection, patient_id: int, now: datetime) -> None:
    sessions = _sessions_of(patient_id)
    await conn.execute(
        update(survey_answers)
        .where(survey_answers.c.session_id.in_(sessions))
        .values(text=None, relation=None)
    )
    ss, mine = survey_sessions, survey_sessions.c.patient_id == patient_id
    # The survey cannot go on; closed first, the erased chats (0) never make two open in one.
    await conn.execute(
        update(ss)
        .where(mine, ss.c.status.in_(OPEN_STATUSES))
        .values(status=SurveyStatus.PARTIAL.value, finished_at=now, updated_at=now)
    )
    await conn.execute(update(ss).where(mine).values(relation=None, chat_id=0))


async def _erase_cases(conn: AsyncConnection, patient_id: int) -> None:
    mine = cases.c.patient_id == patient_id
    await conn.execute(
        update(cases)
        .where(mine)
        .values(text=None, summary=None, concerned=None, photo_file_id=None, relation=None)
    )
    case_ids = select(cases.c.id).where(mine)
    await conn.execute(
        update(case_events).where(case_events.c.case_id.in_(case_ids)).values(detail=None)
    )
    await conn.execute(
        update(case_drafts).where(case_drafts.c.case_id.in_(case_ids)).values(text=None)
    )
    sent = patient_messages.c.patient_id == patient_id  # what they wrote, sent, and from where
    await conn.execute(
        update(patient_messages).where(sent).values(text=None, file_id=None, chat_id=0)
    )


async def _erase_contacts(
    conn: AsyncConnection, patient_id: int, chats: list[int], now: datetime
) -> None:
    await conn.execute(
        update(contacts)
        .where(contacts.c.patient_id == patient_id)
        .values(
            chat_id=0,
            address="0",
            user_id=0,
            relation=None,
            reachable=False,
            unreachable_reason=FailureReason.ERASED.value,
        )
    )
    if chats:
        await conn.execute(delete(dialog_states).where(dialog_states.c.chat_id.in_(chats)))
        await forget_chats(conn, chats)  # held messages quote what was to be said to them
        await forget_web_chats(conn, chats)  # so do the pages' feeds; their links die too
        await forget_owed(conn, chats)
        replies = deliveries.c.chat_id.in_(chats) & deliveries.c.message_id.is_(None)
        await conn.execute(update(deliveries).where(replies).values(chat_id=0, address="0"))
    episode_ids = select(episodes.c.id).where(episodes.c.patient_id == patient_id)
    await conn.execute(
        update(invites)
        .where(invites.c.episode_id.in_(episode_ids), invites.c.used_at.is_(None))
        .values(locked_at=now)
    )


async def _erase_episodes(conn: AsyncConnection, patient_id: int, now: datetime) -> None:
    await conn.execute(
        update(episodes)
        .where(episodes.c.patient_id == patient_id)
        .values(**dict.fromkeys(ERASED_EPISODE_FIELDS), updated_at=now)
    )
