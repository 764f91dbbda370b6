"""Messages to a case's patient being written: one row per draft, its status guarded."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import RowMapping, insert, or_, select, update

from bot.domain.case_drafts import OPEN_DRAFT_STATUSES, Draft, DraftPurpose, DraftStatus
from bot.storage.connections import Connections, reading
from bot.storage.schema import case_drafts

OPEN = [status.value for status in OPEN_DRAFT_STATUSES]


def draft_of(row: RowMapping) -> Draft:
    """Build a draft from its row, its codes as enums."""
    fields = {key: value for key, value in row.items() if key != "updated_at"}
    return Draft(
        **{
            **fields,
            "purpose": DraftPurpose(row["purpose"]),
            "status": DraftStatus(row["status"]),
        }
    )


class CaseDraftRepository:
    def __init__(self, engine: Connections) -> None:
        self._engine = engine

    async def ask(
        self,
        case_id: int,
        author_id: int,
        purpose: DraftPurpose,
        prompt_message_id: int | None,
        now: datetime,
    ) -> Draft:
        """Start a draft awaiting its text; the author's earlier open drafts are replaced."""
        values = {
            "case_id": case_id,
            "author_id": author_id,
            "purpose": purpose.value,
            "status": DraftStatus.AWAITING.value,
            "prompt_message_id": prompt_message_id,
            "created_at": now,
            "updated_at": now,
        }
        async with self._engine.begin() as conn:
            await conn.execute(
                update(case_drafts)
                .where(
                    case_drafts.c.case_id == case_id,
                    case_drafts.c.author_id == author_id,
                    case_drafts.c.status.in_(OPEN),
                )
                .values(status=DraftStatus.REPLACED.value, updated_at=now)
            )
            result = await conn.execute(
                insert(case_drafts).values(values).returning(case_drafts.c.id)
            )
            draft_id = int(result.scalar_one())
        draft = await self.get(draft_id)
        assert draft is not None
        return draft

    async def write(self, draft: Draft, author_id: int, text: str, now: datetime) -> Draft | None:
        """Give an open draft its text (a new draft replaces a previewed one); None if closed."""
        if draft.status is DraftStatus.AWAITING and draft.author_id == author_id:
            async with self._engine.begin() as conn:
                result = await conn.execute(
                    update(case_drafts)
                    .where(
                        case_drafts.c.id == draft.id,
                        case_drafts.c.status == DraftStatus.AWAITING.value,
                    )
                    .values(text=text, status=DraftStatus.PREVIEWED.value, updated_at=now)
                )
            return await self.get(draft.id) if result.rowcount == 1 else None
        async with self._engine.begin() as conn:
            replaced = await conn.execute(
                update(case_drafts)
                .where(case_drafts.c.id == draft.id, case_drafts.c.status.in_(OPEN))
                .values(status=DraftStatus.REPLACED.value, updated_at=now)
            )
            if replaced.rowcount != 1:
                return None
            values = {
                "case_id": draft.case_id,
                "author_id": author_id,
                "purpose": draft.purpose.value,
                "status": DraftStatus.PREVIEWED.value,
                "prompt_message_id": draft.prompt_message_id,
                "text": text,
                "created_at": now,
                "updated_at": now,
            }
            result = await conn.execute(
                insert(case_drafts).values(values).returning(case_drafts.c.id)
            )
            draft_id = int(result.scalar_one())
        return await self.get(draft_id)

    async def set_preview(self, draft_id: int, message_id: int) -> None:
        """Remember where the draft's preview was posted (a reply to it revises the draft)."""
        async with self._engine.begin() as conn:
            await conn.execute(
                update(case_drafts)
                .where(case_drafts.c.id == draft_id)
                .values(preview_message_id=message_id)
            )

    async def decide(
        self, draft_id: int, to: DraftStatus, now: datetime, expected: DraftStatus
    ) -> bool:
        """Move a draft from one status to another; False if it had moved meanwhile."""
        async with self._engine.begin() as conn:
            result = await conn.execute(
                update(case_drafts)
                .where(case_drafts.c.id == draft_id, case_drafts.c.status == expected.value)
                .values(status=to.value, updated_at=now)
            )
        return result.rowcount == 1

    async def get(self, draft_id: int) -> Draft | None:
        """Return one draft."""
        query = select(case_drafts).where(case_drafts.c.id == draft_id)
        async with reading(self._engine) as conn:
            row = (await conn.execute(query)).mappings().first()
        return draft_of(row) if row else None

    async def open_of(self, case_id: int, author_id: int) -> Draft | None:
        """Return the author's open draft for a case, if any."""
        query = select(case_drafts).where(
            case_drafts.c.case_id == case_id,
            case_drafts.c.author_id == author_id,
            case_drafts.c.status.in_(OPEN),
        )
        async with reading(self._engine) as conn:
            row = (await conn.execute(query.order_by(case_drafts.c.id.desc()))).mappings().first()
        return draft_of(row) if row else None

    async def quoted(self, message_id: int) -> Draft | None:
        """Return the draft whose prompt or preview is this staff-side message, if any."""
        query = select(case_drafts).where(
            or_(
                case_drafts.c.prompt_message_id == message_id,
                case_drafts.c.preview_message_id == message_id,
            )
        )
        async with reading(self._engine) as conn:
            row = (await conn.execute(query.order_by(case_drafts.c.id.desc()))).mappings().first()
        return draft_of(row) if row else None
