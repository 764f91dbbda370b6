"""Turn an outbox row into a neutral message: its text and its answer choices."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.channel_messages import Choice, Choices, Outgoing
from bot.domain.choices import (
    AnswerChoice,
    KeepAskingChoice,
    MedicationChoice,
    ReexamChoice,
    StillTakingChoice,
    encode_answer,
)
from bot.domain.clock import Clock
from bot.domain.elapsed import Elapsed, days_between, elapsed_since
from bot.domain.languages import effective_locale
from bot.domain.messages import MessageKind
from bot.domain.notice_kinds import scheduled_notice
from bot.domain.surveys.engine import next_question
from bot.domain.surveys.model import RESUMED_TEMPLATE, Survey, SurveyContext
from bot.services.survey_questions import (
    question_choices,
    question_text,
    question_variables,
)
from bot.storage.outbox_records import OutboxRow
from bot.storage.store import Store
from bot.storage.surveys import NewSession
from bot.templating import DEFAULT_LOCALE, Renderer


@dataclass(frozen=True)
class SurveyBook:
    """The surveys check-ins run, with how long a survey stays open and the local zone."""

    surveys: dict[str, Survey]
    expiry: timedelta
    zone: ZoneInfo


SINCE_DISCHARGE_TEMPLATE = "plans/since_discharge"  # "3天", "两周", "一个多月" in words
# kind -> rows of (label template, answer); the row id is added to the choice id
ANSWER_BUTTONS: dict[MessageKind, list[list[tuple[str, AnswerChoice]]]] = {
    MessageKind.MEDICATION: [
        [
            ("buttons/med_taken", MedicationChoice.TAKEN),
            ("buttons/med_snooze", MedicationChoice.SNOOZE),
            ("buttons/med_skip", MedicationChoice.SKIP),
        ]
    ],
    MessageKind.MEDICATION_CHECK: [
        [
            ("buttons/med_still_taking", StillTakingChoice.YES),
            ("buttons/med_stopped", StillTakingChoice.STOPPED),
        ]
    ],
    MessageKind.REEXAM_REMINDER: [
        [("buttons/reexam_confirm", ReexamChoice.CONFIRM)],
        [("buttons/reexam_other", ReexamChoice.OTHER), ("buttons/reexam_done", ReexamChoice.DONE)],
    ],
    MessageKind.KEEP_ASKING: [
        [("buttons/keep_yes", KeepAskingChoice.YES), ("buttons/keep_no", KeepAskingChoice.NO)]
    ],
}


@dataclass(frozen=True)
class SinceDischarge:
    """The time since discharge in words, rendered only when a template prints it (most
    messages do not, and the dispatcher composes thousands a minute)."""

    renderer: Renderer
    locale: str
    elapsed: Elapsed

    def __str__(self) -> str:
        return self.renderer.render(SINCE_DISCHARGE_TEMPLATE, self.locale, **asdict(self.elapsed))


def compose_text(
    renderer: Renderer, row: OutboxRow, hospital: str, now: datetime, zone: ZoneInfo
) -> str:
    """Render the row's template with the patient's context, the row's payload and the
    real time since discharge (a step caught up late must not say "3 days" on day 9)."""
    discharged, today = row.discharged_at.astimezone(zone).date(), now.astimezone(zone).date()
    since = SinceDischarge(renderer, row.locale, elapsed_since(discharged, today))
    variables: dict[str, object] = {
        "hospital": hospital,
        "department": row.department,
        "patient_name": row.patient_name,
        "days_since_discharge": days_between(discharged, today),
        "since_discharge": since,
        **row.payload,
    }
    template = renderer.for_channel(row.template, row.channel, row.locale)
    return renderer.render(template, row.locale, **variables)


def compose_choices(renderer: Renderer, row: OutboxRow) -> Choices:
    """Return the answer choices for the row's kind (none for most kinds)."""
    layout = ANSWER_BUTTONS.get(row.kind, [])
    return tuple(
        tuple(
            Choice(encode_answer(action, row.id), renderer.render(label, row.locale))
            for label, action in line
        )
        for line in layout
    )


class MessageComposer:
    """Composes an outbox row's message; a check-in with a survey opens (or resumes) it."""

    def __init__(
        self,
        store: Store,
        renderer: Renderer,
        hospital: str,
        clock: Clock,
        surveys: SurveyBook,
        default_locale: str = DEFAULT_LOCALE,
    ) -> None:
        self.store, self.renderer, self.hospital, self.clock = store, renderer, hospital, clock
        self.surveys, self.default_locale = surveys, default_locale

    def _text(self, row: OutboxRow) -> str:
        return compose_text(self.renderer, row, self.hospital, self.clock.now(), self.surveys.zone)

    async def compose(self, row: OutboxRow) -> Outgoing | None:
        """Return the message for a row in its contact's language (or None to wait), named
        for its notice by the row's kind (a tip's notice says education)."""
        locale = effective_locale(row.locale, self.default_locale)
        if locale != row.locale:
            row = replace(row, locale=locale)
        notice = scheduled_notice(row.kind)
        survey = self.surveys.surveys.get(row.survey or "")
        if survey is None:
            text, choices = self._text(row), compose_choices(self.renderer, row)
            return Outgoing(text, choices, notice=notice)
        opening = await self._survey_opening(row, survey)
        return None if opening is None else replace(opening, notice=notice)

    async def _survey_opening(self, row: OutboxRow, survey: Survey) -> Outgoing | None:
        context = SurveyContext(row.plan_key or "", row.respondent, row.flags)
        first = next_question(survey, {}, context)
        if first is None:  # nothing to ask: the text alone, once the chat is free
            busy = await self.store.surveys.busy(row.chat_id, row.id)
            return None if busy else Outgoing(self._text(row))
        now = self.clock.now()
        new = NewSession(
            row.id,
            row.contact_id,
            row.patient_id,
            row.episode_id,
            survey.key,
            row.plan_key,
            row.respondent,
            row.relation,
        )
        session = await self.store.surveys.open_unless_busy(
            new, row.chat_id, first.key, now, now + self.surveys.expiry
        )
        if session is None:
            return None  # another survey is under way in the chat: wait for it
        answers = await self.store.surveys.answers(session.id)
        question = survey.question(session.current_question or first.key) or first
        variables = question_variables(
            session, answers, self.hospital, row.department, row.patient_name
        )
        lead = (
            self.renderer.render(
                RESUMED_TEMPLATE, row.locale, hospital=self.hospital, department=row.department
            )
            if answers
            else self._text(row)
        )
        return Outgoing(
            question_text(self.renderer, row.locale, question, variables, lead),
            question_choices(
                self.renderer, row.locale, session.id, question, now, self.surveys.zone
            ),
        )
