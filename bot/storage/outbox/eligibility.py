"""Who may still be sent to: the eligibility conditions, and cancelling what is not."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, not_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.enrolment import ConsentDecision
from bot.domain.messages import FailureReason, MessageStatus
from bot.domain.patient_facts import PATIENT_LEVEL_EXCLUSIONS
from bot.storage.schema import contacts, episodes, patients, scheduled_messages

m = scheduled_messages


def _contact_ok() -> ColumnElement[bool]:
    return and_(
        contacts.c.consent == ConsentDecision.GRANTED.value,
        contacts.c.reachable.is_(True),
        contacts.c.superseded_at.is_(None),  # a chat took over from this SMS contact
    )


def _episode_ok() -> ColumnElement[bool]:
    # a stay's 死亡/纠纷 is the patient's fact (see _patient_ok), which only staff end
    not_excluded = or_(
        episodes.c.exclusion.is_(None), episodes.c.exclusion.in_(PATIENT_LEVEL_EXCLUSIONS)
    )
    return and_(episodes.c.consent.is_(True), not_excluded)


def _patient_ok() -> ColumnElement[bool]:
    return and_(
        patients.c.deceased_at.is_(None),
        patients.c.dispute_since.is_(None),
        patients.c.erased_at.is_(None),
    )


def followed_patients() -> Select[tuple[int]]:
    """The ids of patients who may be contacted: not deceased, in dispute or erased."""
    return select(patients.c.id).where(_patient_ok())


def eligible() -> ColumnElement[bool]:
    """The condition under which a row may be sent: consent, reachable, not superseded, not
    excluded, not deceased or in dispute (over the outbox joined with its contact, episode
    and patient)."""
    return and_(_contact_ok(), _episode_ok(), _patient_ok())


def eligible_row() -> ColumnElement[bool]:
    """The same condition on the outbox alone, as one membership test per table: planners
    turn these into hashed lookups whatever their statistics say (a correlated EXISTS over
    three tables became a cross product on PostgreSQL right after a bulk insert)."""
    return and_(
        m.c.contact_id.in_(select(contacts.c.id).where(_contact_ok())),
        m.c.episode_id.in_(select(episodes.c.id).where(_episode_ok())),
        m.c.patient_id.in_(followed_patients()),
    )


async def cancel_ineligible_rows(conn: AsyncConnection, now: datetime, *, due_only: bool) -> int:
    """Cancel every pending row (or every due one) that may no longer be sent."""
    conditions = [m.c.status == MessageStatus.PENDING.value, not_(eligible_row())]
    if due_only:
        conditions.append(m.c.send_at <= now)
    result = await conn.execute(
        update(m)
        .where(*conditions)
        .values(
            status=MessageStatus.CANCELLED.value,
            failure_reason=FailureReason.NOT_ELIGIBLE.value,
            updated_at=now,
        )
    )
    return int(result.rowcount)


async def cancel_ineligible_among(conn: AsyncConnection, ids: list[int], now: datetime) -> set[int]:
    """Cancel those of the given pending rows that may no longer be sent; return their ids.
    The rows are looked up by id and joined by key (a claim's batch, not the whole outbox:
    testing every row against all eligible contacts read every contact at each claim)."""
    joined = (
        m.join(contacts, contacts.c.id == m.c.contact_id)
        .join(episodes, episodes.c.id == m.c.episode_id)
        .join(patients, patients.c.id == m.c.patient_id)
    )
    query = select(m.c.id).select_from(joined).where(m.c.id.in_(ids), ineligible())
    found = set((await conn.execute(query)).scalars())
    await cancel_not_eligible(conn, found, now)
    return found


def ineligible() -> ColumnElement[bool]:
    """True when a row may no longer be sent (over the outbox joined with its contact,
    episode and patient); a condition that cannot be told (NULL) does not cancel."""
    return not_(eligible())


async def cancel_not_eligible(conn: AsyncConnection, ids: Collection[int], now: datetime) -> None:
    """Cancel these pending rows as no longer eligible (found so by `ineligible`)."""
    if not ids:
        return
    await conn.execute(
        update(m)
        .where(m.c.id.in_(ids), m.c.status == MessageStatus.PENDING.value)
        .values(
            status=MessageStatus.CANCELLED.value,
            failure_reason=FailureReason.NOT_ELIGIBLE.value,
            updated_at=now,
        )
    )
