"""The one labelling place: every code of every group has words in both languages."""

from __future__ import annotations

from enum import StrEnum

import pytest

from bot.domain.calls import CallOutcome, ReviewVerdict
from bot.domain.cases import (
    CaseKind,
    CaseSource,
    CaseStatus,
    HandlingSatisfaction,
    Outcome,
    PraiseStep,
)
from bot.domain.channel_messages import ChannelName
from bot.domain.consent import ConsentVia
from bot.domain.discharge.model import ExclusionReason
from bot.domain.enrolment import Relation, Respondent
from bot.domain.messages import FailureReason
from bot.domain.red_flags import RedFlagOutcome
from bot.domain.step_answers import StepAnswer
from bot.domain.surveys.model import SATISFACTION_VALUES, Measure
from bot.services.labels import LabelGroup, Labels
from bot.templating import LOCALES, OTHER_WORD
from tests.plan_files import renderer
from tests.survey_helpers import SURVEYS

CODES: dict[LabelGroup, tuple[str, ...]] = {
    LabelGroup.FAILURE_REASON: (*FailureReason, "blocked", "chat_not_found", "network"),
    LabelGroup.EXCLUSION_REASON: tuple(ExclusionReason),
    LabelGroup.CASE_STATUS: tuple(CaseStatus),
    LabelGroup.CASE_KIND: tuple(CaseKind),
    LabelGroup.CASE_SOURCE: tuple(CaseSource),
    LabelGroup.OUTCOME: tuple(Outcome),
    LabelGroup.RESPONDENT: tuple(Respondent),
    LabelGroup.RELATION: tuple(Relation),
    LabelGroup.HANDLING_SATISFACTION: tuple(HandlingSatisfaction),
    LabelGroup.PRAISE_STEP: tuple(PraiseStep),
    LabelGroup.MEASURE: tuple(Measure),
    LabelGroup.SATISFACTION: SATISFACTION_VALUES,
    LabelGroup.STEP_ANSWER: tuple(StepAnswer),
    LabelGroup.RED_FLAG_OUTCOME: tuple(RedFlagOutcome),
    LabelGroup.QUESTION: tuple(sorted({q.key for s in SURVEYS.values() for q in s.questions})),
    LabelGroup.ANSWER: ("skip",),
    LabelGroup.CONSENT_VIA: tuple(ConsentVia),
    LabelGroup.CHANNEL: tuple(ChannelName),
    LabelGroup.WECHAT_ERRCODE: ("40001", "40013", "40125", "40164", "41002", "45009", "-1"),
    LabelGroup.CALL_OUTCOME: tuple(CallOutcome),
    LabelGroup.REVIEW_VERDICT: tuple(ReviewVerdict),
    LabelGroup.PLAN_STEP: (),  # named from the plans; the file only has the `other` word
}


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("group", tuple(LabelGroup))
def test_every_code_has_its_own_words(group: LabelGroup, locale: str) -> None:
    words = renderer.words(group.value, locale)
    missing = [str(code) for code in CODES[group] if not words.get(str(code))]
    assert not missing and words.get(OTHER_WORD)
    labels = Labels(renderer, SURVEYS, locale)
    for code in CODES[group]:
        assert labels.word(group, code) != str(code) or locale == "en"


def test_an_unknown_code_reads_as_other_never_as_itself() -> None:
    labels = Labels(renderer, SURVEYS, "zh_CN")
    assert labels.word(LabelGroup.FAILURE_REASON, "made_up_code") == "其他原因"
    assert labels.word(LabelGroup.CASE_STATUS, None) == ""
    assert labels.answer("sat_nurses", "made_up") == "其他回答"


@pytest.mark.parametrize(
    ("locale", "question", "answer", "concerned"),
    [
        ("zh_CN", "对护士的满意度", "不满意", "护士"),
        ("en", "Satisfaction with nurses", "Not satisfied", "nurses"),
    ],
)
def test_questions_answers_and_who_a_complaint_concerns_in_words(
    locale: str, question: str, answer: str, concerned: str
) -> None:
    labels = Labels(renderer, SURVEYS, locale)
    assert labels.question("sat_nurses", "checkin_first") == question
    assert (
        labels.answer("sat_nurses", "unsatisfied", survey="checkin_first").lower() == answer.lower()
    )
    assert labels.concerned(None, "sat_nurses", "checkin_first") == concerned
    assert labels.concerned("王医生", "sat_nurses", "checkin_first") == "王医生"
    assert labels.answer("recommend", "7") == "7"
    assert labels.answer("suggestion", "text", "走廊太吵") == "走廊太吵"
    assert labels.answer("suggestion", "text", "") == labels.word(LabelGroup.ANSWER, "skip")


def test_a_question_without_a_short_name_reads_as_its_text() -> None:
    labels = Labels(renderer, SURVEYS, "zh_CN")
    words = renderer.words(LabelGroup.QUESTION.value, "zh_CN")
    assert "sat_nurses" in words
    question = SURVEYS["checkin_first"].question("condition")
    assert question is not None
    text = labels._question_text(question)
    assert "现在的身体情况" in text and "<" not in text and "\n" not in text


def test_relation_and_respondent_words() -> None:
    labels = Labels(renderer, SURVEYS, "zh_CN")
    assert (labels.who("family"), labels.relation("family", "child")) == ("家属", "子女")
    assert (labels.who(None), labels.relation("patient", "child")) == ("患者本人", "")
    assert isinstance(LabelGroup.QUESTION, StrEnum)
