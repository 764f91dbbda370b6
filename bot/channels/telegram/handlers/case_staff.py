"""Working a case from the staff group: the buttons of its card and thread, and what staff
write in it (internal notes; messages to the patient only through Reply, preview and Send)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Message, Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.replies import answer_message, text_of
from bot.domain.case_drafts import DraftPurpose
from bot.domain.cases import Case, Outcome, PraiseStep, Refusal
from bot.domain.channel_messages import Outgoing
from bot.services import cases as case_work
from bot.services.case_assignment import assign, offer_assignees, work_praise
from bot.services.case_drafts import ask_for_message, cancel_draft, send_draft
from bot.services.container import Services
from bot.services.staff_messages import StaffWords, locate, on_staff_words
from bot.storage.records import StaffMember

OUTCOME_CODES = frozenset(outcome.value for outcome in Outcome)
REFUSALS = {  # why a press was refused -> what the presser is told
    Refusal.CLOSED: "staff/case_refused_closed",
    Refusal.NOT_CLOSED: "staff/case_refused_not_closed",
    Refusal.BUSY: "staff/case_refused_busy",
    Refusal.DRAFT_GONE: "staff/case_refused_draft_gone",
    Refusal.ALREADY_DONE: "staff/case_refused_already_done",
}
Press = Callable[[Services, Case, StaffMember], Awaitable[Refusal | None]]
PRESSES: dict[str, Press] = {  # cs:<action>:<case>
    "take": lambda s, case, member: case_work.take(s, case.id, member),
    "reply": lambda s, case, member: ask_for_message(s, case, member.user_id, DraftPurpose.REPLY),
    "close": lambda s, case, member: case_work.ask_outcome(s, case),
    "reopen": lambda s, case, member: case_work.reopen(s, case.id, member),
    "assign": lambda s, case, member: offer_assignees(s, case),
    "tell": lambda s, case, member: ask_for_message(
        s, case, member.user_id, DraftPurpose.AFTER_CLOSE
    ),
    "thank": lambda s, case, member: work_praise(s, case, member, PraiseStep.THANKED),
    "passon": lambda s, case, member: work_praise(s, case, member, PraiseStep.PASSED_ON),
}
Detailed = Callable[[Services, Case, StaffMember, str], Awaitable[Refusal | None]]
DETAILED: dict[str, Detailed] = {  # cs:<action>:<case>:<detail>
    "outcome": lambda s, case, member, code: case_work.choose_outcome(
        s, case.id, member, Outcome(code)
    ),
    "assign": lambda s, case, member, user: assign(s, case, member, int(user)),
    "send": lambda s, case, member, draft: send_draft(s, case, member.user_id, int(draft)),
    "cancel": lambda s, case, member, draft: cancel_draft(s, case, member.user_id, int(draft)),
}
ACTIONS = frozenset(PRESSES) | frozenset(DETAILED)


def refusal_text(context: AppContext, refusal: Refusal, number: int) -> str:
    """Say to a staff member why their press changed nothing."""
    return text_of(context, REFUSALS.get(refusal, "common/question_closed"), number=number)


def _well_formed(parts: list[str]) -> bool:
    """Say whether a press names a known action, a case number and at most one detail."""
    if len(parts) not in (3, 4) or parts[1] not in ACTIONS:
        return False
    numbers = parts[2:] if parts[1] != "outcome" else parts[2:3]
    if not all(p.isdecimal() and len(p) < 19 for p in numbers):
        return False
    return len(parts) == 3 or parts[1] != "outcome" or parts[3] in OUTCOME_CODES


async def on_case_staff_button(update: Update, context: AppContext) -> None:
    """Check the role on every press, then take the action it names on the case."""
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    services = context.services
    parts = (query.data or "").split(":")
    case = await services.store.cases.get(int(parts[2])) if _well_formed(parts) else None
    member = (
        await case_work.member_who_may_work(services, update.effective_user.id, case)
        if case
        else None
    )
    if case is None or member is None:
        await query.answer(text_of(context, "staff/not_allowed_short"), show_alert=True)
        return
    action = parts[1]
    refusal: Refusal | None = Refusal.GONE
    if len(parts) == 3 and action in PRESSES:
        refusal = await PRESSES[action](services, case, member)
    elif len(parts) == 4 and action in DETAILED:
        refusal = await DETAILED[action](services, case, member, parts[3])
    if refusal is None:
        await query.answer()
        if action in ("send", "cancel") and isinstance(query.message, Message):
            await query.message.edit_reply_markup(reply_markup=None)
    else:
        await query.answer(refusal_text(context, refusal, case.id), show_alert=True)


def _quoted(message: Message) -> int | None:
    """Return the staff-group message this one replies to or quotes from another topic,
    unless that is only its own forum topic's start."""
    external = message.external_reply
    if external is not None and external.chat is not None and external.chat.id == message.chat_id:
        return external.message_id  # quoted from another topic of the group
    replied = message.reply_to_message
    if replied is None:
        return None
    if message.is_topic_message and replied.message_id == message.message_thread_id:
        return None
    return replied.message_id


async def on_staff_group_text(update: Update, context: AppContext) -> None:
    """Take what a staff member writes in a case's thread; refuse others politely there."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None
    if user is None or user.is_bot:
        return
    services = context.services
    thread = message.message_thread_id if message.is_topic_message else None
    located = await locate(services, message.chat_id, thread, _quoted(message))
    if located.case is None:
        return  # outside case threads: the group's own conversation
    member = await case_work.member_who_may_work(services, user.id, located.case)
    if member is None:
        refusal = text_of(context, "staff/case_not_yours", number=located.case.id)
        await answer_message(context, message, Outgoing(refusal))
        return
    words = StaffWords(
        text=message.text or message.caption or "",
        quoted=_quoted(message),
        forwarded=message.forward_origin is not None,
        media=message.effective_attachment is not None,
    )
    await on_staff_words(services, located.case, member, words, located.quoted_case_id)
