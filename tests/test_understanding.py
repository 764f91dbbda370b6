"""The pure reading of typed replies: times against now, numbers, negation, and the data files."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.domain.surveys.errors import SurveyError
from bot.domain.surveys.model import SKIPPED, Option, Question, QuestionType
from bot.domain.understanding.lexicon import load_lexicon, phrase
from bot.domain.understanding.matching import match_option
from bot.domain.understanding.numbers import read_option_number, read_score
from bot.domain.understanding.reading import Asked, read_reply
from bot.domain.understanding.text import normalize
from bot.domain.understanding.times import read_day, read_moment
from bot.templating import MESSAGES_DIR

ZONE = ZoneInfo("Asia/Shanghai")
MONDAY_10AM = datetime(2026, 12, 7, 10, 0, tzinfo=ZONE)
LATE_EVENING = datetime(2026, 12, 7, 21, 30, tzinfo=ZONE)


@pytest.mark.parametrize(
    ("text", "now", "expected"),
    [
        ("明天下午三点", MONDAY_10AM, "12-08 15:00"),
        ("周五上午", MONDAY_10AM, "12-11 09:30"),
        ("下周一", MONDAY_10AM, "12-14 09:30"),
        ("晚上", MONDAY_10AM, "12-07 19:00"),
        ("晚上", LATE_EVENING, "12-08 19:00"),  # said late at night: tomorrow evening
        ("上午", MONDAY_10AM, "12-08 09:30"),  # this morning has gone by
        ("11月30日", MONDAY_10AM, "11-30 09:30"),  # next year's
        ("tomorrow 3pm", MONDAY_10AM, "12-08 15:00"),
        ("Tomorrow at 10:30 am", MONDAY_10AM, "12-08 10:30"),
        ("半小时后", MONDAY_10AM, "12-07 10:30"),
        ("3点", MONDAY_10AM, "12-07 15:00"),  # nobody is called back at 3 at night
        ("中午1点", MONDAY_10AM, "12-07 13:00"),
        ("2月30日", MONDAY_10AM, None),
        ("明天25点", MONDAY_10AM, None),
        ("明天我要去复查", MONDAY_10AM, None),  # more than a time: a person reads it
        ("今天上午9点", MONDAY_10AM, None),  # already past
        ("不知道", MONDAY_10AM, None),
    ],
)
def test_a_typed_time_is_read_against_now_in_the_hospital_zone(
    text: str, now: datetime, expected: str | None
) -> None:
    moment = read_moment(normalize(text), now, ZONE)
    assert (f"{moment:%m-%d %H:%M}" if moment else None) == expected


def test_a_typed_day_keeps_the_day_and_allows_a_time_of_day() -> None:
    today = date(2026, 12, 7)
    assert read_day(normalize("12月20号下午"), today) == date(2026, 12, 20)
    assert read_day(normalize("30号"), today) == date(2026, 12, 30)
    assert read_day(normalize("下下周三"), today) == date(2026, 12, 23)
    assert read_day(normalize("等医生通知"), today) is None


@pytest.mark.parametrize(
    ("text", "score"),
    [("8", 8), ("８", 8), ("8分", 8), ("八分", 8), ("十", 10), ("打9分", 9), ("零分", 0)],
)
def test_scores_are_read_in_every_form(text: str, score: int) -> None:
    assert read_score(normalize(text), 0, 10) == score


@pytest.mark.parametrize("text", ["11", "8到9分", "八九分", "很高", "-1", "100"])
def test_a_score_out_of_range_or_unclear_is_not_read(text: str) -> None:
    assert read_score(normalize(text), 0, 10) is None


def test_an_option_is_read_by_its_number() -> None:
    assert read_option_number(normalize("第二个"), 3) == 1
    assert read_option_number(normalize("选3"), 3) == 2
    assert read_option_number(normalize("4"), 3) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("满意", "satisfied"),
        ("不满意", "unsatisfied"),
        ("不太满意", "unsatisfied"),  # listed: not 满意
        ("没有不满意", None),  # a double negative is left to a person
        ("满意不满意都行", None),
        ("非常满意", "satisfied"),  # 非 in 非常 is no negation
        ("不好意思,满意", "satisfied"),  # politeness is not "不好"
        ("满意但是等太久", None),  # weighs two things
        ("医生满意护士不满意", None),  # two different answers
    ],
)
def test_negations_and_hedges_are_respected(text: str, expected: str | None) -> None:
    lexicon = load_lexicon(MESSAGES_DIR / "understanding")
    phrases = {
        value: lexicon.for_label(value) for value in ("satisfied", "basically", "unsatisfied")
    }
    assert match_option(normalize(text), phrases, lexicon) == expected


def test_single_characters_only_count_as_the_whole_reply() -> None:
    assert phrase("有").exact and phrase("=没有").exact and not phrase("没有不舒服").exact


def test_a_broken_lexicon_names_its_file_and_field(tmp_path: Path) -> None:
    (tmp_path / "lexicon.yaml").write_text("negations: [不]\nlabels:\n  good: 好\n", "utf-8")
    with pytest.raises(SurveyError) as error:
        load_lexicon(tmp_path)
    assert "lexicon.yaml" in str(error.value) and "labels.good" in str(error.value)


def test_the_skip_button_of_an_optional_question_is_read_by_its_number() -> None:
    question = Question(
        "mood",
        QuestionType.SINGLE_CHOICE,
        "surveys/checkin_first/mood",
        options=(Option("good", "surveys/options/good"), Option("poor", "surveys/options/poor")),
        required=False,
    )
    asked = Asked("checkin_first", question, question.options, {}, MONDAY_10AM, ZONE)
    lexicon = load_lexicon(MESSAGES_DIR / "understanding")
    assert read_reply(asked, "3", lexicon) == SKIPPED
    assert read_reply(asked, "2", lexicon) == "poor"
    assert (
        read_reply(replace(asked, question=replace(question, required=True)), "3", lexicon) is None
    )
