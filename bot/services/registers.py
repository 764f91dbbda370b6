"""The complaint and praise registers as the handbook's forms (投诉登记表, 表扬登记表), in words.

Every field of the forms is filled from the case and its events: who answered and their
relation, the person or department concerned (for a survey-born complaint: what the question
that raised it is about), the department in charge, the deadline, the outcome, the feedback
given to the patient, the leadership's comments and, for praise, what was done with it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.cases import PRAISE_EVENTS, CaseEventKind
from bot.domain.enrolment import Respondent
from bot.services.case_texts import local_text
from bot.services.labels import TEXT_VALUES, LabelGroup, Labels
from bot.storage.reports import CaseEventRow, RegisterRow

FEEDBACK_EVENTS = (CaseEventKind.REPLIED, CaseEventKind.AFTER_CLOSE_MESSAGE)
PRAISE_STEPS = {event.value: step for step, event in PRAISE_EVENTS.items()}


def events_by_case(events: Iterable[CaseEventRow]) -> dict[int, list[CaseEventRow]]:
    """Group events by their case, oldest first."""
    grouped: dict[int, list[CaseEventRow]] = defaultdict(list)
    for event in events:
        grouped[event.case_id].append(event)
    return grouped


def complaint_register(
    rows: Iterable[RegisterRow],
    events: dict[int, list[CaseEventRow]],
    labels: Labels,
    zone: ZoneInfo,
) -> list[tuple[Any, ...]]:
    """Rows of the complaint register, one per complaint, every field in words."""
    register = []
    for row in rows:
        own = events.get(row.id, [])
        register.append(
            (
                *_person(row, labels),
                labels.concerned(row.concerned, row.question, row.survey),
                _content(row, labels),
                labels.word(LabelGroup.CASE_SOURCE, row.source),
                row.handler_department or row.department,
                row.due_at,
                labels.word(LabelGroup.CASE_STATUS, row.status),
                labels.word(LabelGroup.OUTCOME, row.outcome),
                row.summary or "",
                _said(own, FEEDBACK_EVENTS, labels, zone),
                row.answered_at,
                row.closed_at,
                labels.word(LabelGroup.HANDLING_SATISFACTION, row.handling_satisfaction),
                _said(own, (CaseEventKind.LEADER_COMMENT,), labels, zone),
            )
        )
    return register


def praise_register(
    rows: Iterable[RegisterRow],
    events: dict[int, list[CaseEventRow]],
    labels: Labels,
    zone: ZoneInfo,
) -> list[tuple[Any, ...]]:
    """Rows of the praise register: who is praised, for what, and what was done with it."""
    register = []
    for row in rows:
        own = events.get(row.id, [])
        register.append(
            (
                *_person(row, labels),
                labels.concerned(row.concerned, row.question, row.survey),
                _content(row, labels),
                labels.word(LabelGroup.CASE_SOURCE, row.source),
                _praise_handling(own, labels, zone),
                labels.word(LabelGroup.CASE_STATUS, row.status),
                _said(own, (CaseEventKind.LEADER_COMMENT,), labels, zone),
            )
        )
    return register


def _person(row: RegisterRow, labels: Labels) -> tuple[Any, ...]:
    """Number, time, who answered (the patient's name, or 家属) and relation, the patient."""
    family = row.respondent == Respondent.FAMILY
    who = labels.who(row.respondent) if family else row.patient
    return (
        row.id,
        row.created_at,
        who,
        labels.relation(row.respondent, row.relation) or labels.who(row.respondent),
        row.patient,
        row.hospital_no,
        row.phone,
        row.department,
    )


def _content(row: RegisterRow, labels: Labels) -> str:
    """What the patient said; a survey-born case without words reads as its question and
    answer ("对护士的满意度:不满意")."""
    if row.text:
        return row.text
    if row.question:
        question = labels.question(row.question, row.survey)
        answer = labels.answer(row.question, row.answer, survey=row.survey)
        return labels.renderer.render(
            "report/question_answer", labels.locale, question=question, answer=answer
        )
    return ""


def _said(
    events: list[CaseEventRow], kinds: tuple[CaseEventKind, ...], labels: Labels, zone: ZoneInfo
) -> str:
    """What staff wrote in these events, each with who and when, one per line."""
    wanted = {kind.value for kind in kinds}
    return "\n".join(
        _signed(event.detail, event, labels, zone)
        for event in events
        if event.kind in wanted and event.detail
    )


def _praise_handling(events: list[CaseEventRow], labels: Labels, zone: ZoneInfo) -> str:
    """Each step taken on a praise, in words, with who and when."""
    return "\n".join(
        _signed(labels.word(LabelGroup.PRAISE_STEP, PRAISE_STEPS[event.kind]), event, labels, zone)
        for event in events
        if event.kind in PRAISE_STEPS
    )


def _signed(text: str, event: CaseEventRow, labels: Labels, zone: ZoneInfo) -> str:
    return labels.renderer.render(
        "report/signed",
        labels.locale,
        text=text,
        who=event.staff_name or "",
        at=local_text(zone, event.at),
    )


def answers_in_words(rows: Iterable[tuple[Any, ...]], labels: Labels) -> list[tuple[Any, ...]]:
    """Survey answers (`ReportRepository.answers` rows) with the survey, question, answer,
    respondent and relation in words; typed text stays in its own column."""
    worded = []
    # a month repeats a few hundred codes: each is put in words once (cached for this call)
    survey_name, step_name, question_name = (
        cache(labels.survey),
        cache(labels.step),
        cache(labels.question),
    )
    answer_words, who, relation_words = (
        cache(labels.answer),
        cache(labels.who),
        cache(labels.relation),
    )
    for person_and_place in rows:
        *person, survey, step, question, value, text, respondent, relation, at = person_and_place
        typed = value in TEXT_VALUES
        worded.append(
            (
                *person,
                survey_name(survey),
                step_name(step),
                question_name(question, survey),
                "" if typed and text else answer_words(question, value, survey=survey),
                text or "",
                who(respondent),
                relation_words(respondent, relation),
                at,
            )
        )
    return worded


def failures_in_words(rows: Iterable[tuple[Any, ...]], labels: Labels) -> list[tuple[Any, ...]]:
    """Failed check-ins (`ReportRepository.failed_follow_ups` rows) with the reason in words."""
    return [
        (*person, labels.step(step), tries, labels.word(LabelGroup.FAILURE_REASON, reason), at)
        for *person, step, tries, reason, at in rows
    ]
