"""Walking the check-ins: which question follows which answer, for which plan and respondent."""

from __future__ import annotations

import pytest

from bot.domain.surveys.answers import skip_answer, validate_answer
from bot.domain.surveys.engine import actions_for, effective_respondent, is_complete, next_question
from bot.domain.surveys.model import Action, Survey, SurveyContext
from tests.survey_helpers import FIRST, PLAN_QUESTIONS, SHORT, q, walk

# ---------------------------------------------------------------- walking the check-ins


CALM_PATIENT = [  # enrolled as the patient: not asked again who is answering
    "good_time",
    "condition",
    "new_symptoms",
    "medicines",
    "diet",
    "sleep",
    "exercise",
    "reexam",
    "doctor_question",
    "sat_doctors",
    "sat_nurses",
    "sat_hospital",
    "recommend",
    "anything_else",
]


def test_a_calm_patient_walks_the_default_first_checkin() -> None:
    asked, answers = walk(FIRST, SurveyContext("general"))
    assert asked == CALM_PATIENT
    assert answers["recommend"] == "10"
    assert is_complete(FIRST, answers, SurveyContext("general"))


def test_not_a_good_time_asks_when_and_reschedules() -> None:
    context = SurveyContext("general")
    answers = {"respondent": "patient", "good_time": "no"}
    question = next_question(FIRST, answers, context)
    assert question is not None and question.key == "when_suits"
    assert actions_for(question, "this_evening") == (Action.RESCHEDULE,)
    answers["when_suits"] = validate_answer(question, "this_evening")
    resumed = next_question(FIRST, answers, context)
    assert resumed is not None and resumed.key == "condition"


def test_a_good_time_skips_the_time_question() -> None:
    asked, _ = walk(FIRST, SurveyContext("general"), {"good_time": "yes"})
    assert "when_suits" not in asked


def test_worse_and_new_symptoms_raise_red_flags() -> None:
    choices = {"condition": "worse", "new_symptoms": "yes", "symptom": "chest_pain"}
    asked, answers = walk(FIRST, SurveyContext("general"), choices)
    assert asked[:5] == [
        "good_time",
        "condition",
        "new_symptoms",
        "symptom",
        "medicines",
    ]
    flagged = [key for key in asked if Action.RED_FLAG in actions_for(q(FIRST, key), answers[key])]
    assert flagged == ["condition", "new_symptoms", "symptom"]


def test_unsatisfied_opens_a_complaint_and_asks_why_basically_asks_why_too() -> None:
    choices = {"sat_nurses": "unsatisfied", "sat_hospital": "basically"}
    asked, answers = walk(FIRST, SurveyContext("general"), choices)
    assert asked[-7:] == [
        "sat_doctors",
        "sat_nurses",
        "nurses_complaint",
        "sat_hospital",
        "hospital_better",
        "recommend",
        "anything_else",
    ]
    assert actions_for(q(FIRST, "sat_nurses"), "unsatisfied") == (Action.OPEN_COMPLAINT,)
    complaint = q(FIRST, "nurses_complaint")
    assert actions_for(complaint, answers["nurses_complaint"]) == (Action.ADD_TO_COMPLAINT,)
    assert actions_for(complaint, skip_answer(complaint)) == ()
    better = q(FIRST, "hospital_better")
    assert actions_for(better, answers["hospital_better"]) == ()


def test_a_question_for_the_doctor_is_typed_and_passed_on() -> None:
    asked, answers = walk(FIRST, SurveyContext("general"), {"doctor_question": "yes"})
    assert asked[asked.index("doctor_question") + 1] == "question_text"
    assert actions_for(q(FIRST, "question_text"), answers["question_text"]) == (Action.ASK_DOCTOR,)


def test_missed_medicines_ask_why_optionally() -> None:
    context = SurveyContext("general")
    for choice, expected in (("sometimes", True), ("no", True), ("none", False), ("yes", False)):
        asked, _ = walk(FIRST, context, {"medicines": choice})
        assert ("medicine_reason" in asked) is expected, choice
    reason = q(FIRST, "medicine_reason")
    answers = {**dict.fromkeys(CALM_PATIENT[:4], "x"), "medicines": "no"}
    answers.update(respondent="patient", good_time="yes", condition="same", new_symptoms="no")
    answers["medicine_reason"] = skip_answer(reason)
    after = next_question(FIRST, answers, context)
    assert after is not None and after.key == "diet"


@pytest.mark.parametrize(
    ("choice", "question", "actions"),
    [
        ("praise", "praise", (Action.RECORD_PRAISE,)),
        ("suggestion", "suggestion", ()),
    ],
)
def test_anything_else_leads_to_praise_or_a_suggestion(
    choice: str, question: str, actions: tuple[Action, ...]
) -> None:
    asked, answers = walk(FIRST, SurveyContext("general"), {"anything_else": choice})
    assert asked[-2:] == ["anything_else", question]
    assert actions_for(q(FIRST, question), answers[question]) == actions


@pytest.mark.parametrize("survey", [FIRST, SHORT], ids=lambda s: s.key)
@pytest.mark.parametrize("plan", sorted(PLAN_QUESTIONS))
def test_plan_specific_questions_appear_only_for_their_plan(survey: Survey, plan: str) -> None:
    asked, _ = walk(survey, SurveyContext(plan))
    specific = [key for key in asked if q(survey, key).plans]
    assert specific == PLAN_QUESTIONS[plan]


def test_psychiatry_check_ins_ask_sleep_meals_and_mood_and_low_mood_alerts_staff() -> None:
    asked, answers = walk(SHORT, SurveyContext("psychiatry"), {"mood": "poor"})
    assert [key for key in asked if q(SHORT, key).plans] == ["sleep", "diet", "mood"]
    assert actions_for(q(SHORT, "mood"), answers["mood"]) == (Action.RED_FLAG,)
    general, _ = walk(SHORT, SurveyContext("general"))
    assert not {"sleep", "diet", "mood"} & set(general)
    first, _ = walk(FIRST, SurveyContext("psychiatry"))
    assert [key for key in first if q(FIRST, key).plans] == ["mood"]


def test_a_plan_specific_red_flag() -> None:
    asked, answers = walk(SHORT, SurveyContext("post_surgery"), {"wound": "oozing"})
    assert "wound" in asked
    assert actions_for(q(SHORT, "wound"), answers["wound"]) == (Action.RED_FLAG,)


def test_family_only_questions_only_for_family() -> None:
    patient, _ = walk(FIRST, SurveyContext("general"), {"respondent": "patient"})
    family_context = SurveyContext("general", respondent="family")
    family, _ = walk(FIRST, family_context, {"respondent": "family"})
    assert "can_answer" not in patient
    assert family[:3] == ["respondent", "good_time", "can_answer"]
    assert len(family) == len(patient) + 2  # who is answering, and can they answer for them
    short_family, _ = walk(SHORT, SurveyContext("general", respondent="family"))
    short_patient, _ = walk(SHORT, SurveyContext("general", respondent="patient"))
    assert short_family[:2] == ["good_time", "can_answer"]
    assert "can_answer" not in short_patient


def test_who_is_answering_is_asked_only_of_a_family_contact() -> None:
    patient, _ = walk(FIRST, SurveyContext("general", respondent="patient"))
    family, _ = walk(FIRST, SurveyContext("general", respondent="family"))
    assert "respondent" not in patient  # enrolment recorded it; a patient's phone stays theirs
    assert family[0] == "respondent"  # the patient may hold a relative's phone this time


def test_the_respondent_answer_overrides_the_context() -> None:
    context = SurveyContext("general", respondent="family")
    assert effective_respondent({}, context) == "family"
    assert effective_respondent({"respondent": "patient"}, context) == "patient"
    asked, _ = walk(FIRST, context, {"respondent": "patient"})
    assert "can_answer" not in asked


def test_a_family_member_who_cannot_answer_ends_the_survey() -> None:
    context = SurveyContext("general")
    answers = {"respondent": "family", "good_time": "yes", "can_answer": "no"}
    assert next_question(FIRST, answers, context) is None
    assert is_complete(FIRST, answers, context)
    answers["can_answer"] = "yes"
    following = next_question(FIRST, answers, context)
    assert following is not None and following.key == "condition"


def test_an_end_answer_to_a_question_that_no_longer_applies_is_ignored() -> None:
    context = SurveyContext("general")
    answers = {"respondent": "patient", "good_time": "yes", "can_answer": "no"}
    following = next_question(FIRST, answers, context)
    assert following is not None and following.key == "condition"
