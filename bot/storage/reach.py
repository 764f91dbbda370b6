"""Who is reached by SMS: stays a consenting list names with a phone and no chat, and the SMS
contacts a chat took over from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, exists, or_, select, update

from bot.domain.channel_messages import ChannelName
from bot.domain.enrolment import ConsentDecision
from bot.domain.reach import PreferredChannel
from bot.storage.audit import Actor, write_audit
from bot.storage.connections import Connections, reading
from bot.storage.outbox import followed_patients
from bot.storage.schema import contacts, episodes, patients

TOOK_OVER = "contact.sms_superseded"  # the audit action of a takeover


@dataclass(frozen=True)
class SmsCandidate:
    """A stay to follow up by SMS: its patient, the phone and the list's language."""

    episode_id: int
    patient_id: int
    phone: str
    language: str | None


def _no_blocking_contact() -> ColumnElement[bool]:
    """No contact of the patient on this stay, nor any that is not a consenting SMS contact
    (a chat, a refusal, a withdrawal, a takeover): those decide for the patient."""
    c = contacts.alias("known")
    blocking = or_(
        c.c.episode_id == episodes.c.id,
        c.c.channel != ChannelName.SMS.value,
        c.c.consent != ConsentDecision.GRANTED.value,
        c.c.superseded_at.is_not(None),
    )
    return ~exists().where(c.c.patient_id == episodes.c.patient_id, blocking)


def _latest_stay() -> ColumnElement[bool]:
    """The patient's latest stay only (an older one is not followed up afresh)."""
    later = episodes.alias("later")
    return ~exists().where(
        later.c.patient_id == episodes.c.patient_id,
        later.c.discharged_at > episodes.c.discharged_at,
    )


class ReachRepository:
    def __init__(self, engine: Connections) -> None:
        self._engine = engine

    async def unreached_by_sms(self, since: datetime, limit: int) -> list[SmsCandidate]:
        """Return up to limit stays discharged since `since` to follow up by SMS, newest
        first: consent on the list, a phone, not excluded, deceased, in dispute or erased,
        no 电话 preference, no contact yet."""
        query = (
            select(episodes.c.id, episodes.c.patient_id, patients.c.phone, episodes.c.language)
            .select_from(episodes.join(patients, patients.c.id == episodes.c.patient_id))
            .where(
                episodes.c.consent.is_(True),
                episodes.c.discharged_at >= since,
                episodes.c.exclusion.is_(None),
                episodes.c.patient_id.in_(followed_patients()),
                patients.c.phone.is_not(None),
                or_(
                    episodes.c.preferred_channel.is_(None),
                    episodes.c.preferred_channel != PreferredChannel.PHONE.value,
                ),
                _no_blocking_contact(),
                _latest_stay(),
            )
            .order_by(episodes.c.discharged_at.desc(), episodes.c.id)
            .limit(limit)
        )
        async with reading(self._engine) as conn:
            rows = (await conn.execute(query)).all()
        return [SmsCandidate(row[0], row[1], row[2], row[3]) for row in rows]

    async def active_sms_of(self, episode_id: int) -> list[int]:
        """Return the stay's SMS contacts that may still be written to (consenting, not
        superseded)."""
        query = select(contacts.c.id).where(
            contacts.c.episode_id == episode_id,
            contacts.c.channel == ChannelName.SMS.value,
            contacts.c.consent == ConsentDecision.GRANTED.value,
            contacts.c.superseded_at.is_(None),
        )
        async with reading(self._engine) as conn:
            return list((await conn.execute(query.order_by(contacts.c.id))).scalars())

    async def supersede(self, contact_ids: list[int], by_contact: int, now: datetime) -> None:
        """Mark SMS contacts superseded by a chat contact that took over, audited (the caller
        cancels what they had pending)."""
        async with self._engine.begin() as conn:
            await conn.execute(
                update(contacts).where(contacts.c.id.in_(contact_ids)).values(superseded_at=now)
            )
            for contact_id in contact_ids:
                subject, detail = f"contact:{contact_id}", f"contact:{by_contact}"
                await write_audit(conn, now, Actor.contact(by_contact), TOOK_OVER, subject, detail)
