"""Answers to survey questions: validation, rescheduling, NPS and callback data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.choices import decode_survey, encode_survey
from bot.domain.surveys.answers import (
    AnswerCode,
    AnswerError,
    clean_text,
    skip_answer,
    validate_answer,
)
from bot.domain.surveys.engine import actions_for
from bot.domain.surveys.model import SKIPPED, Action, Question, QuestionType, ScaleRange
from bot.domain.surveys.nps import nps, nps_category
from bot.domain.surveys.rescheduling import PICK_TIME_VALUES, offered_options, reschedule_target
from tests.survey_helpers import FIRST, SHANGHAI, q, shanghai

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
