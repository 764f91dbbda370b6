"""Cases staff must handle, and the rules of their lifecycle: who may do what, and when.

Each transition returns the change to store (a `CaseChange`) or refuses (an
`IllegalTransition`); storage applies a change only if the case's status is still the one
the decision was taken on, so two staff pressing at once cannot both win.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.red_flags import RedFlagOutcome


class CaseKind(StrEnum):
    RED_FLAG = "red_flag"
    COMPLAINT = "complaint"
    PRAISE = "praise"
    QUESTION = "question"


WORKED_KINDS = (CaseKind.COMPLAINT, CaseKind.QUESTION)  # staff reply to these, with deadlines
REMIND_BEFORE = timedelta(hours=24)  # a deadline is reminded this long before it...
REMIND_NOT_BEFORE = 0.5  # ...but never in this first share of its window


class CaseSource(StrEnum):
    """Where a case came from."""

    PATIENT = "patient"  # /complain or /praise
    SURVEY = "survey"  # an answer in a check-in
    PATIENT_MESSAGE = "patient_message"  # free text, voice, a photo… sent outside a survey


class CaseStatus(StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    TAKEN = "taken"
    ANSWERED = "answered"
    CLOSING = "closing"  # an outcome is chosen; the next staff message is the summary
    CLOSED = "closed"


class Outcome(StrEnum):
    SUBSTANTIATED = "substantiated"
    NOT_SUBSTANTIATED = "not_substantiated"
    RESOLVED = "resolved"
    REFERRED = "referred"


class HandlingSatisfaction(StrEnum):
    SATISFIED = "satisfied"
    UNSATISFIED = "unsatisfied"


class Deadline(StrEnum):
    ACK = "ack"  # someone must acknowledge the case
    ANSWER = "answer"  # someone must answer the patient


class CaseEventKind(StrEnum):
    CREATED = "created"
    POSTED = "posted"
    UNPOSTED = "unposted"  # supervisors were told the staff group is unreachable
    ACKNOWLEDGED = "acknowledged"
    TAKEN = "taken"
    REPLY_PROMPT = "reply_prompt"
    REPLIED = "replied"
    PATIENT_REPLY = "patient_reply"
    OUTCOME = "outcome"
    SUMMARY_PROMPT = "summary_prompt"
    CLOSED = "closed"
    REOPENED = "reopened"
    HANDLING_FEEDBACK = "handling_feedback"
    ACK_REMINDER = "ack_reminder"
    ANSWER_REMINDER = "answer_reminder"
    ACK_OVERDUE = "ack_overdue"
    ANSWER_OVERDUE = "answer_overdue"
    NOTE = "note"  # an internal note by staff: never shown to the patient
    DRAFT_CANCELLED = "draft_cancelled"  # a previewed message to the patient was not sent
    AFTER_CLOSE_MESSAGE = "after_close_message"  # a message sent to the patient after closing
    ASSIGNED = "assigned"  # given to a named colleague (detail: their user id)
    PRAISE_THANKED = "praise_thanked"  # staff thanked the patient for the praise
    PRAISE_PASSED_ON = "praise_passed_on"  # the praise was passed on to the person praised
    THREAD_POST = "thread_post"  # a post under a card (no topic): a reply to it is in the case
    RED_FLAG_OUTCOME = "red_flag_outcome"  # what was done about a red flag: closes it
    RED_FLAG_NOTE_PROMPT = "red_flag_note_prompt"  # a reply to this prompt is the note
    RED_FLAG_NOTE = "red_flag_note"
    LEADER_COMMENT = "leader_comment"  # a supervisor's comment: the register's 领导意见


PROMPT_EVENTS = (CaseEventKind.REPLY_PROMPT, CaseEventKind.SUMMARY_PROMPT)
THREAD_EVENTS = (*PROMPT_EVENTS, CaseEventKind.THREAD_POST)  # bot posts a reply can quote
REMINDER_EVENTS = {
    Deadline.ACK: CaseEventKind.ACK_REMINDER,
    Deadline.ANSWER: CaseEventKind.ANSWER_REMINDER,
}
OVERDUE_EVENTS = {
    Deadline.ACK: CaseEventKind.ACK_OVERDUE,
    Deadline.ANSWER: CaseEventKind.ANSWER_OVERDUE,
}


class PraiseStep(StrEnum):
    """What staff did with a praise: its register's 处理情况."""

    THANKED = "thanked"
    PASSED_ON = "passed_on"


PRAISE_EVENTS = {
    PraiseStep.THANKED: CaseEventKind.PRAISE_THANKED,
    PraiseStep.PASSED_ON: CaseEventKind.PRAISE_PASSED_ON,
}


class Posting(StrEnum):
    """What came of trying to post a case to the staff group."""

    POSTED = "posted"
    FAILED = "failed"  # no group, or the staff side refused: the sweep tries again
    CLAIMED = "claimed"  # posted already, or another post of it is under way


class Refusal(StrEnum):
    """Why a transition is not allowed."""

    CLOSED = "closed"  # the case is closed
    NOT_CLOSED = "not_closed"  # only a closed case can be reopened or rated
    NOT_CLOSING = "not_closing"  # no outcome was chosen: there is nothing to close
    ALREADY_ACKNOWLEDGED = "already_acknowledged"
    ALREADY_RATED = "already_rated"
    NOT_WORKED = "not_worked"  # praise is shown to staff, not worked
    NOT_PRAISE = "not_praise"  # only a praise is thanked for or passed on
    ALREADY_DONE = "already_done"  # this step was taken already
    DRAFT_GONE = "draft_gone"  # a preview already sent, cancelled or replaced
    NOT_RED_FLAG = "not_red_flag"  # only red flags are closed with a red-flag outcome
    GONE = "gone"  # no such case
    BUSY = "busy"  # the case kept changing while the decision was taken: try again


@dataclass(frozen=True)
class IllegalTransition:
    """A refused transition and why."""

    reason: Refusal


@dataclass(frozen=True)
class CaseChange:
    """What a transition sets on a case, and the event it records; None leaves a field as is.

    `acknowledge`, `answer` and `rating` are set only once: storage refuses the change if
    someone else set them meanwhile.
    """

    event: CaseEventKind
    at: datetime
    actor_id: int | None = None
    detail: str | None = None
    status: CaseStatus | None = None
    assignee_id: int | None = None
    acknowledge: bool = False  # acknowledged_by = actor, acknowledged_at = at
    answer: bool = False  # answered_at = at
    outcome: Outcome | None = None
    summary: str | None = None
    close: bool = False  # closed_at = at
    reopen: bool = False  # clear closed_at and the outcome
    rating: HandlingSatisfaction | None = None
    red_flag_outcome: RedFlagOutcome | None = None


Decision = CaseChange | IllegalTransition


@dataclass(frozen=True)
class StaffPost:
    """Where a case (or an alert about it) was posted on the staff side."""

    chat_id: int
    message_id: int
    topic_id: int | None


@dataclass(frozen=True)
class CaseEvent:
    at: datetime
    actor_id: int | None
    kind: str
    detail: str | None


@dataclass(frozen=True)
class Case:
    """A case as stored; its methods decide transitions without changing it."""

    id: int
    kind: CaseKind
    patient_id: int
    episode_id: int
    contact_id: int | None
    session_id: int | None
    source: str
    question: str | None
    answer: str | None
    text: str | None
    status: CaseStatus
    created_at: datetime
    due_at: datetime | None
    staff_chat_id: int | None
    staff_message_id: int | None
    acknowledged_by: int | None
    acknowledged_at: datetime | None
    respondent: str | None
    relation: str | None
    concerned: str | None
    photo_file_id: str | None
    topic_id: int | None
    assignee_id: int | None
    outcome: Outcome | None
    summary: str | None
    handling_satisfaction: HandlingSatisfaction | None
    ack_due_at: datetime | None
    answered_at: datetime | None
    closed_at: datetime | None
    ack_reminded_at: datetime | None
    answer_reminded_at: datetime | None
    ack_overdue_at: datetime | None
    answer_overdue_at: datetime | None
    post_claimed_until: datetime | None = None
    red_flag_outcome: RedFlagOutcome | None = None

    @property
    def closed(self) -> bool:
        """Say whether the case is closed."""
        return self.status is CaseStatus.CLOSED

    @property
    def posted(self) -> bool:
        """Say whether the case has its card (or alert) on the staff side."""
        return self.staff_message_id is not None

    def take(self, by: int, now: datetime) -> Decision:
        """Assign the case to a staff member (acknowledging it if nobody had)."""
        if self.closed:
            return IllegalTransition(Refusal.CLOSED)
        status = CaseStatus.TAKEN if self.status is CaseStatus.NEW else None
        first = self.acknowledged_at is None
        return CaseChange(
            CaseEventKind.TAKEN, now, by, status=status, assignee_id=by, acknowledge=first
        )

    def acknowledge(self, by: int, now: datetime) -> Decision:
        """Record who acknowledged the case first."""
        if self.acknowledged_at is not None:
            return IllegalTransition(Refusal.ALREADY_ACKNOWLEDGED)
        status = CaseStatus.ACKNOWLEDGED if self.status is CaseStatus.NEW else None
        return CaseChange(CaseEventKind.ACKNOWLEDGED, now, by, status=status, acknowledge=True)

    def reply(self, by: int, now: datetime, text: str) -> Decision:
        """Record a staff reply relayed to the patient; the first one answers the case."""
        if self.kind is CaseKind.PRAISE:
            return IllegalTransition(Refusal.NOT_WORKED)
        if self.closed or self.status is CaseStatus.CLOSING:
            return IllegalTransition(Refusal.CLOSED)
        first = self.answered_at is None
        return CaseChange(
            CaseEventKind.REPLIED, now, by, text, status=CaseStatus.ANSWERED, answer=first
        )

    def choose_outcome(self, by: int, now: datetime, outcome: Outcome) -> Decision:
        """Set the outcome and start closing: the next staff message is the summary."""
        if self.closed:
            return IllegalTransition(Refusal.CLOSED)
        return CaseChange(
            CaseEventKind.OUTCOME,
            now,
            by,
            outcome.value,
            status=CaseStatus.CLOSING,
            assignee_id=by,
            outcome=outcome,
        )

    def close(self, by: int, now: datetime, summary: str) -> Decision:
        """Close a case being closed, with its summary."""
        if self.status is not CaseStatus.CLOSING:
            return IllegalTransition(Refusal.NOT_CLOSING)
        return CaseChange(
            CaseEventKind.CLOSED,
            now,
            by,
            summary,
            status=CaseStatus.CLOSED,
            summary=summary,
            close=True,
        )

    def assign(self, by: int, to: int, now: datetime) -> Decision:
        """Give the case to a named colleague (acknowledging it if nobody had)."""
        if self.closed:
            return IllegalTransition(Refusal.CLOSED)
        if self.kind not in WORKED_KINDS:
            return IllegalTransition(Refusal.NOT_WORKED)
        status = CaseStatus.TAKEN if self.status is CaseStatus.NEW else None
        first = self.acknowledged_at is None
        return CaseChange(
            CaseEventKind.ASSIGNED,
            now,
            by,
            str(to),
            status=status,
            assignee_id=to,
            acknowledge=first,
        )

    def handle_praise(self, step: PraiseStep, by: int, now: datetime, record: str) -> Decision:
        """Record a step taken on a praise; `record` is its register's 处理情况 afterwards.

        Thanking answers the praise; passing it on to the person praised closes it.
        """
        if self.kind is not CaseKind.PRAISE:
            return IllegalTransition(Refusal.NOT_PRAISE)
        if step is PraiseStep.THANKED:
            if self.answered_at is not None:
                return IllegalTransition(Refusal.ALREADY_DONE)
            status = None if self.closed else CaseStatus.ANSWERED
            return CaseChange(
                PRAISE_EVENTS[step], now, by, status=status, answer=True, summary=record
            )
        if self.closed:
            return IllegalTransition(Refusal.ALREADY_DONE)
        return CaseChange(
            PRAISE_EVENTS[step],
            now,
            by,
            status=CaseStatus.CLOSED,
            close=True,
            summary=record,
        )

    def reopen(self, by: int, now: datetime) -> Decision:
        """Reopen a closed case as taken."""
        if not self.closed:
            return IllegalTransition(Refusal.NOT_CLOSED)
        return CaseChange(CaseEventKind.REOPENED, now, by, status=CaseStatus.TAKEN, reopen=True)

    def rate_handling(self, satisfied: bool, now: datetime) -> Decision:
        """Record the patient's one answer on how a closed case was handled."""
        if not self.closed:
            return IllegalTransition(Refusal.NOT_CLOSED)
        if self.handling_satisfaction is not None:
            return IllegalTransition(Refusal.ALREADY_RATED)
        rating = HandlingSatisfaction.SATISFIED if satisfied else HandlingSatisfaction.UNSATISFIED
        detail = "yes" if satisfied else "no"
        return CaseChange(CaseEventKind.HANDLING_FEEDBACK, now, None, detail, rating=rating)

    def record_red_flag_outcome(self, by: int, now: datetime, outcome: RedFlagOutcome) -> Decision:
        """Close a red flag with what was done (acknowledging it if nobody had)."""
        if self.kind is not CaseKind.RED_FLAG:
            return IllegalTransition(Refusal.NOT_RED_FLAG)
        if self.closed:
            return IllegalTransition(Refusal.CLOSED)
        return CaseChange(
            CaseEventKind.RED_FLAG_OUTCOME,
            now,
            by,
            outcome.value,
            status=CaseStatus.CLOSED,
            acknowledge=self.acknowledged_at is None,
            close=True,
            red_flag_outcome=outcome,
        )

    def note_red_flag(self, by: int, now: datetime, note: str) -> Decision:
        """Record staff's note on a red flag (after its outcome); the latest is its summary."""
        if self.kind is not CaseKind.RED_FLAG:
            return IllegalTransition(Refusal.NOT_RED_FLAG)
        return CaseChange(CaseEventKind.RED_FLAG_NOTE, now, by, note, summary=note)


def reminder_at(start: datetime, due: datetime) -> datetime:
    """Return when to remind of a deadline: REMIND_BEFORE ahead of it, but never in the first
    REMIND_NOT_BEFORE share of its window (a one-day window is reminded halfway, not at once)."""
    return max(due - REMIND_BEFORE, start + (due - start) * REMIND_NOT_BEFORE)
