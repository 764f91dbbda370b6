"""A supervisor's comment on a complaint or praise: the register's 领导意见 (leadership comment)."""

from __future__ import annotations

from enum import StrEnum

from bot.domain.cases import CaseEventKind, CaseKind
from bot.domain.roles import Permission, is_allowed
from bot.domain.surveys.answers import clean_text
from bot.services.cases import member_name
from bot.services.container import Services
from bot.storage.audit import Actor
from bot.storage.records import StaffMember

COMMENTED_KINDS = (CaseKind.COMPLAINT, CaseKind.PRAISE, CaseKind.QUESTION)
MAX_COMMENT = 1000


class CommentRefusal(StrEnum):
    """Why a comment was not recorded."""

    NOT_FOUND = "not_found"  # no such case, or not in the member's department
    EMPTY = "empty"
    TOO_LONG = "too_long"


async def comment_on_case(
    services: Services, case_id: int, by: StaffMember, typed: str
) -> CommentRefusal | None:
    """Record a supervisor's comment on a case as its event, and note it in the case's thread."""
    text = clean_text(typed)
    if not text:
        return CommentRefusal.EMPTY
    if len(text) > MAX_COMMENT:
        return CommentRefusal.TOO_LONG
    store, now = services.store, services.clock.now()
    case = await store.cases.get(case_id)
    episode = await store.episodes.get(case.episode_id) if case else None
    if (
        case is None
        or episode is None
        or case.kind not in COMMENTED_KINDS
        or not is_allowed(
            by.role,
            Permission.VIEW_STATS,
            member_department_id=by.department_id,
            target_department_id=episode.department_id,
        )
    ):
        return CommentRefusal.NOT_FOUND
    await store.cases.record_event(case.id, CaseEventKind.LEADER_COMMENT, now, by.user_id, text)
    await store.audit.record(now, Actor.staff(by.user_id), "case.comment", f"case:{case.id}")
    await services.staff_desk.post_note(
        case, "staff/leader_comment_note", who=member_name(by), comment=text
    )
    return None
