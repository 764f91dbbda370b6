"""Loading survey files: conditions, generated options, scale actions, plans, budgets, templates."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.domain.choices import encode_survey
from bot.domain.surveys import callbacks as surveys
from bot.domain.surveys.errors import SurveyError
from bot.domain.surveys.loader import load_surveys
from bot.domain.surveys.model import SATISFACTION_VALUES, Action, ScaleRange
from bot.domain.surveys.rescheduling import PICK_TIME_VALUES
from tests.plan_files import BOOK, template_exists
from tests.survey_helpers import (
    SURVEYS_DIR,
    Data,
    add,
    base,
    changed,
    condition_values,
    failure,
    load,
    mood,
    q,
)


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
