"""Loading survey files: errors name the file, question and field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.domain.surveys.errors import SurveyError
from bot.domain.surveys.model import Action, Condition, Option, Question, QuestionType
from tests.survey_helpers import Data, add, base, changed, failure, load, mood, q


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
