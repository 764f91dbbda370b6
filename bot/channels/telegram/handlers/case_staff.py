"""Working a case from the staff group: take, reply (relayed to the patient), close, reopen."""

from __future__ import annotations

from telegram import Message, Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.replies import Button, chat_locale, send_in, text_of
from bot.domain.roles import Permission, is_allowed
from bot.services.case_cards import post_in_case, refresh_card
from bot.services.ports import Choice, Outgoing, telegram_chat
from bot.storage.cases import Case
from bot.storage.records import StaffMember

OUTCOMES = ("substantiated", "not_substantiated", "resolved", "referred")
ACTIONS = ("take", "reply", "close", "reopen", "outcome")
STOPPED_NOTE = "staff/case_patient_stopped"
SHOWN_TEXT = 3000  # a reply or summary shown to others fits one message with its heading


async def staff_member_for(context: AppContext, user_id: int, case: Case) -> StaffMember | None:
    """Return the member if their role (and department) lets them work this case."""
    member = await context.services.store.staff.get(user_id)
    episode = await context.services.store.episodes.get(case.episode_id)
    if (
        member is None
        or episode is None
        or not is_allowed(
            member.role,
            Permission.WORK_CASES,
            member_department_id=member.department_id,
            target_department_id=episode.department_id,
        )
    ):
        return None
    return member


def member_name(member: StaffMember) -> str:
    """How a staff member is named inside the staff group (never to patients)."""
    return member.name or str(member.user_id)


async def on_case_staff_button(update: Update, context: AppContext) -> None:
    """Check the role on every press, then take, prompt a reply, close or reopen."""
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    parts = (query.data or "").split(":")
    case = None
    if len(parts) in (3, 4) and parts[1] in ACTIONS and parts[2].isdecimal() and len(parts[2]) < 19:
        case = await context.services.store.cases.get(int(parts[2]))
    member = await staff_member_for(context, update.effective_user.id, case) if case else None
    if case is None or member is None:
        await query.answer(text_of(context, "staff/not_allowed_short"), show_alert=True)
        return
    await query.answer()
    handler = {"take": _take, "reply": _prompt_reply, "close": _ask_outcome, "reopen": _reopen}
    if parts[1] == "outcome" and len(parts) == 4 and parts[3] in OUTCOMES:
        await _choose_outcome(context, case, member, parts[3])
    elif parts[1] in handler:
        await handler[parts[1]](context, case, member)


async def _take(context: AppContext, case: Case, member: StaffMember) -> None:
    now = context.services.clock.now()
    status = "taken" if case.status == "new" else case.status
    await context.services.store.cases.take(
        case.id, now, member.user_id, status, first_ack=case.acknowledged_at is None
    )
    await post_in_case(context, case, "staff/case_taken_note", who=member_name(member))
    await refresh_card(context, case.id)


async def _prompt_reply(context: AppContext, case: Case, member: StaffMember) -> None:
    prompt = await post_in_case(context, case, "staff/case_reply_prompt")
    if prompt is not None:
        await context.services.store.cases.change(
            case.id,
            context.services.clock.now(),
            member.user_id,
            "reply_prompt",
            str(prompt.message_id),
        )


async def _ask_outcome(context: AppContext, case: Case, member: StaffMember) -> None:
    if case.closed or case.staff_chat_id is None:
        return
    render, locale = context.services.renderer.render, context.services.locale
    choices = tuple(
        (Choice(f"cs:outcome:{case.id}:{o}", render(f"buttons/outcome_{o}", locale)),)
        for o in OUTCOMES
    )
    text = render("staff/case_outcome_prompt", locale, number=case.id)
    where = telegram_chat(case.staff_chat_id, case.topic_id)
    await context.services.sender.send(where, Outgoing(text, choices))


async def _choose_outcome(
    context: AppContext, case: Case, member: StaffMember, outcome: str
) -> None:
    store, now = context.services.store, context.services.clock.now()
    if not await store.cases.choose_outcome(case.id, now, member.user_id, outcome):
        return
    prompt = await post_in_case(context, case, "staff/case_summary_prompt")
    if prompt is not None:
        await store.cases.change(
            case.id, now, member.user_id, "summary_prompt", str(prompt.message_id)
        )
    await refresh_card(context, case.id)


async def _reopen(context: AppContext, case: Case, member: StaffMember) -> None:
    now = context.services.clock.now()
    if await context.services.store.cases.reopen(case.id, now, member.user_id):
        await post_in_case(context, case, "staff/case_reopened_note", who=member_name(member))
        await refresh_card(context, case.id)


async def on_staff_group_text(update: Update, context: AppContext) -> None:
    """Relay a staff member's message in a case thread to the patient (or take the summary)."""
    message = update.effective_message
    assert message is not None and update.effective_user is not None
    reply_to = message.reply_to_message.message_id if message.reply_to_message else None
    thread = message.message_thread_id if message.is_topic_message else None
    case = await context.services.store.cases.in_thread(message.chat_id, thread, reply_to)
    member = await staff_member_for(context, update.effective_user.id, case) if case else None
    if case is None or member is None or case.kind == "praise" or not message.text:
        return  # messages from others, or outside case threads, are not ours to act on
    if case.status == "closing":
        await close_case(context, case, member, message.text)
    elif not case.closed:
        await relay_to_patient(context, case, member, message)


async def relay_to_patient(
    context: AppContext, case: Case, member: StaffMember, message: Message
) -> None:
    """Send a staff reply to the patient, signed with the hospital and department only."""
    services = context.services
    contact = await services.store.contacts.get(case.contact_id) if case.contact_id else None
    episode = await services.store.episodes.get(case.episode_id)
    if contact is None or episode is None:
        return
    if episode.patient_fact is not None:  # a death or a dispute: nothing reaches the patient
        await post_in_case(context, case, STOPPED_NOTE, fact=episode.patient_fact.value)
        return
    text = services.renderer.render(
        "case/staff_reply",
        await chat_locale(context, contact.chat_id),
        number=case.id,
        hospital=services.settings.require_hospital_name(),
        department=episode.department,
        text=(message.text or "")[:SHOWN_TEXT],
    )
    if await services.sender.send(contact.address, Outgoing(text)) is None:
        await send_in(context, services.locale, message.chat_id, "common/error")
        return
    now = services.clock.now()
    first = case.answered_at is None
    await services.store.cases.record_reply(case.id, now, member.user_id, message.text, first)
    await post_in_case(context, case, "staff/case_relayed")
    await refresh_card(context, case.id)


async def close_case(context: AppContext, case: Case, member: StaffMember, summary: str) -> None:
    """Close with the chosen outcome and this summary; tell the patient and ask one question."""
    services = context.services
    now = services.clock.now()
    if not await services.store.cases.close(case.id, now, member.user_id, summary):
        return
    render = services.renderer.render
    outcome = render(f"outcomes/{case.outcome}", services.locale) if case.outcome else ""
    shown = summary[:SHOWN_TEXT]
    contact = await services.store.contacts.get(case.contact_id) if case.contact_id else None
    episode = await services.store.episodes.get(case.episode_id)
    if episode is not None and episode.patient_fact is not None:
        await post_in_case(context, case, STOPPED_NOTE, fact=episode.patient_fact.value)
        contact = None  # a death or a dispute: the case closes without a word to the patient
    if contact is not None:
        await _tell_patient_closed(context, case, contact.chat_id, shown)
    await post_in_case(
        context,
        case,
        "staff/case_closed_note",
        outcome=outcome,
        summary=shown,
        who=member_name(member),
    )
    await refresh_card(context, case.id)


async def _tell_patient_closed(context: AppContext, case: Case, chat_id: int, shown: str) -> None:
    """Tell the patient, in their language, how the case ended and ask if they are satisfied."""
    locale = await chat_locale(context, chat_id)
    render = context.services.renderer.render
    outcome = render(f"outcomes/{case.outcome}", locale) if case.outcome else ""
    closed = "case/closed"
    await send_in(context, locale, chat_id, closed, number=case.id, outcome=outcome, summary=shown)
    buttons: list[list[Button]] = [
        [
            ("buttons/handling_satisfied", f"ch:{case.id}:yes"),
            ("buttons/handling_unsatisfied", f"ch:{case.id}:no"),
        ]
    ]
    await send_in(context, locale, chat_id, "case/handling_question", buttons, number=case.id)
