"""The texts sent through the SMS provider: counted per number and day, updated by receipts.

A number is kept only as a hash (`phone_key`), and a text's words not at all.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.conversation_window import NoticeKind
from bot.domain.sms import SmsProviderName, SmsStatus, normalize_phone
from bot.storage.connections import Connections, reading
from bot.storage.schema import sms_messages as sms

KEY_SALT = "followup-sms:"


def phone_key(phone: str) -> str:
    """Return the hash a number is counted under (never the number itself)."""
    return hashlib.sha256((KEY_SALT + phone).encode()).hexdigest()


async def forget_phone(conn: AsyncConnection, phone: str) -> None:
    """Delete the record of the texts sent to a number (erasure)."""
    number = normalize_phone(phone) or phone
    await conn.execute(delete(sms).where(sms.c.phone_key == phone_key(number)))


@dataclass(frozen=True)
class SmsRecord:
    """A text the provider accepted, and its receipt once it came."""

    provider: SmsProviderName
    provider_id: str
    kind: NoticeKind
    parts: int
    sent_at: datetime
    status: SmsStatus
    receipt_code: str | None
    receipt_at: datetime | None


@dataclass(frozen=True)
class SentSms:
    """What to record of a text the provider accepted."""

    provider: SmsProviderName
    provider_id: str
    phone: str
    kind: NoticeKind
    parts: int
    sent_at: datetime


class SmsMessageRepository:
    def __init__(self, engine: Connections) -> None:
        self._engine = engine

    async def record(self, sent: SentSms) -> None:
        """Record a text the provider accepted."""
        values = {
            "provider": sent.provider.value,
            "provider_id": sent.provider_id,
            "phone_key": phone_key(sent.phone),
            "kind": sent.kind.value,
            "parts": sent.parts,
            "sent_at": sent.sent_at,
            "status": SmsStatus.SENT.value,
        }
        async with self._engine.begin() as conn:
            await conn.execute(insert(sms).values(**values))

    async def sent_since(self, phone: str, since: datetime) -> int:
        """Return how many texts went to a number from `since` on."""
        query = select(func.count()).where(
            sms.c.phone_key == phone_key(phone), sms.c.sent_at >= since
        )
        async with reading(self._engine) as conn:
            return int((await conn.execute(query)).scalar_one())

    async def last_sent(self, phone: str) -> tuple[datetime, NoticeKind] | None:
        """Return when the last text went to a number, and its kind, if one ever did."""
        query = (
            select(sms.c.sent_at, sms.c.kind)
            .where(sms.c.phone_key == phone_key(phone))
            .order_by(sms.c.sent_at.desc(), sms.c.id.desc())
            .limit(1)
        )
        async with reading(self._engine) as conn:
            row = (await conn.execute(query)).first()
        return None if row is None else (row.sent_at, NoticeKind(row.kind))

    async def receipt(
        self,
        provider: SmsProviderName,
        provider_id: str,
        status: SmsStatus,
        code: str,
        at: datetime,
    ) -> bool:
        """Record a text's receipt; False when no such text was sent."""
        query = (
            update(sms)
            .where(sms.c.provider == provider.value, sms.c.provider_id == provider_id)
            .values(status=status.value, receipt_code=code[:64], receipt_at=at)
        )
        async with self._engine.begin() as conn:
            return bool((await conn.execute(query)).rowcount)

    async def find(self, provider: SmsProviderName, provider_id: str) -> SmsRecord | None:
        """Return the text the provider knows by provider_id, if it was sent."""
        query = select(sms).where(
            sms.c.provider == provider.value, sms.c.provider_id == provider_id
        )
        async with reading(self._engine) as conn:
            row = (await conn.execute(query)).first()
        if row is None:
            return None
        return SmsRecord(
            SmsProviderName(row.provider),
            row.provider_id,
            NoticeKind(row.kind),
            row.parts,
            row.sent_at,
            SmsStatus(row.status),
            row.receipt_code,
            row.receipt_at,
        )
