"""The shipped surveys: their questions, options, templates and texts in both locales."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from bot.domain.choices import decode_survey, encode_survey
from bot.domain.surveys.answers import ANSWER_ERROR_TEMPLATES
from bot.domain.surveys.engine import actions_for
from bot.domain.surveys.loader import COMMON_TEMPLATES
from bot.domain.surveys.model import SATISFACTION_VALUES, Action, Measure, QuestionType, Survey
from bot.domain.surveys.rescheduling import PICK_TIME_VALUES
from bot.templating import LOCALES, MESSAGES_DIR
from tests.plan_files import BOOK, renderer, template_exists
from tests.survey_helpers import (
    ALLOWED_TAGS,
    FIRST,
    FORBIDDEN_ZH,
    SHORT,
    SURVEYS,
    TAG,
    VARIABLES,
    q,
)

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
    "doctors_better",
    "sat_nurses",
    "nurses_complaint",
    "nurses_better",
    "sat_hospital",
    "hospital_complaint",
    "hospital_better",
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
        assert actions_for(q(FIRST, f"sat_{area}"), "unsatisfied") == (Action.OPEN_COMPLAINT,)
        assert actions_for(q(FIRST, f"sat_{area}"), "basically") == ()
        complaint = q(FIRST, f"{area}_complaint")
        assert complaint.actions_on_text == (Action.ADD_TO_COMPLAINT,)
        assert complaint.condition is not None
        assert complaint.condition.values == ("unsatisfied",)
        better = q(FIRST, f"{area}_better")
        assert (better.actions_on_text, better.required) == ((), False)
        assert better.condition is not None
        assert better.condition.values == ("basically",)
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
