"""What a staff member writes in a case's thread: an internal note, unless it is asked for.

Plain text is an internal note: recorded, acknowledged in the thread, never shown to the
patient. Text becomes a message to the patient only as a draft asked for by the Reply
button (bot.services.case_drafts), and the closer's next text after choosing an outcome
is the internal closing summary. A forwarded message or a picture is always a note, and a
reply quoting another case's message is kept as a note with a warning: nothing typed in
the wrong place reaches a patient, and nothing is lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.case_drafts import Draft, DraftPurpose
from bot.domain.cases import WORKED_KINDS, Case, CaseEventKind, CaseStatus
from bot.services.case_drafts import write_draft
from bot.services.case_replies import SHOWN_TEXT, close_case
from bot.services.container import Services
from bot.storage.records import StaffMember

NOTED = "staff/case_note_recorded"


@dataclass(frozen=True)
class StaffWords:
    """A staff message as the use case needs it, whatever the channel."""

    text: str  # the text or caption ("" for a picture without one)
    quoted: int | None = None  # the staff-side message it replies to, if any
    forwarded: bool = False  # someone else's words, passed on
    media: bool = False  # a picture, file or voice note


@dataclass(frozen=True)
class Located:
    """The case a staff message belongs to, and the case of the message it quotes."""

    case: Case | None
    quoted_case_id: int | None


async def locate(
    services: Services, chat_id: int, thread_id: int | None, quoted: int | None
) -> Located:
    """Find the case of a staff-group message: its topic first, else what it quotes."""
    store = services.store
    in_topic = await store.cases.in_topic(chat_id, thread_id) if thread_id is not None else None
    quoted_case = None
    if quoted is not None:
        quoted_case = await store.cases.quoting(chat_id, quoted)
        draft = await store.case_drafts.quoted(quoted) if quoted_case is None else None
        if draft is not None:
            quoted_case = await store.cases.get(draft.case_id)
    case = in_topic or quoted_case
    return Located(case, quoted_case.id if quoted_case is not None else None)


async def on_staff_words(
    services: Services, case: Case, member: StaffMember, words: StaffWords, quoted_case: int | None
) -> None:
    """Take a staff message in a case's thread: a draft, the closing summary, or a note."""
    if quoted_case is not None and quoted_case != case.id:
        await record_note(services, case, member, words, "staff/case_quoted_other", quoted_case)
        return
    if words.forwarded or words.media or not words.text.strip():
        await record_note(services, case, member, words)
        return
    quoted_draft = await _quoted_draft(services, case, words.quoted)
    closing = case.status is CaseStatus.CLOSING and quoted_draft is None
    if closing and await _is_summary(services, case, member, words):
        await close_case(services, case, member, words.text)
        return
    draft = quoted_draft or await services.store.case_drafts.open_of(case.id, member.user_id)
    if draft is not None and _still_wanted(case, draft):
        await write_draft(services, case, draft, member.user_id, words.text)
    else:
        await record_note(services, case, member, words)


def _still_wanted(case: Case, draft: Draft) -> bool:
    """Say whether a draft can still be sent: a reply only while the case is worked."""
    closing = case.status in (CaseStatus.CLOSING, CaseStatus.CLOSED)
    return not (draft.purpose is DraftPurpose.REPLY and closing)


async def _quoted_draft(services: Services, case: Case, quoted: int | None) -> Draft | None:
    """Return the case's open draft whose prompt or preview this text replies to, if any."""
    if quoted is None:
        return None
    draft = await services.store.case_drafts.quoted(quoted)
    return draft if draft is not None and draft.case_id == case.id and draft.open else None


async def _is_summary(
    services: Services, case: Case, member: StaffMember, words: StaffWords
) -> bool:
    """Say whether this text closes the case: a reply to its summary prompt, or the closer's."""
    if words.quoted is not None:
        kind = CaseEventKind.SUMMARY_PROMPT
        if await services.store.cases.prompted_by(case.id, kind, words.quoted):
            return True
    return case.assignee_id == member.user_id


async def record_note(
    services: Services,
    case: Case,
    member: StaffMember,
    words: StaffWords,
    key: str = NOTED,
    other: int | None = None,
) -> None:
    """Keep a staff message as an internal note of the case and say so in its thread."""
    now = services.clock.now()
    detail = words.text[:SHOWN_TEXT] or None
    await services.store.cases.record_event(
        case.id, CaseEventKind.NOTE, now, member.user_id, detail
    )
    await services.staff_desk.post_note(
        case,
        key,
        other=other,
        forwarded=words.forwarded,
        media=words.media,
        worked=case.kind in WORKED_KINDS,
    )
