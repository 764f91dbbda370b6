"""Messages staff write to a case's patient: asked for, previewed, sent only on Send.

The Reply button (or, after closing, the offer of a last word) asks for the text; the
member's next text in the thread — or a reply to the prompt or to the preview — is shown
back as exactly what the patient will read, with Send and Cancel. Drafts are stored, so a
restart between any two steps changes nothing.
"""

from __future__ import annotations

from markupsafe import Markup

from bot.domain.case_drafts import Draft, DraftPurpose, DraftStatus
from bot.domain.cases import WORKED_KINDS, Case, CaseEventKind, IllegalTransition, Refusal
from bot.domain.channel_messages import Choice
from bot.services.case_replies import SHOWN_TEXT, patient_stopped, relay_to_patient
from bot.services.container import Services
from bot.services.languages import locale_of_chat

PROMPTS = {
    DraftPurpose.REPLY: "staff/case_reply_prompt",
    DraftPurpose.AFTER_CLOSE: "staff/case_after_close_prompt",
}


async def ask_for_message(
    services: Services, case: Case, author_id: int, purpose: DraftPurpose
) -> Refusal | None:
    """Ask in the thread for a message to the patient; the author's next text is its draft."""
    if case.kind not in WORKED_KINDS:  # red flags and praise are worked with their own buttons
        return Refusal.NOT_WORKED
    if purpose is DraftPurpose.REPLY and case.closed:
        return Refusal.CLOSED
    if purpose is DraftPurpose.AFTER_CLOSE and not case.closed:
        return Refusal.NOT_CLOSED
    prompt = await services.staff_desk.post_note(case, PROMPTS[purpose])
    if prompt is None:
        return None
    now = services.clock.now()
    await services.store.case_drafts.ask(case.id, author_id, purpose, int(prompt), now)
    if purpose is DraftPurpose.REPLY:  # a reply to the prompt finds its case (card threads)
        await services.store.cases.record_event(
            case.id, CaseEventKind.REPLY_PROMPT, now, author_id, prompt
        )
    return None


async def write_draft(
    services: Services, case: Case, draft: Draft, author_id: int, text: str
) -> None:
    """Take a member's text as the draft and show it back as the patient would read it."""
    if len(text) > SHOWN_TEXT:  # never cut a message short behind the writer's back
        await services.store.cases.record_event(
            case.id, CaseEventKind.NOTE, services.clock.now(), author_id, text
        )
        await services.staff_desk.post_note(
            case, "staff/case_draft_too_long", limit=SHOWN_TEXT, length=len(text)
        )
        return
    written = await services.store.case_drafts.write(draft, author_id, text, services.clock.now())
    if written is None:  # sent or cancelled meanwhile: nothing is lost, it is a note
        await services.store.cases.record_event(
            case.id, CaseEventKind.NOTE, services.clock.now(), author_id, text
        )
        await services.staff_desk.post_note(case, "staff/case_note_recorded")
        return
    shown = await _as_patient_reads(services, case, written.text or "")
    choices = (
        (
            Choice(f"cs:send:{case.id}:{written.id}", _label(services, "buttons/draft_send")),
            Choice(f"cs:cancel:{case.id}:{written.id}", _label(services, "buttons/draft_cancel")),
        ),
    )
    preview = await services.staff_desk.offer(
        case, "staff/case_draft_preview", choices, message=Markup(shown)
    )
    if preview is not None:
        await services.store.case_drafts.set_preview(written.id, int(preview))


def _label(services: Services, key: str) -> str:
    return services.renderer.render(key, services.locale)


async def _as_patient_reads(services: Services, case: Case, text: str) -> str:
    """Render the message exactly as the case's patient will get it, in their language."""
    contact = await services.store.contacts.get(case.contact_id) if case.contact_id else None
    episode = await services.store.episodes.get(case.episode_id)
    locale = (
        await locale_of_chat(services.store, services.settings, contact.chat_id)
        if contact is not None
        else services.locale
    )
    return services.renderer.render(
        "case/staff_reply",
        locale,
        number=case.id,
        hospital=services.settings.require_hospital_name(),
        department=episode.department if episode else "",
        text=text,
    )


async def send_draft(
    services: Services, case: Case, member_id: int, draft_id: int
) -> Refusal | None:
    """Relay a previewed draft to the patient, once, whoever presses Send."""
    draft = await _previewed(services, case, draft_id)
    if draft is None:
        return Refusal.DRAFT_GONE
    now = services.clock.now()
    if draft.purpose is DraftPurpose.REPLY:
        decision = case.reply(member_id, now, draft.text or "")
        if isinstance(decision, IllegalTransition):
            return decision.reason
    drafts = services.store.case_drafts
    if await patient_stopped(services, case):  # a death or a dispute: it will never go
        await drafts.decide(draft.id, DraftStatus.CANCELLED, now, DraftStatus.PREVIEWED)
        return None
    if not await drafts.decide(draft.id, DraftStatus.SENT, now, DraftStatus.PREVIEWED):
        return Refusal.DRAFT_GONE
    after_close = draft.purpose is DraftPurpose.AFTER_CLOSE
    if not await relay_to_patient(services, case, member_id, draft.text or "", after_close):
        await drafts.decide(draft.id, DraftStatus.PREVIEWED, now, DraftStatus.SENT)
        await services.staff_desk.post_note(case, "staff/case_draft_not_sent")
    return None


async def cancel_draft(
    services: Services, case: Case, member_id: int, draft_id: int
) -> Refusal | None:
    """Drop a previewed draft: nothing reaches the patient."""
    draft = await _previewed(services, case, draft_id)
    now = services.clock.now()
    drafts = services.store.case_drafts
    if draft is None or not await drafts.decide(
        draft.id, DraftStatus.CANCELLED, now, DraftStatus.PREVIEWED
    ):
        return Refusal.DRAFT_GONE
    await services.store.cases.record_event(case.id, CaseEventKind.DRAFT_CANCELLED, now, member_id)
    await services.staff_desk.post_note(case, "staff/case_draft_cancelled")
    return None


async def _previewed(services: Services, case: Case, draft_id: int) -> Draft | None:
    draft = await services.store.case_drafts.get(draft_id)
    if draft is None or draft.case_id != case.id or draft.status is not DraftStatus.PREVIEWED:
        return None
    return draft
