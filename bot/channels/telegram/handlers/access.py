"""The one place commands check a member's role, and read a reporting period."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.replies import send
from bot.domain.periods import Period, period_from_words
from bot.domain.roles import Permission, is_allowed
from bot.services.statistics import department_id
from bot.storage.records import Episode, StaffMember

REFUSALS = {
    Permission.VIEW_STATS: "stats/not_allowed",
    Permission.EDIT_TEMPLATES: "templates/not_allowed",
    Permission.VIEW_AUDIT: "audit/not_allowed",
    Permission.ISSUE_INVITES: "staff/not_allowed",
    Permission.WORK_CASES: "staff/not_allowed",
    Permission.RECORD_PATIENT_FACTS: "staff/not_allowed",
    Permission.WORK_CALLS: "staff/not_allowed",
}


async def member_allowed(
    update: Update, context: AppContext, permission: Permission
) -> StaffMember | None:
    """Return the sender if their role allows this, else tell them politely and return None."""
    assert update.effective_user is not None and update.effective_chat is not None
    member = await context.services.store.staff.get(update.effective_user.id)
    if member is None or not is_allowed(member.role, permission):
        await send(context, update.effective_chat.id, REFUSALS[permission])
        return None
    return member


async def patient_in_scope(
    context: AppContext, chat_id: int, member: StaffMember, permission: Permission, number: str
) -> Episode | None:
    """Return the patient's latest stay if the member may act on their department, else say
    the number was not found (never whether it exists elsewhere) and return None."""
    episode = await context.services.store.episodes.latest_for(number)
    if episode is None or not is_allowed(
        member.role,
        permission,
        member_department_id=member.department_id,
        target_department_id=episode.department_id,
    ):
        await send(context, chat_id, "staff/patient_not_found", hospital_no=number)
        return None
    return episode


@dataclass(frozen=True)
class ReportRequest:
    member: StaffMember
    period: Period
    rest: list[str]


async def report_request(
    update: Update, context: AppContext, max_words: int | None = None
) -> ReportRequest | None:
    """Check a supervisor's command and read its period (this month by default)."""
    member = await member_allowed(update, context, Permission.VIEW_STATS)
    if member is None:
        return None
    services = context.services
    today = services.clock.now().astimezone(services.settings.zone).date()
    words = list(context.args or [])[:max_words]
    try:
        period, rest = period_from_words(words, today)
    except ValueError as error:
        assert update.effective_chat is not None
        await send(context, update.effective_chat.id, "stats/usage", error=str(error))
        return None
    return ReportRequest(member, period, rest)


@dataclass(frozen=True)
class ReportScope:
    """Whose figures a report shows: a department (its id and name), or the whole hospital."""

    department_id: int | None
    name: str | None


async def report_scope(
    update: Update, context: AppContext, request: ReportRequest, usage: str
) -> ReportScope | None:
    """Return the member's own department, or for the office the department named after the
    period; None (the member told with the `usage` template) for a name that is not one."""
    member, rest = request.member, request.rest
    if member.department_id is not None or not rest:
        return ReportScope(member.department_id, member.department)
    name = " ".join(rest)
    found = await department_id(context.services.store, name)
    if found is None:
        assert update.effective_chat is not None
        await send(context, update.effective_chat.id, usage, error=name)
        return None
    return ReportScope(found, name)
