"""Surveys: YAML validation, the shipped questionnaires and their templates, the engine."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.domain.choices import decode_survey, encode_survey
from bot.domain.surveys import callbacks as surveys
from bot.domain.surveys.answers import (
    ANSWER_ERROR_TEMPLATES,
    AnswerCode,
    AnswerError,
    clean_text,
    skip_answer,
    validate_answer,
)
from bot.domain.surveys.engine import actions_for, effective_respondent, is_complete, next_question
from bot.domain.surveys.errors import SurveyError
from bot.domain.surveys.loader import COMMON_TEMPLATES, load_surveys
from bot.domain.surveys.model import (
    SATISFACTION_VALUES,
    SKIPPED,
    Action,
    Condition,
    Measure,
    Option,
    Question,
    QuestionType,
    ScaleRange,
    Survey,
    SurveyContext,
)
from bot.domain.surveys.nps import nps, nps_category
from bot.domain.surveys.rescheduling import PICK_TIME_VALUES, offered_options, reschedule_target
from bot.templating import LOCALES, MESSAGES_DIR
from tests.plan_files import BOOK, renderer, template_exists

SHANGHAI = ZoneInfo("Asia/Shanghai")
SURVEYS_DIR = MESSAGES_DIR / "surveys"
ALLOWED_TAGS = {"b", "i", "u", "s", "a", "code", "pre", "blockquote"}
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)")
PLAN_QUESTIONS = {
    "general": [],
    "post_surgery": ["wound"],
    "pneumoconiosis": ["breathing"],
    "gynaecology": ["gyn_bleeding"],
    "chronic": ["home_monitoring"],
}

FORBIDDEN_ZH = ("你", "必须", "不知道", "不清楚", "不了解", "喂", "你错了", "没办法", "不客气")
CALM = {"new_symptoms": "no", "doctor_question": "no", "anything_else": "no_thanks"}
VARIABLES = {"hospital": "市第一人民医院", "department": "心内科", "patient_name": "王建国"}

SURVEYS = load_surveys(SURVEYS_DIR, template_exists, set(BOOK.plans))
FIRST = SURVEYS["checkin_first"]
SHORT = SURVEYS["checkin_short"]


def shanghai(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """Return a Shanghai wall-clock time as an aware UTC datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


def q(survey: Survey, key: str) -> Question:
    """Return a question that must exist."""
    question = survey.question(key)
    assert question is not None, key
    return question


def condition_values(question: Question) -> tuple[str, ...]:
    """Return the values of a question's condition, which must exist."""
    assert question.condition is not None
    return question.condition.values


def walk(
    survey: Survey, context: SurveyContext, choices: Mapping[str, str] | None = None
) -> tuple[list[str], dict[str, str]]:
    """Answer questions until the survey is done: `choices` first, else a calm default."""
    choices = {**CALM, **(choices or {})}
    answers: dict[str, str] = {}
    asked: list[str] = []
    while (question := next_question(survey, answers, context)) is not None:
        assert question.key not in asked, f"{question.key} asked twice"
        asked.append(question.key)
        answers[question.key] = choices.get(question.key) or _calm(question)
    return asked, answers


def _calm(question: Question) -> str:
    """Return the first option, 10 for a scale, or some text."""
    if question.type is QuestionType.SCALE:
        return "10"
    if question.type is QuestionType.FREE_TEXT:
        return "谢谢"
    return question.options[0].value


# ---------------------------------------------------------------- the shipped surveys

FIRST_KEYS = [
    "respondent",
    "good_time",
    "when_suits",
    "can_answer",
    "condition",
    "new_symptoms",
    "symptom",
    "wound",
    "breathing",
    "gyn_bleeding",
    "home_monitoring",
    "mood",
    "medicines",
    "medicine_reason",
    "diet",
    "sleep",
    "exercise",
    "reexam",
    "doctor_question",
    "question_text",
    "sat_doctors",
    "doctors_complaint",
    "sat_nurses",
    "nurses_complaint",
    "sat_hospital",
    "hospital_complaint",
    "recommend",
    "anything_else",
    "suggestion",
    "praise",
]
SHORT_KEYS = [
    "good_time",
    "when_suits",
    "can_answer",
    "condition",
    "new_symptoms",
    "symptom",
    "wound",
    "breathing",
    "gyn_bleeding",
    "home_monitoring",
    "sleep",
    "diet",
    "mood",
    "medicines",
    "medicine_reason",
    "reexam",
    "doctor_question",
    "question_text",
    "anything_else",
    "suggestion",
    "praise",
]
CALM_PATIENT = [
    "respondent",
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


def test_shipped_surveys_load_with_their_questions_in_order() -> None:
    assert sorted(SURVEYS) == ["checkin_first", "checkin_short"]
    assert [question.key for question in FIRST.questions] == FIRST_KEYS
    assert [question.key for question in SHORT.questions] == SHORT_KEYS
    assert FIRST.names == {"zh_CN": "首次出院随访", "en": "First follow-up check-in"}
    assert FIRST.intro == "surveys/checkin_first/intro"
    assert FIRST.thanks == "surveys/common/thanks"
    assert FIRST.source == "messages/surveys/checkin_first.yaml" or FIRST.source.endswith(
        "messages/surveys/checkin_first.yaml"
    )


def test_every_survey_named_by_a_plan_exists() -> None:
    named = {step.survey for plan in BOOK.plans.values() for step in plan.steps if step.survey}
    assert named == {"checkin_first", "checkin_short"}


def test_shipped_question_types_options_and_actions() -> None:
    assert q(FIRST, "respondent").values() == ("patient", "family")
    assert q(FIRST, "good_time").type is QuestionType.YES_NO
    assert q(FIRST, "good_time").values() == ("yes", "no")
    when = q(FIRST, "when_suits")
    assert when.type is QuestionType.PICK_TIME
    assert when.values() == PICK_TIME_VALUES
    assert {option.actions for option in when.options} == {(Action.RESCHEDULE,)}
    assert actions_for(q(FIRST, "condition"), "worse") == (Action.RED_FLAG,)
    assert actions_for(q(FIRST, "condition"), "same") == ()
    assert actions_for(q(FIRST, "new_symptoms"), "yes") == (Action.RED_FLAG,)
    symptom = q(FIRST, "symptom")
    assert symptom.values() == ("fever", "bleeding", "chest_pain", "breathless", "wound", "other")
    assert {option.actions for option in symptom.options} == {(Action.RED_FLAG,)}
    assert q(FIRST, "medicines").values() == ("yes", "sometimes", "no", "none")
    assert q(FIRST, "medicine_reason").required is False
    assert q(FIRST, "diet").values() == ("good", "fair", "poor")
    assert q(FIRST, "reexam").values() == ("booked", "not_yet", "not_needed")
    assert q(FIRST, "question_text").actions_on_text == (Action.ASK_DOCTOR,)
    assert actions_for(q(FIRST, "can_answer"), "no") == (Action.END,)
    for area in ("doctors", "nurses", "hospital"):
        assert q(FIRST, f"sat_{area}").values() == SATISFACTION_VALUES
        complaint = q(FIRST, f"{area}_complaint")
        assert complaint.actions_on_text == (Action.OPEN_COMPLAINT,)
        assert complaint.condition is not None
        assert complaint.condition.values == ("unsatisfied",)
    assert FIRST.measured(Measure.SATISFACTION_NURSES) == q(FIRST, "sat_nurses")
    recommend = q(FIRST, "recommend")
    assert (recommend.type, recommend.measure, recommend.options) == (
        QuestionType.SCALE,
        Measure.NPS,
        (),
    )
    assert q(FIRST, "suggestion").actions_on_text == ()
    assert q(FIRST, "praise").actions_on_text == (Action.RECORD_PRAISE,)


def test_the_short_survey_has_no_satisfaction_section() -> None:
    assert all(question.measure is None for question in SHORT.questions)
    for_everyone = {question.key for question in SHORT.questions if not question.plans}
    assert not {"sat_doctors", "recommend", "diet"} & for_everyone  # psychiatry asks diet


@pytest.mark.parametrize("survey", [FIRST, SHORT], ids=lambda s: s.key)
def test_templates_have_the_right_kind_in_both_locales(survey: Survey) -> None:
    for question in survey.questions:
        for locale in LOCALES:
            assert renderer.template_name(question.text, locale).endswith(".html")
            for option in question.options:
                assert renderer.template_name(option.label, locale).endswith(".txt")


@pytest.mark.parametrize("locale", LOCALES)
def test_option_labels_are_short_plain_and_need_no_variables(locale: str) -> None:
    questions = [question for survey in SURVEYS.values() for question in survey.questions]
    labels = {option.label for question in questions for option in question.options}
    labels |= {key for key in renderer.keys(locale) if key.startswith("surveys/options/")}
    assert len(labels) >= 50
    for label in labels:
        text = renderer.render(label, locale)
        assert 0 < len(text) <= 30, (label, text)
        assert "\n" not in text and "<" not in text


@pytest.mark.parametrize("respondent", ["patient", "family"])
@pytest.mark.parametrize("locale", LOCALES)
def test_question_texts_render_for_each_respondent(locale: str, respondent: str) -> None:
    for survey in SURVEYS.values():
        for key in (survey.intro, *(question.text for question in survey.questions)):
            assert key is not None
            text = renderer.render(key, locale, respondent=respondent, **VARIABLES)
            assert text and len(text) <= 1000
            assert set(TAG.findall(text)) <= ALLOWED_TAGS, key


def test_questions_about_the_patient_name_them_to_a_family_member() -> None:
    key = "surveys/checkin_first/condition"
    family = renderer.render(key, "zh_CN", respondent="family", **VARIABLES)
    patient = renderer.render(key, "zh_CN", respondent="patient", **VARIABLES)
    assert family == "请问王建国现在的身体情况,和出院时相比怎么样?"
    assert patient == "请问您现在的身体情况,和出院时相比怎么样?"
    english = renderer.render(key, "en", respondent="family", **VARIABLES)
    assert english == "How is 王建国 feeling now, compared with when they left hospital?"


def test_chinese_texts_keep_the_handbook_tone() -> None:
    keys = [key for key in renderer.keys("zh_CN") if key.startswith("surveys/")]
    samples = _samples()
    for key in keys:
        text = renderer.render(key, "zh_CN", **samples.get(key, {}))
        for phrase in FORBIDDEN_ZH:
            assert phrase not in text, (key, phrase)
    red_flag = renderer.render("surveys/common/red_flag_patient", "zh_CN")
    assert "120" in red_flag and "急诊" in red_flag
    assert "很抱歉" in renderer.render("surveys/common/complaint_ack", "zh_CN")
    assert "7 天内" in renderer.render("surveys/common/complaint_ack", "zh_CN")
    assert "不能回答医疗问题" in renderer.render("surveys/common/ask_doctor_ack", "zh_CN")
    assert "您好" in renderer.render("surveys/checkin_first/intro", "zh_CN", **VARIABLES)
    assert "谢谢" in renderer.render("surveys/common/thanks", "zh_CN") or "感谢" in (
        renderer.render("surveys/common/thanks", "zh_CN")
    )


def test_english_texts_do_not_command() -> None:
    for key in (k for k in renderer.keys("en") if k.startswith("surveys/")):
        text = renderer.render(key, "en", **_samples().get(key, {})).lower()
        assert "you must" not in text and "don't know" not in text, key


def _samples() -> dict[str, dict[str, Any]]:
    data = yaml.safe_load((MESSAGES_DIR / "samples" / "surveys.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_samples_cover_every_survey_template_with_variables() -> None:
    samples = _samples()
    needing = {
        key
        for key in renderer.keys("zh_CN")
        if key.startswith("surveys/") and not key.startswith("surveys/options/")
    }
    no_variables = {
        "surveys/common/" + name
        for name in (
            "red_flag_patient",
            "ask_doctor_ack",
            "complaint_ack",
            "praise_ack",
            "thanks",
            "closed",
            "expired_partial",
            "type_answer",
            "use_buttons",
            "not_a_number",
        )
    }
    assert needing - no_variables <= set(samples)
    assert set(samples) <= needing


def test_staff_alerts_escape_what_patients_typed() -> None:
    text = renderer.render(
        "surveys/common/complaint_staff",
        "en",
        name="张三",
        hospital_no="ZY1",
        department="心内科",
        doctor="",
        question="Satisfied with nurses?",
        answer="Not satisfied",
        text="<b>rude</b> & slow",
    )
    assert "&lt;b&gt;rude&lt;/b&gt; &amp; slow" in text
    assert "attending doctor" not in text
    assert "ZY1" in text


def test_rescheduled_and_too_long_use_their_variables() -> None:
    assert "明天 09:30" in renderer.render("surveys/common/rescheduled", "zh_CN", when="明天 09:30")
    assert "500" in renderer.render("surveys/common/too_long", "zh_CN", limit=500)


def test_every_common_template_exists() -> None:
    assert all(template_exists(key) for key in COMMON_TEMPLATES)
    assert set(ANSWER_ERROR_TEMPLATES.values()) <= set(COMMON_TEMPLATES)


def test_every_shipped_button_fits_the_callback_budget() -> None:
    for survey in SURVEYS.values():
        for question in survey.questions:
            for value in (*question.values(), "skip"):
                data = encode_survey(9_999_999_999, question.key, value)
                assert len(data.encode()) <= 64
                assert decode_survey(data) == (9_999_999_999, question.key, value)


# ---------------------------------------------------------------- walking the check-ins


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
    assert asked[:6] == [
        "respondent",
        "good_time",
        "condition",
        "new_symptoms",
        "symptom",
        "medicines",
    ]
    flagged = [key for key in asked if Action.RED_FLAG in actions_for(q(FIRST, key), answers[key])]
    assert flagged == ["condition", "new_symptoms", "symptom"]


def test_unsatisfied_asks_why_and_opens_a_complaint() -> None:
    choices = {"sat_nurses": "unsatisfied", "sat_hospital": "basically"}
    asked, answers = walk(FIRST, SurveyContext("general"), choices)
    assert asked[-6:] == [
        "sat_doctors",
        "sat_nurses",
        "nurses_complaint",
        "sat_hospital",
        "recommend",
        "anything_else",
    ]
    complaint = q(FIRST, "nurses_complaint")
    assert actions_for(complaint, answers["nurses_complaint"]) == (Action.OPEN_COMPLAINT,)
    assert actions_for(complaint, skip_answer(complaint)) == ()


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
    family, _ = walk(FIRST, SurveyContext("general"), {"respondent": "family"})
    assert "can_answer" not in patient
    assert family[:3] == ["respondent", "good_time", "can_answer"]
    assert len(family) == len(patient) + 1
    short_family, _ = walk(SHORT, SurveyContext("general", respondent="family"))
    short_patient, _ = walk(SHORT, SurveyContext("general", respondent="patient"))
    assert short_family[:2] == ["good_time", "can_answer"]
    assert "can_answer" not in short_patient


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


# ---------------------------------------------------------------- validating answers


def test_choice_answers_are_option_values() -> None:
    condition = q(FIRST, "condition")
    assert validate_answer(condition, "worse") == "worse"
    assert validate_answer(condition, " same ") == "same"
    for raw in ("WORSE", "skip", "", "恢复良好"):
        with pytest.raises(AnswerError) as caught:
            validate_answer(condition, raw)
        assert caught.value.code is AnswerCode.NOT_AN_OPTION
        assert caught.value.template == "surveys/common/use_buttons"
    assert validate_answer(q(FIRST, "good_time"), "no") == "no"
    assert validate_answer(q(FIRST, "when_suits"), "another_day") == "another_day"
    with pytest.raises(AnswerError, match="not_an_option"):
        validate_answer(q(FIRST, "good_time"), "maybe")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0", "0"),
        ("7", "7"),
        ("10", "10"),
        ("１０", "10"),
        (" ８ ", "8"),
        ("+5", "5"),
        ("07", "7"),
    ],
)
def test_scale_answers(raw: str, expected: str) -> None:
    assert validate_answer(q(FIRST, "recommend"), raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("11", AnswerCode.OUT_OF_RANGE),
        ("-1", AnswerCode.OUT_OF_RANGE),
        ("１１", AnswerCode.OUT_OF_RANGE),
        ("9" * 5000, AnswerCode.OUT_OF_RANGE),
        ("seven", AnswerCode.NOT_A_NUMBER),
        ("7.5", AnswerCode.NOT_A_NUMBER),
        ("", AnswerCode.NOT_A_NUMBER),
        ("8分", AnswerCode.NOT_A_NUMBER),
        ("十", AnswerCode.NOT_A_NUMBER),
    ],
)
def test_scale_errors(raw: str, code: AnswerCode) -> None:
    with pytest.raises(AnswerError) as caught:
        validate_answer(q(FIRST, "recommend"), raw)
    assert caught.value.code is code
    assert caught.value.template == "surveys/common/not_a_number"


def test_free_text_is_cleaned() -> None:
    question = q(FIRST, "question_text")
    assert validate_answer(question, "  降压药\x00饭后吃\x07吗? ") == "降压药饭后吃吗?"
    assert validate_answer(question, "a\r\nb\rc\u2028d") == "a\nb\nc\nd"
    assert validate_answer(question, "a\tb\x1b[31m") == "a b[31m"
    assert validate_answer(question, "a\n\n\n\n\nb") == "a\n\nb"
    assert validate_answer(question, "谢谢医生 👍🏻‍") == "谢谢医生 👍🏻‍"
    assert clean_text("\x0b\x0c x \x7f") == "x"


def test_free_text_length_and_emptiness() -> None:
    question = q(FIRST, "question_text")
    assert question.max_length == 1000
    assert validate_answer(question, "字" * 1000) == "字" * 1000
    with pytest.raises(AnswerError) as caught:
        validate_answer(question, "字" * 1001)
    assert (caught.value.code, caught.value.limit) == (AnswerCode.TOO_LONG, 1000)
    assert caught.value.template == "surveys/common/too_long"
    with pytest.raises(AnswerError) as empty:
        validate_answer(question, " \x00\t\n ")
    assert empty.value.code is AnswerCode.EMPTY
    assert empty.value.template == "surveys/common/type_answer"
    optional = q(FIRST, "medicine_reason")
    assert optional.max_length == 500
    assert validate_answer(optional, " \x00 ") == SKIPPED
    with pytest.raises(AnswerError, match="too_long"):
        validate_answer(optional, "x" * 501)


def test_skip_answer() -> None:
    assert skip_answer(q(FIRST, "doctors_complaint")) == ""
    for key in ("condition", "question_text", "recommend"):
        with pytest.raises(AnswerError) as caught:
            skip_answer(q(FIRST, key))
        assert caught.value.code is AnswerCode.EMPTY


def test_actions_for_each_kind() -> None:
    scale = Question(
        key="score",
        type=QuestionType.SCALE,
        text="t/score",
        scale_actions=(
            ScaleRange(0, 6, (Action.OPEN_COMPLAINT,)),
            ScaleRange(9, 10, (Action.RECORD_PRAISE,)),
        ),
    )
    assert [actions_for(scale, str(n)) for n in (0, 6, 7, 8, 9, 10)] == [
        (Action.OPEN_COMPLAINT,),
        (Action.OPEN_COMPLAINT,),
        (),
        (),
        (Action.RECORD_PRAISE,),
        (Action.RECORD_PRAISE,),
    ]
    assert actions_for(scale, SKIPPED) == ()
    assert actions_for(q(FIRST, "recommend"), "0") == ()
    assert actions_for(q(FIRST, "condition"), "unknown") == ()
    assert actions_for(q(FIRST, "question_text"), SKIPPED) == ()
    assert actions_for(q(FIRST, "praise"), "李护士很耐心") == (Action.RECORD_PRAISE,)


# ---------------------------------------------------------------- rescheduling


@pytest.mark.parametrize(
    ("value", "now", "expected"),
    [
        ("in_an_hour", shanghai(2026, 3, 10, 23, 30), shanghai(2026, 3, 11, 0, 30)),
        ("in_an_hour", shanghai(2026, 3, 10, 10, 0), shanghai(2026, 3, 10, 11, 0)),
        ("this_evening", shanghai(2026, 3, 10, 10, 0), shanghai(2026, 3, 10, 19, 0)),
        ("this_evening", shanghai(2026, 3, 10, 0, 30), shanghai(2026, 3, 10, 19, 0)),
        ("this_evening", shanghai(2026, 3, 10, 18, 59), shanghai(2026, 3, 10, 19, 0)),
        ("this_evening", shanghai(2026, 3, 10, 19, 0), shanghai(2026, 3, 11, 9, 30)),
        ("this_evening", shanghai(2026, 3, 10, 23, 59), shanghai(2026, 3, 11, 9, 30)),
        ("tomorrow", shanghai(2026, 3, 10, 0, 1), shanghai(2026, 3, 11, 9, 30)),
        ("tomorrow", shanghai(2026, 3, 10, 23, 59), shanghai(2026, 3, 11, 9, 30)),
        ("tomorrow", shanghai(2026, 2, 28, 12, 0), shanghai(2026, 3, 1, 9, 30)),
        ("another_day", shanghai(2026, 3, 10, 0, 30), shanghai(2026, 3, 12, 9, 30)),
        ("another_day", shanghai(2026, 12, 31, 20, 0), shanghai(2027, 1, 2, 9, 30)),
    ],
)
def test_reschedule_target(value: str, now: datetime, expected: datetime) -> None:
    target = reschedule_target(value, now, SHANGHAI)
    assert target == expected
    assert target.utcoffset() == timedelta(0)


def test_reschedule_target_uses_the_local_date_not_utc() -> None:
    # 00:30 in Shanghai on 10 March is still 9 March in UTC.
    now = datetime(2026, 3, 9, 16, 30, tzinfo=UTC)
    assert reschedule_target("tomorrow", now, SHANGHAI) == datetime(2026, 3, 11, 1, 30, tzinfo=UTC)
    assert reschedule_target("this_evening", now, SHANGHAI) == datetime(
        2026, 3, 10, 11, 0, tzinfo=UTC
    )


def test_reschedule_target_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="not a pick_time value"):
        reschedule_target("next_week", shanghai(2026, 3, 10), SHANGHAI)
    with pytest.raises(ValueError, match="timezone-aware"):
        reschedule_target("tomorrow", datetime(2026, 3, 10, 9, 0), SHANGHAI)


def test_offered_options_drop_an_evening_already_past() -> None:
    when = q(FIRST, "when_suits")
    afternoon = offered_options(when, shanghai(2026, 3, 10, 15, 0), SHANGHAI)
    night = offered_options(when, shanghai(2026, 3, 10, 19, 30), SHANGHAI)
    assert [option.value for option in afternoon] == list(PICK_TIME_VALUES)
    assert [option.value for option in night] == ["in_an_hour", "tomorrow", "another_day"]
    condition = q(FIRST, "condition")
    assert offered_options(condition, shanghai(2026, 3, 10, 22), SHANGHAI) == condition.options


# ---------------------------------------------------------------- NPS


def test_nps_categories() -> None:
    expected = ["detractor"] * 7 + ["passive"] * 2 + ["promoter"] * 2
    assert [nps_category(score) for score in range(11)] == expected
    for score in (-1, 11):
        with pytest.raises(ValueError):
            nps_category(score)


def test_nps() -> None:
    assert nps([]) is None
    assert nps([10, 9, 8, 0]) == 25.0
    assert nps([10, 10]) == 100.0
    assert nps([0, 6, 3]) == -100.0
    assert nps([7, 8]) == 0.0
    assert nps(iter([10, 0, 0])) == pytest.approx(-100 / 3)
    with pytest.raises(ValueError):
        nps([10, 12])


# ---------------------------------------------------------------- callback data


def test_callback_data_round_trip_and_limits() -> None:
    assert encode_survey(42, "condition", "worse") == "sv:42:condition:worse"
    assert decode_survey("sv:42:condition:worse") == (42, "condition", "worse")
    for junk in ("ci:good:1", "sv:x:condition:worse", "sv:1:Condition:worse", "sv:1:a:b:c", ""):
        assert decode_survey(junk) is None
    assert decode_survey("sv:12345678901:a:b") is None
    with pytest.raises(ValueError):
        encode_survey(10**10, "a", "b")
    with pytest.raises(ValueError):
        encode_survey(-1, "a", "b")
    with pytest.raises(ValueError, match="64 bytes"):
        encode_survey(1, "k" * 60, "v")


# ---------------------------------------------------------------- loading errors

Data = dict[str, Any]


def base() -> Data:
    """Return a small valid survey as data."""
    return {
        "key": "demo",
        "names": {"zh_CN": "演示", "en": "Demo"},
        "questions": [
            {
                "key": "mood",
                "type": "single_choice",
                "text": "t/mood",
                "options": [
                    {"value": "good", "label": "l/good"},
                    {"value": "bad", "label": "l/bad", "actions": ["red_flag"]},
                ],
            },
            {
                "key": "why",
                "type": "free_text",
                "text": "t/why",
                "condition": {"question": "mood", "values": ["bad"]},
            },
        ],
    }


def write(folder: Path, data: Data | str, name: str = "demo") -> Path:
    """Write a survey file (data as YAML, or raw text) and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def load(
    tmp_path: Path,
    data: Data | str,
    exists: Callable[[str], bool] = lambda key: True,
    plan_keys: set[str] | None = None,
) -> dict[str, Survey]:
    """Load one survey from a temporary folder."""
    write(tmp_path / "surveys", data)
    return load_surveys(tmp_path / "surveys", exists, plan_keys)


def failure(tmp_path: Path, data: Data | str, **kwargs: Any) -> SurveyError:
    """Return the SurveyError loading this survey raises."""
    with pytest.raises(SurveyError) as caught:
        load(tmp_path, data, **kwargs)
    return caught.value


def changed(change: Callable[[Data], object]) -> Data:
    """Return the base survey after `change`."""
    data = copy.deepcopy(base())
    change(data)
    return data


def mood(data: Data) -> Data:
    question: Data = data["questions"][0]
    return question


def add(question: Data) -> Callable[[Data], object]:
    """Return a change appending a question."""
    return lambda data: data["questions"].append(question)


def test_the_base_survey_loads(tmp_path: Path) -> None:
    survey = load(tmp_path, base())["demo"]
    assert q(survey, "why") == Question(
        key="why", type=QuestionType.FREE_TEXT, text="t/why", condition=Condition("mood", ("bad",))
    )
    assert q(survey, "mood").options == (
        Option("good", "l/good"),
        Option("bad", "l/bad", (Action.RED_FLAG,)),
    )
    assert (survey.intro, survey.thanks, survey.red_flag) == (
        None,
        "surveys/common/thanks",
        "surveys/common/red_flag_patient",
    )


def test_survey_error_text() -> None:
    error = SurveyError(
        "messages/surveys/checkin_first.yaml", "symptoms", "options", "a value is used twice"
    )
    assert str(error) == (
        "messages/surveys/checkin_first.yaml, question symptoms, field options: "
        "a value is used twice"
    )
    assert str(SurveyError("f.yaml", None, None, "not found")) == "f.yaml: not found"


def test_error_names_the_file_question_and_field(tmp_path: Path) -> None:
    data = changed(lambda d: mood(d)["options"][1].update(value="good"))
    error = failure(tmp_path, data)
    path = (tmp_path / "surveys" / "demo.yaml").as_posix()
    assert (error.file, error.question, error.field) == (path, "mood", "options[2].value")
    assert str(error) == (
        f'{path}, question mood, field options[2].value: "good" is used twice in this question'
    )


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ("key: demo\nkey: other\n", None, 'the key "key" appears twice'),
        ("key: [demo\n", None, "is not valid YAML at line"),
        ("- just\n- a list\n", None, "expected a mapping of fields, got a list"),
        ("", None, "expected a mapping of fields, got nothing"),
    ],
)
def test_yaml_errors(tmp_path: Path, text: str, field: str | None, message: str) -> None:
    error = failure(tmp_path, text)
    assert (error.question, error.field) == (None, field)
    assert message in error.message


def test_duplicate_keys_inside_a_question(tmp_path: Path) -> None:
    text = (
        "key: demo\nnames: {zh_CN: 演示, en: Demo}\nquestions:\n"
        "  - key: a\n    type: free_text\n    text: t/a\n    text: t/b\n"
    )
    error = failure(tmp_path, text)
    assert 'the key "text" appears twice' in error.message
    assert "at line 7" in error.message


SURVEY_CASES: list[tuple[Callable[[Data], object], str | None, str | None, str]] = [
    (lambda d: d.update(extra=1), None, "extra", "unknown field; allowed fields are: key, names"),
    (lambda d: d.pop("questions"), None, "questions", "is missing (required)"),
    (lambda d: d.update(key="other"), None, "key", 'must match the file name "demo"'),
    (lambda d: d.update(key="Demo"), None, "key", "is not a valid key"),
    (lambda d: d["names"].pop("en"), None, "names.en", "is missing (required)"),
    (lambda d: d["names"].update(fr="Démo"), None, "names.fr", "unknown field"),
    (lambda d: d["names"].update(en=" "), None, "names.en", "must not be empty"),
    (lambda d: d.update(questions=[]), None, "questions", "at least one question"),
    (lambda d: d.update(questions={"a": 1}), None, "questions", "expected a list of questions"),
    (lambda d: d.update(intro="Intro!"), None, "intro", "is not a template key"),
    (lambda d: mood(d).update(colour="red"), "mood", "colour", "unknown field"),
    (lambda d: mood(d).pop("type"), "mood", "type", "is missing (required)"),
    (lambda d: mood(d).update(type="multiple"), "mood", "type", '"multiple" is not allowed'),
    (lambda d: mood(d).update(key="Mood"), "Mood", "key", "is not a valid key"),
    (lambda d: mood(d).update(key="m" * 33), "m" * 33, "key", "at most 32 characters"),
    (lambda d: d["questions"].append(mood(d)), "mood", "key", "this question key is used twice"),
    (lambda d: mood(d).pop("options"), "mood", "options", "is missing (required for single"),
    (lambda d: mood(d)["options"].pop(), "mood", "options", "needs 2 to 10 options"),
    (lambda d: mood(d).update(options="good, bad"), "mood", "options", "expected a list"),
    (lambda d: mood(d)["options"][0].pop("label"), "mood", "options[1].label", "is missing"),
    (
        lambda d: mood(d)["options"][0].update(value="Good"),
        "mood",
        "options[1].value",
        '"Good" is not a valid value',
    ),
    (
        lambda d: mood(d)["options"][0].update(value="v" * 17),
        "mood",
        "options[1].value",
        "1 to 16 of a-z",
    ),
    (
        lambda d: mood(d)["options"][0].update(value="skip"),
        "mood",
        "options[1].value",
        "reserved for the skip button",
    ),
    (
        lambda d: mood(d)["options"][0].update(colour=1),
        "mood",
        "options[1].colour",
        "unknown field",
    ),
    (
        lambda d: mood(d)["options"][0].update(actions=["shout"]),
        "mood",
        "options[1].actions",
        '"shout" is not allowed; use one of red_flag',
    ),
    (
        lambda d: mood(d)["options"][0].update(actions=["end", "end"]),
        "mood",
        "options[1].actions",
        "an item is listed twice",
    ),
    (
        lambda d: mood(d)["options"][0].update(actions=["reschedule"]),
        "mood",
        "options[1].actions",
        "only pick_time options can reschedule",
    ),
    (lambda d: mood(d).update(required="yes"), "mood", "required", "expected true or false"),
    (
        lambda d: mood(d).update(max_length=10),
        "mood",
        "max_length",
        "only free_text questions have max_length",
    ),
    (
        lambda d: mood(d).update(actions_on_text=["ask_doctor"]),
        "mood",
        "actions_on_text",
        "only free_text questions have actions_on_text",
    ),
    (
        lambda d: mood(d).update(scale_actions={"0-6": []}),
        "mood",
        "scale_actions",
        "only scale questions have scale_actions",
    ),
    (
        lambda d: mood(d).update(respondents=["doctor"]),
        "mood",
        "respondents",
        '"doctor" is not allowed; use patient, family',
    ),
    (
        lambda d: mood(d).update(respondents=["family", "family"]),
        "mood",
        "respondents",
        "listed twice",
    ),
    (lambda d: mood(d).update(plans="general"), "mood", "plans", "expected a list"),
    (lambda d: mood(d).update(measure="nps"), "mood", "measure", "nps questions are scale"),
    (
        lambda d: mood(d).update(measure="satisfaction_doctors"),
        "mood",
        "measure",
        "options satisfied, basically, unsatisfied",
    ),
    (lambda d: mood(d).update(measure="happiness"), "mood", "measure", "is not allowed"),
    (lambda d: d["questions"][1].update(max_length=0), "why", "max_length", "must be 1 to 4000"),
    (lambda d: d["questions"][1].update(max_length=5000), "why", "max_length", "1 to 4000"),
    (
        lambda d: d["questions"][1].update(max_length="long"),
        "why",
        "max_length",
        "expected a whole number",
    ),
    (
        lambda d: d["questions"][1].update(options=[]),
        "why",
        "options",
        "only pick_time, single_choice, yes_no questions have options",
    ),
    (
        lambda d: d["questions"][1].update(actions_on_text=["reschedule"]),
        "why",
        "actions_on_text",
        "only pick_time options can reschedule",
    ),
    (
        add({"key": "n", "type": "scale", "text": "t/n", "options": []}),
        "n",
        "options",
        "not scale questions",
    ),
    (
        add({"key": "x", "type": "yes_no", "text": "t/x", "options": [{"value": "maybe"}]}),
        "x",
        "options[1].value",
        "yes_no options are yes and no",
    ),
    (
        add({"key": "x", "type": "yes_no", "text": "t/x", "options": [{"value": "yes"}]}),
        "x",
        "options",
        "exactly the options yes and no",
    ),
    (
        add({"key": "t", "type": "pick_time", "text": "t/t", "options": [{"value": "next_week"}]}),
        "t",
        "options[1].value",
        '"next_week" is not a time choice; use in_an_hour',
    ),
    (
        add({"key": "t", "type": "pick_time", "text": "t/t", "options": []}),
        "t",
        "options",
        "at least one time choice",
    ),
]


@pytest.mark.parametrize(("change", "question", "field", "message"), SURVEY_CASES)
def test_survey_errors(
    tmp_path: Path,
    change: Callable[[Data], object],
    question: str | None,
    field: str | None,
    message: str,
) -> None:
    error = failure(tmp_path, changed(change))
    assert (error.question, error.field) == (question, field)
    assert message in error.message


def _why_condition(**condition: object) -> Callable[[Data], object]:
    return lambda d: d["questions"][1].update(condition=condition)


CONDITION_CASES: list[tuple[Callable[[Data], object], str, str]] = [
    (
        _why_condition(question="nope", values=["bad"]),
        "condition.question",
        '"nope" is not an earlier question of this survey',
    ),
    (
        _why_condition(question="why", values=["bad"]),
        "condition.question",
        '"why" is not an earlier question',
    ),
    (
        _why_condition(question="mood", values=["awful"]),
        "condition.values",
        '"awful" is not an answer of "mood"; answers are: good, bad',
    ),
    (_why_condition(question="mood", values=[]), "condition.values", "at least one answer"),
    (_why_condition(question="mood", values=["bad", "bad"]), "condition.values", "listed twice"),
    (_why_condition(question="mood"), "condition.values", "is missing (required)"),
    (
        _why_condition(question="mood", values=["bad"], when="now"),
        "condition.when",
        "unknown field",
    ),
]


@pytest.mark.parametrize(("change", "field", "message"), CONDITION_CASES)
def test_condition_errors(
    tmp_path: Path, change: Callable[[Data], object], field: str, message: str
) -> None:
    error = failure(tmp_path, changed(change))
    assert (error.question, error.field) == ("why", field)
    assert message in error.message


def test_a_condition_on_a_later_question_is_refused(tmp_path: Path) -> None:
    def reorder(data: Data) -> None:
        data["questions"].reverse()

    error = failure(tmp_path, changed(reorder))
    assert (error.question, error.field) == ("why", "condition.question")
    assert error.message == '"mood" is not an earlier question of this survey'


def test_a_condition_on_free_text_is_refused(tmp_path: Path) -> None:
    condition = {"question": "why", "values": ["x"]}
    later = {"key": "z", "type": "free_text", "text": "t/z", "condition": condition}
    error = failure(tmp_path, changed(add(later)))
    assert (error.question, error.field) == ("z", "condition.question")
    assert "free text" in error.message


def test_a_condition_on_a_scale_uses_scores(tmp_path: Path) -> None:
    scale: Data = {"key": "n", "type": "scale", "text": "t/n"}
    ok: Data = {"key": "low", "type": "free_text", "text": "t/l"}
    ok["condition"] = {"question": "n", "values": [0, "1", 2]}
    survey = load(tmp_path, changed(lambda d: d["questions"].extend([scale, ok])))["demo"]
    assert condition_values(q(survey, "low")) == ("0", "1", "2")
    ok["condition"] = {"question": "n", "values": ["11"]}
    bad = changed(lambda d: d["questions"].extend([scale, ok]))
    assert '"11" is not an answer of "n"' in failure(tmp_path, bad).message


def test_bare_yaml_yes_and_no_mean_the_values(tmp_path: Path) -> None:
    text = (
        "key: demo\nnames: {zh_CN: 演示, en: Demo}\nquestions:\n"
        "  - {key: ok, type: yes_no, text: t/ok, options: [{value: yes}, {value: no, "
        "actions: [end]}]}\n"
        "  - {key: when, type: pick_time, text: t/when, condition: {question: ok, values: [no]}}\n"
    )
    survey = load(tmp_path, text)["demo"]
    assert q(survey, "ok").options[1].actions == (Action.END,)
    assert condition_values(q(survey, "when")) == ("no",)


def test_yes_no_and_pick_time_options_are_generated(tmp_path: Path) -> None:
    extra = [
        {"key": "ok", "type": "yes_no", "text": "t/ok"},
        {"key": "when", "type": "pick_time", "text": "t/when"},
        {
            "key": "soon",
            "type": "pick_time",
            "text": "t/soon",
            "options": [{"value": "tomorrow", "label": "l/tmr", "actions": ["red_flag"]}],
        },
    ]
    survey = load(tmp_path, changed(lambda d: d["questions"].extend(extra)))["demo"]
    yes, no = q(survey, "ok").options
    assert (yes.value, yes.label, yes.actions) == ("yes", "surveys/options/yes", ())
    assert (no.value, no.label) == ("no", "surveys/options/no")
    when = q(survey, "when")
    assert [(o.value, o.label, o.actions) for o in when.options] == [
        (value, f"surveys/options/{value}", (Action.RESCHEDULE,)) for value in PICK_TIME_VALUES
    ]
    (soon,) = q(survey, "soon").options
    assert (soon.label, soon.actions) == ("l/tmr", (Action.RED_FLAG, Action.RESCHEDULE))


@pytest.mark.parametrize(
    ("ranges", "message"),
    [
        ({"0-11": ["red_flag"]}, "within 0-10"),
        ({"6-0": ["red_flag"]}, "within 0-10"),
        ({"low": ["red_flag"]}, '"low" is not a range'),
        ({"0-6": ["red_flag"], "6-8": []}, "ranges 0-6 and 6-8 overlap"),
        ({"0-6": ["reschedule"]}, "only pick_time options can reschedule"),
        ({"0-6": "red_flag"}, "expected a list"),
        (["0-6"], "expected a mapping such as 0-6"),
    ],
)
def test_scale_action_errors(tmp_path: Path, ranges: object, message: str) -> None:
    scale = {"key": "n", "type": "scale", "text": "t/n", "scale_actions": ranges}
    error = failure(tmp_path, changed(add(scale)))
    assert error.question == "n"
    assert error.field is not None and error.field.startswith("scale_actions")
    assert message in error.message


def test_scale_actions_load(tmp_path: Path) -> None:
    scale = {
        "key": "n",
        "type": "scale",
        "text": "t/n",
        "scale_actions": {"9-10": ["record_praise"], "0-6": ["open_complaint"], 8: ["end"]},
    }
    survey = load(tmp_path, changed(add(scale)))["demo"]
    assert q(survey, "n").scale_actions == (
        ScaleRange(0, 6, (Action.OPEN_COMPLAINT,)),
        ScaleRange(8, 8, (Action.END,)),
        ScaleRange(9, 10, (Action.RECORD_PRAISE,)),
    )


def test_plans_are_checked_against_the_plan_book(tmp_path: Path) -> None:
    data = changed(lambda d: mood(d).update(plans=["post_surgey"]))
    error = failure(tmp_path, data, plan_keys=set(BOOK.plans))
    assert (error.question, error.field) == ("mood", "plans")
    assert error.message.startswith('no plan "post_surgey"; plans are: chronic, general')
    assert q(load(tmp_path, data)["demo"], "mood").plans == ("post_surgey",)


def test_measures_are_unique_and_checked(tmp_path: Path) -> None:
    satisfaction = [{"value": value, "label": f"l/{value}"} for value in SATISFACTION_VALUES]
    one = {"key": "a", "type": "single_choice", "text": "t/a", "options": satisfaction}
    two = {**one, "key": "b"}
    for item in (one, two):
        item["measure"] = "satisfaction_doctors"
    error = failure(tmp_path, changed(lambda d: d["questions"].extend([one, two])))
    assert (error.question, error.field) == ("b", "measure")
    assert error.message == '"satisfaction_doctors" is already measured by question a'


def test_the_respondent_question_has_respondent_options(tmp_path: Path) -> None:
    error = failure(tmp_path, changed(lambda d: mood(d).update(key="respondent")))
    assert (error.question, error.field) == ("respondent", "options")
    assert "options patient, family" in error.message


def test_the_callback_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # With 32-character keys and 16-character values the 64 bytes always fit, so the check
    # is shown working against a smaller budget.
    longest = changed(lambda d: mood(d).update(key="k" * 32))
    longest["questions"][0]["options"][0] = {"value": "v" * 16, "label": "l/v"}
    longest["questions"][1]["condition"]["question"] = "k" * 32
    assert q(load(tmp_path, longest)["demo"], "k" * 32).values()[0] == "v" * 16
    assert len(encode_survey(9_999_999_999, "k" * 32, "v" * 16)) == 63
    monkeypatch.setattr(surveys, "CALLBACK_BUDGET", 62)
    error = failure(tmp_path, longest)
    assert (error.question, error.field) == ("k" * 32, "key")
    assert "is 63 bytes, over 62; shorten the question key to 31 characters" in error.message
    assert f'or the value "{"v" * 16}"' in error.message


def test_the_skip_button_counts_in_the_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(surveys, "CALLBACK_BUDGET", 49)
    fits = {"key": "t" * 31, "type": "free_text", "text": "t/t"}
    assert q(load(tmp_path, changed(add(fits)))["demo"], "t" * 31).required
    skip = {**fits, "required": False}
    error = failure(tmp_path, changed(add(skip)))
    assert (error.question, error.field) == ("t" * 31, "key")
    assert f'"sv:9999999999:{"t" * 31}:skip" is 50 bytes, over 49' in error.message


def test_missing_templates(tmp_path: Path) -> None:
    missing_text = failure(tmp_path, base(), exists=lambda key: key != "t/why")
    assert (missing_text.question, missing_text.field) == ("why", "text")
    assert missing_text.message.startswith('no template "t/why"; add it under messages/<locale>/')
    missing_label = failure(tmp_path, base(), exists=lambda key: key != "l/bad")
    assert (missing_label.question, missing_label.field) == ("mood", "options[2].label")
    data = changed(lambda d: d.update(intro="t/intro"))
    missing_intro = failure(tmp_path, data, exists=lambda key: key != "t/intro")
    assert (missing_intro.question, missing_intro.field) == (None, "intro")
    generated = changed(add({"key": "ok", "type": "yes_no", "text": "t/ok"}))
    no_label = failure(tmp_path, generated, exists=lambda key: key != "surveys/options/no")
    assert no_label.message == "missing common templates: surveys/options/no"


def test_folder_errors(tmp_path: Path) -> None:
    with pytest.raises(SurveyError, match="survey folder not found"):
        load_surveys(tmp_path / "absent", lambda key: True)
    (tmp_path / "empty").mkdir()
    with pytest.raises(SurveyError, match=r"no survey files \(\*\.yaml\) found"):
        load_surveys(tmp_path / "empty", lambda key: True)


def test_the_shipped_folder_names_a_missing_template(tmp_path: Path) -> None:
    def without(key: str) -> bool:
        return key != "surveys/checkin_first/sat_nurses" and template_exists(key)

    with pytest.raises(SurveyError) as caught:
        load_surveys(SURVEYS_DIR, without)
    assert caught.value.file.endswith("messages/surveys/checkin_first.yaml")
    assert (caught.value.question, caught.value.field) == ("sat_nurses", "text")
