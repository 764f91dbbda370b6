"""Contacts: chats linked to patients, with their consent and its history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.channel_messages import ChannelName
from bot.domain.enrolment import ConsentDecision
from bot.storage.audit import Actor, write_audit
from bot.storage.connections import Connections, reading
from bot.storage.outbox import eligible, followed_patients
from bot.storage.records import Contact
from bot.storage.schema import consent_events, contacts, departments, episodes, patients
from bot.storage.tallies import mark_episode


def chat_locale(chat_id: ColumnElement[int] | int) -> Select[Any]:
    """Select the language stored for a chat: its newest contact's (none: no row)."""
    newest = contacts.alias("chat_contacts")
    return (
        select(newest.c.locale)
        .where(newest.c.chat_id == chat_id)
        .order_by(newest.c.id.desc())
        .limit(1)
    )


_COLUMNS = (
    contacts.c.id,
    contacts.c.patient_id,
    contacts.c.episode_id,
    contacts.c.chat_id,
    contacts.c.respondent,
    contacts.c.relation,
    contacts.c.consent,
    contacts.c.locale,
    contacts.c.channel,
    contacts.c.address.label("handle"),
)


@dataclass(frozen=True)
class NewContact:
    patient_id: int
    episode_id: int
    chat_id: int
    user_id: int
    respondent: str
    relation: str | None
    locale: str
    channel: str = ChannelName.TELEGRAM.value
    handle: str | None = None  # the address on its channel; the chat id on Telegram


class ContactRepository:
    def __init__(self, engine: Connections) -> None:
        self._engine = engine

    async def link(
        self, new: NewContact, decision: ConsentDecision, now: datetime, via: str
    ) -> Contact:
        """Link a chat to a patient (or refresh the link) and record the consent decision."""
        values = {
            "episode_id": new.episode_id,
            "user_id": new.user_id,
            "respondent": new.respondent,
            "relation": new.relation,
            "consent": decision.value,
            "consent_at": now,
            "locale": new.locale,
        }
        async with self._engine.begin() as conn:
            existing = await self._find(conn, new.patient_id, new.chat_id)
            if existing is None:
                row = {**values, "patient_id": new.patient_id, "chat_id": new.chat_id}
                row.update(channel=new.channel, address=new.handle or str(new.chat_id))
                await conn.execute(insert(contacts).values(**row, created_at=now))
            else:
                await conn.execute(
                    update(contacts).where(contacts.c.id == existing.id).values(values)
                )
            contact = await self._find(conn, new.patient_id, new.chat_id)
            assert contact is not None
            await _record_event(conn, contact.id, decision, now, via)
            if decision is ConsentDecision.GRANTED:
                await mark_episode(conn, new.episode_id, "enrolled_at", now)
        return contact

    async def for_chat(self, chat_id: int) -> list[Contact]:
        """Return every patient link of a chat."""
        async with reading(self._engine) as conn:
            query = select(*_COLUMNS).where(contacts.c.chat_id == chat_id).order_by(contacts.c.id)
            return [Contact(**row) for row in (await conn.execute(query)).mappings()]

    async def at_address(self, channel: str, address: str) -> list[Contact]:
        """Return every patient link reached at an address on a channel."""
        query = select(*_COLUMNS).where(
            contacts.c.channel == channel, contacts.c.address == address
        )
        async with reading(self._engine) as conn:
            rows = (await conn.execute(query.order_by(contacts.c.id))).mappings()
            return [Contact(**row) for row in rows]

    async def locale_of_chat(self, chat_id: int) -> str | None:
        """Return the language stored for a chat (its newest contact's), or None if none."""
        async with reading(self._engine) as conn:
            locale: str | None = (await conn.execute(chat_locale(chat_id))).scalar_one_or_none()
        return locale

    async def set_locale_for_chat(self, chat_id: int, locale: str, now: datetime) -> int:
        """Store the language a chat chose on every contact of it; return how many changed."""
        query = select(contacts.c.id).where(contacts.c.chat_id == chat_id)
        async with self._engine.begin() as conn:
            ids = list((await conn.execute(query)).scalars())
            for contact_id in ids:
                await conn.execute(
                    update(contacts).where(contacts.c.id == contact_id).values(locale=locale)
                )
                subject = f"contact:{contact_id}"
                await write_audit(conn, now, Actor.contact(contact_id), "language", subject, locale)
        return len(ids)

    async def get(self, contact_id: int) -> Contact | None:
        """Return one contact."""
        async with reading(self._engine) as conn:
            query = select(*_COLUMNS).where(contacts.c.id == contact_id)
            row = (await conn.execute(query)).mappings().first()
        return Contact(**row) if row else None

    async def for_patient(self, patient_id: int) -> list[Contact]:
        """Return every contact of a patient."""
        async with reading(self._engine) as conn:
            query = select(*_COLUMNS).where(contacts.c.patient_id == patient_id)
            return [Contact(**row) for row in (await conn.execute(query)).mappings()]

    async def set_consent(
        self, contact_ids: list[int], decision: ConsentDecision, now: datetime, via: str
    ) -> None:
        """Record a new consent decision for the given contacts."""
        async with self._engine.begin() as conn:
            for contact_id in contact_ids:
                await conn.execute(
                    update(contacts)
                    .where(contacts.c.id == contact_id)
                    .values(consent=decision.value, consent_at=now)
                )
                await _record_event(conn, contact_id, decision, now, via)
                if decision is ConsentDecision.GRANTED:
                    query = select(contacts.c.episode_id).where(contacts.c.id == contact_id)
                    episode_id = (await conn.execute(query)).scalar_one()
                    await mark_episode(conn, episode_id, "enrolled_at", now)

    async def consent_history(self, contact_id: int) -> list[tuple[str, datetime, str]]:
        """Return (decision, time, via) for a contact, oldest first."""
        query = (
            select(consent_events.c.decision, consent_events.c.at, consent_events.c.via)
            .where(consent_events.c.contact_id == contact_id)
            .order_by(consent_events.c.id)
        )
        async with reading(self._engine) as conn:
            return [(d, at, via) for d, at, via in (await conn.execute(query)).all()]

    async def set_plan(
        self,
        contact_id: int,
        plan_key: str,
        fingerprint: str,
        medication_until: datetime | None = None,
    ) -> None:
        """Remember which plan (and which version of it) a contact was planned with, and
        until when its open-ended medicines were planned."""
        async with self._engine.begin() as conn:
            await conn.execute(
                update(contacts)
                .where(contacts.c.id == contact_id)
                .values(
                    plan_key=plan_key,
                    plan_fingerprint=fingerprint,
                    medication_planned_until=medication_until,
                )
            )

    async def medication_horizon_before(self, moment: datetime, limit: int) -> list[Contact]:
        """Return up to limit contacts who may be contacted and whose medicines were planned
        only until before moment (an excluded or deceased patient's are never extended)."""
        query = (
            select(*_COLUMNS)
            .select_from(
                contacts.join(episodes, episodes.c.id == contacts.c.episode_id).join(
                    patients, patients.c.id == contacts.c.patient_id
                )
            )
            .where(eligible(), contacts.c.medication_planned_until < moment, _planned())
            .order_by(contacts.c.medication_planned_until)
            .limit(limit)
        )
        async with reading(self._engine) as conn:
            return [Contact(**row) for row in (await conn.execute(query)).mappings()]

    async def planned_before(self, fingerprint: str, limit: int) -> list[Contact]:
        """Return up to limit consenting contacts planned with other plans than these."""
        query = (
            select(*_COLUMNS)
            .where(
                contacts.c.consent == ConsentDecision.GRANTED.value,
                contacts.c.reachable.is_(True),
                contacts.c.superseded_at.is_(None),
                contacts.c.patient_id.in_(followed_patients()),  # others are not planned
                _planned(),
                or_(
                    contacts.c.plan_fingerprint.is_(None),
                    contacts.c.plan_fingerprint != fingerprint,
                ),
            )
            .order_by(contacts.c.id)
            .limit(limit)
        )
        async with reading(self._engine) as conn:
            return [Contact(**row) for row in (await conn.execute(query)).mappings()]

    async def eligible_in_cohort(
        self,
        department: str | None,
        diagnosis: str | None,
        discharged_from: datetime | None,
        discharged_before: datetime | None,
    ) -> list[int]:
        """Return the ids of consenting, reachable contacts of discharges matching every filter."""
        query = (
            select(contacts.c.id)
            .select_from(
                contacts.join(episodes, episodes.c.id == contacts.c.episode_id)
                .join(patients, patients.c.id == contacts.c.patient_id)
                .join(departments, departments.c.id == episodes.c.department_id)
            )
            .where(eligible(), _planned())
        )
        if department:
            query = query.where(departments.c.name == department)
        if diagnosis:
            query = query.where(episodes.c.diagnosis.contains(diagnosis))
        if discharged_from:
            query = query.where(episodes.c.discharged_at >= discharged_from)
        if discharged_before:
            query = query.where(episodes.c.discharged_at < discharged_before)
        async with reading(self._engine) as conn:
            return list((await conn.execute(query.order_by(contacts.c.id))).scalars())

    async def set_respondent(self, contact_id: int, respondent: str, relation: str | None) -> None:
        """Record who answers for a contact: the patient, or a relative (and which)."""
        statement = (
            update(contacts)
            .where(contacts.c.id == contact_id)
            .values(respondent=respondent, relation=relation)
        )
        async with self._engine.begin() as conn:
            await conn.execute(statement)

    async def mark_unreachable(self, contact_id: int, reason: str) -> None:
        """Stop messaging a chat that blocked the bot or no longer exists."""
        async with self._engine.begin() as conn:
            await conn.execute(
                update(contacts)
                .where(contacts.c.id == contact_id)
                .values(reachable=False, unreachable_reason=reason)
            )

    @staticmethod
    async def _find(conn: AsyncConnection, patient_id: int, chat_id: int) -> Contact | None:
        query = select(*_COLUMNS).where(
            contacts.c.patient_id == patient_id, contacts.c.chat_id == chat_id
        )
        row = (await conn.execute(query)).mappings().first()
        return Contact(**row) if row else None


def _planned() -> ColumnElement[bool]:
    """Contacts that get planned messages: all but a phone contact, whose steps are calls."""
    return contacts.c.channel != ChannelName.PHONE.value


async def _record_event(
    conn: AsyncConnection, contact_id: int, decision: ConsentDecision, now: datetime, via: str
) -> None:
    values = {"contact_id": contact_id, "decision": decision.value, "at": now, "via": via}
    await conn.execute(insert(consent_events).values(values))
    action = f"consent.{decision.value}"
    await write_audit(conn, now, Actor.contact(contact_id), action, f"contact:{contact_id}", via)
