"""Giving a case to a named colleague, and working a praise (thanked, passed on).

An assignment is offered as a list of the members who may work the case's department;
the colleague chosen is told privately (when they have a chat with the bot) and in the
case's thread. A praise is worked in two steps whose words fill its register's 处理情况.
"""

from __future__ import annotations

from bot.domain.cases import (
    WORKED_KINDS,
    Case,
    Decision,
    IllegalTransition,
    PraiseStep,
    Refusal,
)
from bot.domain.channel_messages import Choice
from bot.domain.roles import Permission, is_allowed
from bot.services.case_texts import local_text
from bot.services.cases import apply, member_name
from bot.services.container import Services
from bot.storage.records import StaffMember

MOST_OFFERED = 24  # names offered at once: a department's staff fit; more would crowd the thread
PRAISE_WORDS = {
    PraiseStep.THANKED: "staff/praise_thanked_record",
    PraiseStep.PASSED_ON: "staff/praise_passed_on_record",
}


async def assignable(services: Services, case: Case) -> list[StaffMember]:
    """Return the staff members who may work this case's department, by name."""
    episode = await services.store.episodes.get(case.episode_id)
    if episode is None:
        return []
    members = [
        member
        for member in await services.store.staff.all()
        if is_allowed(
            member.role,
            Permission.WORK_CASES,
            member_department_id=member.department_id,
            target_department_id=episode.department_id,
        )
    ]
    return sorted(members, key=member_name)[:MOST_OFFERED]


async def offer_assignees(services: Services, case: Case) -> Refusal | None:
    """Post, in the case's thread, one choice per colleague the case can be given to."""
    if case.kind not in WORKED_KINDS:
        return Refusal.NOT_WORKED
    if case.closed:
        return Refusal.CLOSED
    members = await assignable(services, case)
    rows = tuple(
        (Choice(f"cs:assign:{case.id}:{member.user_id}", member_name(member)),)
        for member in members
    )
    await services.staff_desk.offer(case, "staff/case_assign_prompt", rows, count=len(rows))
    return None


async def assign(services: Services, case: Case, by: StaffMember, to_user: int) -> Refusal | None:
    """Give the case to a colleague who may work it; tell them privately and in the thread."""
    colleague = next((m for m in await assignable(services, case) if m.user_id == to_user), None)
    if colleague is None:
        return Refusal.GONE
    now = services.clock.now()
    done = await apply(services, case.id, lambda fresh: fresh.assign(by.user_id, to_user, now))
    if isinstance(done, IllegalTransition):
        return done.reason
    episode = await services.store.episodes.get(case.episode_id)
    told = await services.staff_desk.tell_member(
        to_user,
        "staff/case_assigned_to_you",
        number=case.id,
        department=episode.department if episode else "",
        who=member_name(by),
    )
    await services.staff_desk.post_note(
        done.case,
        "staff/case_assigned_note",
        assignee=member_name(colleague),
        who=member_name(by),
        told=told,
    )
    await services.staff_desk.refresh_card(case.id)
    return None


async def work_praise(
    services: Services, case: Case, by: StaffMember, step: PraiseStep
) -> Refusal | None:
    """Record that a praise was thanked for or passed on; its register shows who and when."""
    now = services.clock.now()
    render = services.renderer.render
    at = local_text(services.settings.zone, now)
    done_words = render(PRAISE_WORDS[step], services.locale, who=member_name(by), at=at)

    def decide(fresh: Case) -> Decision:
        record = "\n".join(part for part in (fresh.summary, done_words) if part)
        return fresh.handle_praise(step, by.user_id, now, record)

    done = await apply(services, case.id, decide)
    if isinstance(done, IllegalTransition):
        return done.reason
    await services.staff_desk.post_note(done.case, "staff/praise_step_note", record=done_words)
    await services.staff_desk.refresh_card(case.id)
    return None
