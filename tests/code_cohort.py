"""A cohort holding every code a person could be shown: every exclusion and failure reason,
case status, outcome, handling rating, source and praise step, every answer of every survey
question, and family members of every relation."""

from __future__ import annotations

from datetime import timedelta

from bot.demo.harness import BotHarness
from bot.domain.cases import (
    CaseChange,
    CaseEventKind,
    CaseKind,
    CaseSource,
    CaseStatus,
    HandlingSatisfaction,
    Outcome,
)
from bot.domain.discharge.model import ExclusionReason
from bot.domain.enrolment import ConsentDecision, Relation, Respondent
from bot.domain.messages import FailureReason, MessageKind, MessageStatus
from bot.domain.step_answers import StepAnswer
from bot.domain.surveys.model import QuestionType
from bot.domain.surveys.status import SurveyStatus
from bot.storage.cases import NewCase
from bot.storage.contacts import NewContact
from bot.storage.records import Contact
from bot.storage.surveys import NewSession
from tests.harness import local, record, seed
from tests.stats_cohort import add_outbox_row

DEPARTMENT = "心内科"
CHANNEL_REASONS = ("blocked", "chat_not_found", "network")
FAILURES = (*FailureReason, *CHANNEL_REASONS)
PATIENTS = 8  # enough for every option of the longest question


async def build_code_cohort(harness: BotHarness) -> None:
    """Store the cohort: November discharges of one department, each code at least once."""
    november = local("2026-11-05")
    excluded = [
        record(f"X{i}", department=DEPARTMENT, discharged_at=november, exclusion=reason)
        for i, reason in enumerate(ExclusionReason)
    ]
    enrolled = [
        record(f"C{i}", department=DEPARTMENT, discharged_at=november) for i in range(PATIENTS)
    ]
    await seed(harness.settings, *excluded, *enrolled)
    contacts = [await _contact(harness, f"C{i}", 500 + i, i) for i in range(PATIENTS)]
    for i, reason in enumerate(FAILURES):
        await add_outbox_row(
            harness, 500 + i % PATIENTS, f"day{i + 1}", "checkin", "failed", 3, reason=reason
        )
    for i, answer in enumerate(StepAnswer):
        status = MessageStatus.ANSWERED.value
        kind = MessageKind.MEDICATION if i % 2 else MessageKind.REEXAM_REMINDER
        await add_outbox_row(harness, 500 + i % PATIENTS, f"rem{i}", kind.value, status, 1, answer)
    for i, contact in enumerate(contacts):
        await _answer_everything(harness, contact, i)
    await _cases(harness, contacts)


async def _contact(harness: BotHarness, number: str, chat: int, index: int) -> Contact:
    store, now = harness.services.store, harness.clock.now()
    episode = await store.episodes.latest_for(number)
    assert episode is not None
    relations = tuple(Relation)
    family = index % 2 == 1
    new = NewContact(
        episode.patient_id,
        episode.id,
        chat,
        chat,
        Respondent.FAMILY.value if family else Respondent.PATIENT.value,
        relations[index % len(relations)].value if family else None,
        "zh_CN",
    )
    return await store.contacts.link(new, ConsentDecision.GRANTED, now, via="test")


async def _answer_everything(harness: BotHarness, contact: Contact, index: int) -> None:
    """One session per survey: every question answered with its index-th option (a score,
    a typed text, a skipped answer on other turns)."""
    store, now = harness.services.store, harness.clock.now()
    for survey in harness.services.scheduling.surveys.values():
        new = NewSession(
            None,
            contact.id,
            contact.patient_id,
            contact.episode_id,
            survey.key,
            "general",
            contact.respondent,
            contact.relation,
        )
        questions = survey.questions
        session = await store.surveys.open_for_message(
            new, questions[0].key, now, now + timedelta(days=3)
        )
        for position, question in enumerate(questions):
            value, text = _answer(question.type, question.values(), index)
            following = questions[position + 1].key if position + 1 < len(questions) else None
            status = SurveyStatus.OPEN if following else SurveyStatus.COMPLETED
            assert await store.surveys.record_answer(
                session, question.key, value, text, now, following, status.value
            )


def _answer(kind: QuestionType, values: tuple[str, ...], index: int) -> tuple[str, str | None]:
    if kind is QuestionType.FREE_TEXT:
        return ("text", "病房夜里有些吵") if index % 2 else ("text", "")
    if not values:
        return "", None
    return values[index % len(values)], None


async def _cases(harness: BotHarness, contacts: list[Contact]) -> None:
    """Complaints in every status, outcome and rating; praise and questions from every source."""
    store, now = harness.services.store, harness.clock.now()
    outcomes, ratings = tuple(Outcome), tuple(HandlingSatisfaction)
    sources = tuple(CaseSource)
    kinds = (CaseKind.COMPLAINT, CaseKind.PRAISE, CaseKind.QUESTION, CaseKind.RED_FLAG)
    for i, status in enumerate(CaseStatus):
        for kind in kinds:
            contact = contacts[i % len(contacts)]
            survey_born = sources[i % len(sources)] is CaseSource.SURVEY
            opened = await store.cases.open(
                NewCase(
                    kind,
                    contact.patient_id,
                    contact.episode_id,
                    contact.id,
                    sources[i % len(sources)],
                    question="sat_nurses" if survey_born else None,
                    answer="unsatisfied" if survey_born else None,
                    text=None if survey_born else "走廊太吵",
                    due_at=now + timedelta(days=7) if i % 2 else now - timedelta(days=1),
                    respondent=contact.respondent,
                    relation=contact.relation,
                ),
                now,
            )
            if status is CaseStatus.NEW:
                continue
            change = CaseChange(
                CaseEventKind.OUTCOME,
                now + timedelta(hours=1),
                None,
                status=status,
                outcome=outcomes[i % len(outcomes)],
                rating=ratings[i % len(ratings)] if status is CaseStatus.CLOSED else None,
                close=status is CaseStatus.CLOSED,
                answer=status in (CaseStatus.ANSWERED, CaseStatus.CLOSED),
            )
            assert await store.cases.transition(opened.id, CaseStatus.NEW, change)
