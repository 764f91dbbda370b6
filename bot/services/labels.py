"""The one place that turns internal codes into words of the reader's language.

Every code a person may read — survey questions and answers, failure and exclusion reasons,
case statuses, outcomes, kinds and sources, respondents and relations, handling satisfaction,
praise handling — is written in words from `messages/<locale>/labels/<group>.txt` (code=word)
or, for survey answers, from the option labels the patient was shown. A code a group does not
list reads as the group's `other` word: a raw code never reaches a person.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from bot.domain.enrolment import Respondent
from bot.domain.surveys.model import SKIP_VALUE, Question, QuestionType, Survey
from bot.templating import Renderer

TAGS = re.compile(r"<[^>]+>")


class LabelGroup(StrEnum):
    """A kind of code, and the words file (`labels/<value>.txt`) that names its values."""

    FAILURE_REASON = "failure_reason"
    EXCLUSION_REASON = "exclusion_reason"
    CASE_STATUS = "case_status"
    CASE_KIND = "case_kind"
    CASE_SOURCE = "case_source"
    OUTCOME = "outcome"
    RESPONDENT = "respondent"
    RELATION = "relation"
    HANDLING_SATISFACTION = "handling_satisfaction"
    PRAISE_STEP = "praise_step"
    MEASURE = "measure"
    SATISFACTION = "satisfaction"
    STEP_ANSWER = "step_answer"
    RED_FLAG_OUTCOME = "red_flag_outcome"
    QUESTION = "question"
    ANSWER = "answer"
    PLAN_STEP = "plan_step"
    CONSENT_VIA = "consent_via"
    CHANNEL = "channel"  # a ChannelName: where a contact is reached
    WECHAT_ERRCODE = "wechat_errcode"  # for operators (bot.channels.wechat.faults.meaning)
    CALL_OUTCOME = "call_outcome"  # what a phone call found (CallOutcome)
    REVIEW_VERDICT = "review_verdict"  # a sampled call's verdict (ReviewVerdict)


TEXT_VALUES = ("text", "typed_time")  # stored values whose words are the typed text


@dataclass(frozen=True)
class Labels:
    """Words for codes in one reader's language; survey words come from the surveys given."""

    renderer: Renderer
    surveys: Mapping[str, Survey]
    locale: str
    steps: Mapping[str, str] = field(default_factory=dict)  # step key -> its name in words

    def step(self, key: str | None) -> str:
        """Return a plan step in words ("出院后 3 天回访"), never its key."""
        return self.steps.get(key or "") or self.word(LabelGroup.PLAN_STEP, key)

    def word(self, group: LabelGroup, code: object) -> str:
        """Return a code of a group in words ("" for none)."""
        return self.renderer.label(group.value, code, self.locale)

    def survey(self, key: str | None) -> str:
        """Return a survey's name in this language."""
        found = self.surveys.get(key or "")
        if found is None:
            return self.word(LabelGroup.QUESTION, key) if key else ""
        return found.names.get(self.locale) or next(iter(found.names.values()), "")

    def question(self, key: str | None, survey: str | None = None) -> str:
        """Return a survey question's short name, or its text when it has none."""
        if not key:
            return ""
        names = self.renderer.words(LabelGroup.QUESTION.value, self.locale)
        if key in names:
            return names[key]
        found = self._question(key, survey)
        if found is None:
            return self.word(LabelGroup.QUESTION, key)
        return self._question_text(found)

    def answer(
        self,
        question: str | None,
        value: str | None,
        text: str | None = None,
        survey: str | None = None,
    ) -> str:
        """Return an answer in words: the option's label, a score, or what the person typed."""
        if text:
            return text
        if not value or value in TEXT_VALUES:
            return self.word(LabelGroup.ANSWER, SKIP_VALUE)
        found = self._question(question or "", survey)
        if found is not None and found.type is QuestionType.SCALE and value.isdigit():
            return value
        option = found.option(value) if found is not None else None
        if option is None:
            return self.word(LabelGroup.ANSWER, value)
        return self.renderer.render(option.label, self.locale)

    def who(self, respondent: str | None) -> str:
        """Return who answered: the patient, or a family member."""
        return self.word(LabelGroup.RESPONDENT, respondent or Respondent.PATIENT.value)

    def relation(self, respondent: str | None, relation: str | None) -> str:
        """Return a family member's relation to the patient ("" for the patient)."""
        if respondent != Respondent.FAMILY or not relation:
            return ""
        return self.word(LabelGroup.RELATION, relation)

    def concerned(self, concerned: str | None, question: str | None, survey: str | None) -> str:
        """Return the person or department a case concerns: as the patient named it, or what
        the survey question that raised it is about (sat_nurses → nurses)."""
        if concerned:
            return concerned
        if not question:
            return ""
        found = self._question(question, survey)
        if found is not None and found.measure is not None:
            return self.word(LabelGroup.MEASURE, found.measure.value)
        return self.question(question, survey)

    def _question(self, key: str, survey: str | None) -> Question | None:
        if survey is not None and survey in self.surveys:
            found = self.surveys[survey].question(key)
            if found is not None:
                return found
        return next((q for s in self.surveys.values() if (q := s.question(key))), None)

    def _question_text(self, question: Question) -> str:
        """The question as asked of the patient, in one line without markup or names."""
        asked = self.renderer.render(
            question.text,
            self.locale,
            hospital="",
            department="",
            patient_name="",
            respondent=Respondent.PATIENT.value,
        )
        return " ".join(TAGS.sub("", asked).split())
