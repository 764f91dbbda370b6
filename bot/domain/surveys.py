"""Questionnaires as data: surveys loaded from YAML and validated, and the pure survey engine."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

from bot.domain import data_files
from bot.domain.plans.model import has_flag

_T = TypeVar("_T", bound=Hashable)

SURVEY_LOCALES = ("zh_CN", "en")
RESPONDENTS = ("patient", "family")
RESPONDENT_QUESTION = "respondent"  # its answer overrides SurveyContext.respondent
SATISFACTION_VALUES = ("satisfied", "basically", "unsatisfied")  # 满意 / 基本满意 / 不满意
NPS_CATEGORIES = ("promoter", "passive", "detractor")
SCALE_MIN = 0
SCALE_MAX = 10
DEFAULT_MAX_LENGTH = 500
MAX_LENGTH_LIMIT = 4000  # a Telegram message holds 4096 characters
MAX_OPTIONS = 10
SKIP_VALUE = "skip"  # callback value of the skip button under optional questions
SKIPPED = ""  # the answer stored for a skipped optional question

CALLBACK_PREFIX = "sv"
CALLBACK_BUDGET = 64  # bytes of Telegram callback data
SESSION_ID_DIGITS = 10
CALLBACK_PATTERN = re.compile(r"^sv:(\d{1,10}):([a-z][a-z0-9_]{0,31}):([a-z0-9_]{1,16})$")

SURVEY_KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
QUESTION_KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,31}$")  # survey_answers.question: 32
VALUE_PATTERN = re.compile(r"^[a-z0-9_]{1,16}$")
PLAN_KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
TEMPLATE_PATTERN = data_files.TEMPLATE_PATTERN
RANGE_PATTERN = re.compile(r"^(\d{1,2})(?:\s*-\s*(\d{1,2}))?$")
NUMBER_PATTERN = re.compile(r"^[+-]?\d+$")
MAX_SCORE_CHARS = 8  # longer digit strings are out of range without converting them
LINE_BREAKS = re.compile(r"\r\n?|[\x85\u2028\u2029]")
EXTRA_BLANK_LINES = re.compile(r"\n{3,}")

SURVEY_FIELDS = ("key", "names", "intro", "thanks", "red_flag", "questions")
SURVEY_REQUIRED = ("key", "names", "questions")
QUESTION_FIELDS = (
    "key",
    "type",
    "text",
    "options",
    "condition",
    "plans",
    "flags",
    "respondents",
    "actions_on_text",
    "scale_actions",
    "required",
    "max_length",
    "measure",
)
QUESTION_REQUIRED = ("key", "type", "text")
OPTION_FIELDS = ("value", "label", "actions")
CONDITION_FIELDS = ("question", "values")

COMMON = "surveys/common"
OPTION_LABELS = "surveys/options"
THANKS_TEMPLATE = f"{COMMON}/thanks"
RED_FLAG_TEMPLATE = f"{COMMON}/red_flag_patient"
ASK_DOCTOR_ACK = f"{COMMON}/ask_doctor_ack"
COMPLAINT_ACK = f"{COMMON}/complaint_ack"
PRAISE_ACK = f"{COMMON}/praise_ack"
RESCHEDULED_TEMPLATE = f"{COMMON}/rescheduled"  # variable: when
RESUMED_TEMPLATE = f"{COMMON}/resumed"  # variables: hospital, department
CLOSED_TEMPLATE = f"{COMMON}/closed"
EXPIRED_PARTIAL_TEMPLATE = f"{COMMON}/expired_partial"
TYPE_ANSWER_TEMPLATE = f"{COMMON}/type_answer"
USE_BUTTONS_TEMPLATE = f"{COMMON}/use_buttons"
NOT_A_NUMBER_TEMPLATE = f"{COMMON}/not_a_number"
TOO_LONG_TEMPLATE = f"{COMMON}/too_long"  # variable: limit
RED_FLAG_STAFF = f"{COMMON}/red_flag_staff"
ASK_DOCTOR_STAFF = f"{COMMON}/ask_doctor_staff"
COMPLAINT_STAFF = f"{COMMON}/complaint_staff"
SKIP_LABEL = f"{OPTION_LABELS}/skip"
YES_LABEL = f"{OPTION_LABELS}/yes"
NO_LABEL = f"{OPTION_LABELS}/no"


class QuestionType(StrEnum):
    SINGLE_CHOICE = "single_choice"
    YES_NO = "yes_no"
    SCALE = "scale"
    FREE_TEXT = "free_text"
    PICK_TIME = "pick_time"


class Action(StrEnum):
    RED_FLAG = "red_flag"
    OPEN_COMPLAINT = "open_complaint"
    RECORD_PRAISE = "record_praise"
    ASK_DOCTOR = "ask_doctor"
    RESCHEDULE = "reschedule"
    END = "end"


class Measure(StrEnum):
    """What a question measures for the monthly statistics, whatever its key."""

    SATISFACTION_DOCTORS = "satisfaction_doctors"
    SATISFACTION_NURSES = "satisfaction_nurses"
    SATISFACTION_HOSPITAL = "satisfaction_hospital"
    NPS = "nps"


class AnswerCode(StrEnum):
    NOT_AN_OPTION = "not_an_option"
    NOT_A_NUMBER = "not_a_number"
    OUT_OF_RANGE = "out_of_range"
    EMPTY = "empty"
    TOO_LONG = "too_long"


CHOICE_TYPES = frozenset({QuestionType.SINGLE_CHOICE, QuestionType.YES_NO, QuestionType.PICK_TIME})
SATISFACTION_MEASURES = frozenset(
    {Measure.SATISFACTION_DOCTORS, Measure.SATISFACTION_NURSES, Measure.SATISFACTION_HOSPITAL}
)
TYPE_ONLY_FIELDS: dict[str, frozenset[QuestionType]] = {
    "options": CHOICE_TYPES,
    "actions_on_text": frozenset({QuestionType.FREE_TEXT}),
    "max_length": frozenset({QuestionType.FREE_TEXT}),
    "scale_actions": frozenset({QuestionType.SCALE}),
}

# What the patient is told when an action fires, and which staff alert goes out.
ACTION_ACKS: dict[Action, str] = {
    Action.RED_FLAG: RED_FLAG_TEMPLATE,
    Action.OPEN_COMPLAINT: COMPLAINT_ACK,
    Action.RECORD_PRAISE: PRAISE_ACK,
    Action.ASK_DOCTOR: ASK_DOCTOR_ACK,
    Action.RESCHEDULE: RESCHEDULED_TEMPLATE,
}
STAFF_ALERTS: dict[Action, str] = {
    Action.RED_FLAG: RED_FLAG_STAFF,
    Action.ASK_DOCTOR: ASK_DOCTOR_STAFF,
    Action.OPEN_COMPLAINT: COMPLAINT_STAFF,
}
ANSWER_ERROR_TEMPLATES: dict[AnswerCode, str] = {
    AnswerCode.NOT_AN_OPTION: USE_BUTTONS_TEMPLATE,
    AnswerCode.NOT_A_NUMBER: NOT_A_NUMBER_TEMPLATE,
    AnswerCode.OUT_OF_RANGE: NOT_A_NUMBER_TEMPLATE,
    AnswerCode.EMPTY: TYPE_ANSWER_TEMPLATE,
    AnswerCode.TOO_LONG: TOO_LONG_TEMPLATE,
}


@dataclass(frozen=True)
class Option:
    value: str
    label: str  # template key of the button label (.txt)
    actions: tuple[Action, ...] = ()


@dataclass(frozen=True)
class Condition:
    """Ask a question only when an earlier question's answer is one of `values`."""

    question: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class ScaleRange:
    """Actions triggered by a scale answer from `low` to `high`, both included."""

    low: int
    high: int
    actions: tuple[Action, ...]

    def contains(self, score: int) -> bool:
        """Say whether a score falls in this range."""
        return self.low <= score <= self.high


@dataclass(frozen=True)
class Question:
    key: str
    type: QuestionType
    text: str  # template key of the question (.html)
    options: tuple[Option, ...] = ()
    condition: Condition | None = None
    plans: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()  # 特殊标记 that bring the question in, whatever the plan
    respondents: tuple[str, ...] = ()
    actions_on_text: tuple[Action, ...] = ()
    scale_actions: tuple[ScaleRange, ...] = ()
    required: bool = True
    max_length: int = DEFAULT_MAX_LENGTH
    measure: Measure | None = None

    def option(self, value: str) -> Option | None:
        """Return the option with this value, if any."""
        return next((option for option in self.options if option.value == value), None)

    def values(self) -> tuple[str, ...]:
        """Return the answer values a button may carry (scale: 0 to 10)."""
        if self.type is QuestionType.SCALE:
            return tuple(str(score) for score in range(SCALE_MIN, SCALE_MAX + 1))
        return tuple(option.value for option in self.options)


@dataclass(frozen=True)
class Survey:
    key: str
    names: dict[str, str]
    questions: tuple[Question, ...]
    intro: str | None = None
    thanks: str = THANKS_TEMPLATE
    red_flag: str = RED_FLAG_TEMPLATE
    source: str = field(default="", compare=False)

    def question(self, key: str) -> Question | None:
        """Return the question with this key, if any."""
        return next((question for question in self.questions if question.key == key), None)

    def measured(self, measure: Measure) -> Question | None:
        """Return the question that measures this, if any."""
        return next((q for q in self.questions if q.measure is measure), None)


@dataclass(frozen=True)
class SurveyContext:
    plan: str
    respondent: str = "patient"
    flags: str | None = None  # the stay's 特殊标记, e.g. "术后;高龄"


class SurveyError(Exception):
    """A problem in a survey file, naming the file, the question and the field."""

    def __init__(self, file: str, question: str | None, field: str | None, message: str) -> None:
        self.file = file
        self.question = question
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [self.file]
        if self.question is not None:
            where.append(f"question {self.question}")
        if self.field is not None:
            where.append(f"field {self.field}")
        return f"{', '.join(where)}: {self.message}"


class AnswerError(ValueError):
    """An answer that does not fit its question; `code` names why, `limit` the length limit."""

    def __init__(self, code: AnswerCode, limit: int | None = None) -> None:
        self.code = code
        self.limit = limit
        super().__init__(code.value)

    @property
    def template(self) -> str:
        """Return the template key that tells the patient what to do."""
        return ANSWER_ERROR_TEMPLATES[self.code]


# ---------------------------------------------------------------- rescheduling


MORNING = time(9, 30)
EVENING = time(19, 0)


@dataclass(frozen=True)
class RescheduleRule:
    """A pick_time choice: an elapsed `delay`, else `days` ahead at local time `at`."""

    delay: timedelta | None = None
    days: int = 0
    at: time = MORNING


RESCHEDULE_DELAYS: dict[str, RescheduleRule] = {
    "in_an_hour": RescheduleRule(delay=timedelta(hours=1)),
    "this_evening": RescheduleRule(days=0, at=EVENING),
    "tomorrow": RescheduleRule(days=1, at=MORNING),
    "another_day": RescheduleRule(days=2, at=MORNING),
}
PICK_TIME_VALUES = tuple(RESCHEDULE_DELAYS)

COMMON_TEMPLATES = (
    THANKS_TEMPLATE,
    RED_FLAG_TEMPLATE,
    ASK_DOCTOR_ACK,
    COMPLAINT_ACK,
    PRAISE_ACK,
    RESCHEDULED_TEMPLATE,
    RESUMED_TEMPLATE,
    CLOSED_TEMPLATE,
    EXPIRED_PARTIAL_TEMPLATE,
    TYPE_ANSWER_TEMPLATE,
    USE_BUTTONS_TEMPLATE,
    NOT_A_NUMBER_TEMPLATE,
    TOO_LONG_TEMPLATE,
    RED_FLAG_STAFF,
    ASK_DOCTOR_STAFF,
    COMPLAINT_STAFF,
    SKIP_LABEL,
    YES_LABEL,
    NO_LABEL,
    *(f"{OPTION_LABELS}/{value}" for value in RESCHEDULE_DELAYS),
)


def reschedule_target(value: str, now: datetime, zone: ZoneInfo) -> datetime:
    """Return when (aware UTC) to come back for a pick_time answer; past times roll to tomorrow."""
    rule = RESCHEDULE_DELAYS.get(value)
    if rule is None:
        raise ValueError(f'"{value}" is not a pick_time value; use {", ".join(PICK_TIME_VALUES)}')
    if now.tzinfo is None:
        raise ValueError("reschedule_target needs a timezone-aware time")
    if rule.delay is not None:
        return now.astimezone(UTC) + rule.delay
    today = now.astimezone(zone).date()
    target = _local_moment(today + timedelta(days=rule.days), rule.at, zone)
    if target <= now:
        target = _local_moment(today + timedelta(days=1), MORNING, zone)
    return target


def _local_moment(day: date, at: time, zone: ZoneInfo) -> datetime:
    """Return a local wall-clock time on a day as aware UTC."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def offered_options(question: Question, now: datetime, zone: ZoneInfo) -> tuple[Option, ...]:
    """Return the options worth showing now: pick_time drops same-day times already past."""
    if question.type is not QuestionType.PICK_TIME:
        return question.options
    return tuple(option for option in question.options if not _past_today(option.value, now, zone))


def _past_today(value: str, now: datetime, zone: ZoneInfo) -> bool:
    """Say whether a same-day pick_time choice (this evening) has already passed."""
    rule = RESCHEDULE_DELAYS[value]
    if rule.delay is not None or rule.days > 0:
        return False
    return _local_moment(now.astimezone(zone).date(), rule.at, zone) <= now


# ---------------------------------------------------------------- NPS


def nps_category(score: int) -> str:
    """Return promoter (9-10), passive (7-8) or detractor (0-6)."""
    if not SCALE_MIN <= score <= SCALE_MAX:
        raise ValueError(f"an NPS score is {SCALE_MIN} to {SCALE_MAX}, not {score}")
    if score >= 9:
        return "promoter"
    return "passive" if score >= 7 else "detractor"


def nps(scores: Iterable[int]) -> float | None:
    """Return the net promoter score (-100..100): % promoters minus % detractors; None if none."""
    return nps_of_counts(Counter(scores))


def nps_of_counts(counts: Mapping[int, int]) -> float | None:
    """Return the net promoter score of answers counted per score (0-10)."""
    total = sum(counts.values())
    if total == 0:
        return None
    categories: Counter[str] = Counter()
    for score, count in counts.items():
        categories[nps_category(score)] += count
    return 100 * (categories["promoter"] - categories["detractor"]) / total


# ---------------------------------------------------------------- the engine


def effective_respondent(answers: Mapping[str, str], context: SurveyContext) -> str:
    """Return who is answering: the `respondent` question's answer, else the context's."""
    answered = answers.get(RESPONDENT_QUESTION)
    return answered if answered in RESPONDENTS else context.respondent


def applies(question: Question, answers: Mapping[str, str], context: SurveyContext) -> bool:
    """Say whether a question is to be asked given its condition, plans and respondents."""
    if (question.plans or question.flags) and not _for_this_patient(question, context):
        return False
    if question.respondents and effective_respondent(answers, context) not in question.respondents:
        return False
    condition = question.condition
    return condition is None or answers.get(condition.question) in condition.values


def _for_this_patient(question: Question, context: SurveyContext) -> bool:
    """Say whether the patient's plan or one of their 特殊标记 brings a limited question in."""
    if context.plan in question.plans:
        return True
    return any(has_flag(context.flags, flag) for flag in question.flags)


def next_question(
    survey: Survey, answers: Mapping[str, str], context: SurveyContext
) -> Question | None:
    """Return the first unanswered question that applies; None when complete or ended."""
    for question in survey.questions:
        if not applies(question, answers, context):
            continue
        if question.key not in answers:
            return question
        if Action.END in actions_for(question, answers[question.key]):
            return None
    return None


def is_complete(survey: Survey, answers: Mapping[str, str], context: SurveyContext) -> bool:
    """Say whether nothing is left to ask."""
    return next_question(survey, answers, context) is None


def actions_for(question: Question, answer: str) -> tuple[Action, ...]:
    """Return the actions an answer triggers (none for skipped or unknown answers)."""
    if answer == SKIPPED:
        return ()
    if question.type is QuestionType.FREE_TEXT:
        return question.actions_on_text
    if question.type is QuestionType.SCALE:
        score = int(answer) if answer.isdecimal() and len(answer) <= 2 else None
        found = next(
            (r for r in question.scale_actions if score is not None and r.contains(score)), None
        )
        return found.actions if found is not None else ()
    option = question.option(answer)
    return option.actions if option is not None else ()


def validate_answer(question: Question, raw: str) -> str:
    """Return the answer to store for a raw reply, or raise AnswerError."""
    if question.type is QuestionType.FREE_TEXT:
        return _free_text(question, raw)
    if question.type is QuestionType.SCALE:
        return _scale(raw)
    value = raw.strip()
    if question.option(value) is None:
        raise AnswerError(AnswerCode.NOT_AN_OPTION)
    return value


def skip_answer(question: Question) -> str:
    """Return the stored answer for the skip button, or raise AnswerError when required."""
    if question.required:
        raise AnswerError(AnswerCode.EMPTY)
    return SKIPPED


def _scale(raw: str) -> str:
    """Return a 0-10 score as digits, accepting full-width digits and a sign."""
    text = unicodedata.normalize("NFKC", raw).strip()
    if not NUMBER_PATTERN.match(text):
        raise AnswerError(AnswerCode.NOT_A_NUMBER)
    if len(text) > MAX_SCORE_CHARS or not SCALE_MIN <= int(text) <= SCALE_MAX:
        raise AnswerError(AnswerCode.OUT_OF_RANGE)
    return str(int(text))


def _free_text(question: Question, raw: str) -> str:
    """Return typed text cleaned of control characters, within the length limit."""
    text = clean_text(raw)
    if not text:
        if question.required:
            raise AnswerError(AnswerCode.EMPTY)
        return SKIPPED
    if len(text) > question.max_length:
        raise AnswerError(AnswerCode.TOO_LONG, limit=question.max_length)
    return text


def clean_text(raw: str) -> str:
    """Return text with line breaks unified, tabs as spaces, other control characters gone."""
    text = LINE_BREAKS.sub("\n", raw).replace("\t", " ")
    kept = "".join(c for c in text if c == "\n" or unicodedata.category(c) != "Cc")
    return EXTRA_BLANK_LINES.sub("\n\n", kept).strip()


def callback_data(session_id: int, question_key: str, value: str) -> str:
    """Return the callback data of an answer button, refusing more than 64 bytes."""
    data = f"{CALLBACK_PREFIX}:{session_id}:{question_key}:{value}"
    if not 0 <= session_id < 10**SESSION_ID_DIGITS or len(data.encode()) > CALLBACK_BUDGET:
        raise ValueError(f"callback data {data!r} does not fit in {CALLBACK_BUDGET} bytes")
    return data


def parse_callback_data(data: str) -> tuple[int, str, str] | None:
    """Return (session id, question key, value) from an answer button's data, if well-formed."""
    match = CALLBACK_PATTERN.match(data)
    if match is None:
        return None
    return int(match.group(1)), match.group(2), match.group(3)


# ---------------------------------------------------------------- loading


@dataclass(frozen=True)
class _Where:
    """Where in the survey files a value comes from, to build SurveyErrors."""

    file: str
    question: str | None = None

    def error(self, field: str | None, message: str) -> SurveyError:
        """Return a SurveyError at this place."""
        return SurveyError(self.file, self.question, field, message)


def load_surveys(
    folder: Path,
    template_exists: Callable[[str], bool],
    plan_keys: Collection[str] | None = None,
) -> dict[str, Survey]:
    """Read and validate every survey file in a folder; raise the first SurveyError."""
    where = _Where(data_files.display(folder))
    if not folder.is_dir():
        raise where.error(None, "survey folder not found")
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise where.error(None, "no survey files (*.yaml) found")
    missing = [key for key in COMMON_TEMPLATES if not template_exists(key)]
    if missing:
        raise where.error(None, f"missing common templates: {', '.join(missing)}")
    surveys: dict[str, Survey] = {}
    for path in files:
        survey = _load_survey(path, template_exists, plan_keys)
        surveys[survey.key] = survey
    return surveys


def _load_survey(
    path: Path, template_exists: Callable[[str], bool], plan_keys: Collection[str] | None
) -> Survey:
    """Read and validate one survey file."""
    where = _Where(data_files.display(path))
    data = data_files.checked_fields(
        data_files.read_yaml(path, where), where, None, SURVEY_FIELDS, SURVEY_REQUIRED
    )
    key = _as_key(data["key"], where, "key", SURVEY_KEY_PATTERN, 48)
    if key != path.stem:
        raise where.error("key", f'"{key}" must match the file name "{path.stem}"')
    survey = Survey(
        key=key,
        names=data_files.load_names(data["names"], where, SURVEY_LOCALES),
        questions=_load_questions(data["questions"], where, plan_keys),
        intro=None if data.get("intro") is None else _as_template(data["intro"], where, "intro"),
        thanks=_as_template(data.get("thanks", THANKS_TEMPLATE), where, "thanks"),
        red_flag=_as_template(data.get("red_flag", RED_FLAG_TEMPLATE), where, "red_flag"),
        source=where.file,
    )
    _check_templates(survey, where, template_exists)
    return survey


def _load_questions(
    raw: object, where: _Where, plan_keys: Collection[str] | None
) -> tuple[Question, ...]:
    """Read the question list, each checked against the questions before it."""
    if not isinstance(raw, list):
        raise where.error(
            "questions", f"expected a list of questions, got {data_files.type_name(raw)}"
        )
    if not raw:
        raise where.error("questions", "a survey needs at least one question")
    earlier: dict[str, Question] = {}
    for number, item in enumerate(raw, start=1):
        question = _load_question(
            item, _Where(where.file, data_files.item_label(item, number)), earlier, plan_keys
        )
        if question.key in earlier:
            raise _Where(where.file, question.key).error("key", "this question key is used twice")
        earlier[question.key] = question
    _check_measures(tuple(earlier.values()), where)
    return tuple(earlier.values())


def _load_question(
    raw: object, where: _Where, earlier: Mapping[str, Question], plan_keys: Collection[str] | None
) -> Question:
    """Read and validate one question."""
    data = data_files.checked_fields(raw, where, None, QUESTION_FIELDS, QUESTION_REQUIRED)
    kind = data_files.as_choice(data["type"], where, "type", QuestionType)
    _check_type_fields(data, kind, where)
    question = Question(
        key=_as_key(data["key"], where, "key", QUESTION_KEY_PATTERN, 32),
        type=kind,
        text=_as_template(data["text"], where, "text"),
        options=_load_options(data.get("options"), kind, where),
        condition=_load_condition(data.get("condition"), where, earlier),
        plans=_load_plans(data.get("plans"), where, plan_keys),
        flags=_unique(
            tuple(
                data_files.as_text(item, where, "flags")
                for item in data_files.as_list(data.get("flags"), where, "flags")
            ),
            where,
            "flags",
        ),
        respondents=_load_respondents(data.get("respondents"), where),
        actions_on_text=_as_actions(data.get("actions_on_text"), where, "actions_on_text"),
        scale_actions=_load_scale_actions(data.get("scale_actions"), where),
        required=data_files.as_bool(data.get("required", True), where, "required"),
        max_length=_as_max_length(data.get("max_length", DEFAULT_MAX_LENGTH), where),
        measure=_as_measure(data.get("measure"), where),
    )
    _check_question(question, where)
    return question


def _check_type_fields(data: Mapping[str, object], kind: QuestionType, where: _Where) -> None:
    """Refuse fields that do not belong to this question type."""
    for name, kinds in TYPE_ONLY_FIELDS.items():
        if name in data and kind not in kinds:
            allowed = ", ".join(sorted(k.value for k in kinds))
            raise where.error(name, f"only {allowed} questions have {name}, not {kind} questions")


def _load_options(raw: object, kind: QuestionType, where: _Where) -> tuple[Option, ...]:
    """Read a choice question's options, generating yes_no and pick_time ones when omitted."""
    if kind not in CHOICE_TYPES:
        return ()
    if raw is None:
        if kind is QuestionType.SINGLE_CHOICE:
            raise where.error("options", "is missing (required for single_choice questions)")
        return _standard_options(kind)
    if not isinstance(raw, list):
        raise where.error("options", f"expected a list of options, got {data_files.type_name(raw)}")
    options = tuple(_load_option(item, kind, where, n) for n, item in enumerate(raw, start=1))
    _check_options(options, kind, where)
    return options


def _standard_options(kind: QuestionType) -> tuple[Option, ...]:
    """Return the generated options of a yes_no or pick_time question."""
    if kind is QuestionType.YES_NO:
        return (Option("yes", YES_LABEL), Option("no", NO_LABEL))
    return tuple(_time_option(value) for value in PICK_TIME_VALUES)


def _time_option(value: str, label: str | None = None, actions: Iterable[Action] = ()) -> Option:
    """Return a pick_time option, which always reschedules."""
    merged = (*actions, Action.RESCHEDULE) if Action.RESCHEDULE not in actions else tuple(actions)
    return Option(value, label or f"{OPTION_LABELS}/{value}", merged)


def _load_option(raw: object, kind: QuestionType, where: _Where, number: int) -> Option:
    """Read one option."""
    name = f"options[{number}]"
    required = ("value", "label") if kind is QuestionType.SINGLE_CHOICE else ("value",)
    data = data_files.checked_fields(raw, where, name, OPTION_FIELDS, required)
    value = _as_value(data["value"], where, f"{name}.value")
    label = (
        None if data.get("label") is None else _as_template(data["label"], where, f"{name}.label")
    )
    actions = _as_actions(data.get("actions"), where, f"{name}.actions")
    if Action.RESCHEDULE in actions and kind is not QuestionType.PICK_TIME:
        raise where.error(f"{name}.actions", "only pick_time options can reschedule")
    if kind is QuestionType.PICK_TIME:
        if value not in RESCHEDULE_DELAYS:
            raise where.error(
                f"{name}.value",
                f'"{value}" is not a time choice; use {", ".join(PICK_TIME_VALUES)}',
            )
        return _time_option(value, label, actions)
    if kind is QuestionType.YES_NO:
        if value not in ("yes", "no"):
            raise where.error(
                f"{name}.value", f'"{value}" is not allowed; yes_no options are yes and no'
            )
        label = label or (YES_LABEL if value == "yes" else NO_LABEL)
    assert label is not None  # single_choice labels are required fields
    return Option(value, label, actions)


def _check_options(options: tuple[Option, ...], kind: QuestionType, where: _Where) -> None:
    """Check the option list as a whole: unique values, counts per type."""
    seen: set[str] = set()
    for number, option in enumerate(options, start=1):
        if option.value in seen:
            raise where.error(
                f"options[{number}].value", f'"{option.value}" is used twice in this question'
            )
        seen.add(option.value)
    if kind is QuestionType.YES_NO and seen != {"yes", "no"}:
        raise where.error("options", "a yes_no question has exactly the options yes and no")
    if kind is QuestionType.SINGLE_CHOICE and not 2 <= len(options) <= MAX_OPTIONS:
        raise where.error("options", f"a single_choice question needs 2 to {MAX_OPTIONS} options")
    if kind is QuestionType.PICK_TIME and not options:
        raise where.error("options", "a pick_time question needs at least one time choice")


def _load_condition(
    raw: object, where: _Where, earlier: Mapping[str, Question]
) -> Condition | None:
    """Read a condition on an earlier question's answer."""
    if raw is None:
        return None
    data = data_files.checked_fields(raw, where, "condition", CONDITION_FIELDS, CONDITION_FIELDS)
    key = data_files.as_text(data["question"], where, "condition.question")
    target = earlier.get(key)
    if target is None:
        raise where.error(
            "condition.question", f'"{key}" is not an earlier question of this survey'
        )
    if target.type is QuestionType.FREE_TEXT:
        raise where.error(
            "condition.question", f'"{key}" is free text; conditions need choices or a scale'
        )
    values = data_files.as_list(data["values"], where, "condition.values")
    if not values:
        raise where.error("condition.values", "list at least one answer value")
    checked = tuple(_as_value(item, where, "condition.values") for item in values)
    for value in checked:
        if value not in target.values():
            allowed = ", ".join(target.values())
            raise where.error(
                "condition.values", f'"{value}" is not an answer of "{key}"; answers are: {allowed}'
            )
    if len(set(checked)) != len(checked):
        raise where.error("condition.values", "a value is listed twice")
    return Condition(key, checked)


def _load_plans(raw: object, where: _Where, plan_keys: Collection[str] | None) -> tuple[str, ...]:
    """Read the plans a question is limited to."""
    plans = tuple(
        _as_key(item, where, "plans", PLAN_KEY_PATTERN, 48)
        for item in data_files.as_list(raw, where, "plans")
    )
    for plan in plans:
        if plan_keys is not None and plan not in plan_keys:
            raise where.error(
                "plans", f'no plan "{plan}"; plans are: {", ".join(sorted(plan_keys))}'
            )
    return _unique(plans, where, "plans")


def _load_respondents(raw: object, where: _Where) -> tuple[str, ...]:
    """Read who a question is limited to (patient, family)."""
    respondents = tuple(
        data_files.as_text(item, where, "respondents")
        for item in data_files.as_list(raw, where, "respondents")
    )
    for respondent in respondents:
        if respondent not in RESPONDENTS:
            raise where.error(
                "respondents", f'"{respondent}" is not allowed; use {", ".join(RESPONDENTS)}'
            )
    return _unique(respondents, where, "respondents")


def _load_scale_actions(raw: object, where: _Where) -> tuple[ScaleRange, ...]:
    """Read ranges such as `0-6: [open_complaint]`, within 0-10 and not overlapping."""
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise where.error(
            "scale_actions",
            f"expected a mapping such as 0-6: [red_flag], got {data_files.type_name(raw)}",
        )
    ranges = sorted(
        (_scale_range(key, value, where) for key, value in raw.items()), key=lambda r: r.low
    )
    for before, after in itertools.pairwise(ranges):
        if after.low <= before.high:
            raise where.error(
                "scale_actions",
                f"ranges {before.low}-{before.high} and {after.low}-{after.high} overlap",
            )
    return tuple(ranges)


def _scale_range(key: object, value: object, where: _Where) -> ScaleRange:
    """Read one scale range and its actions."""
    name = f"scale_actions.{key}"
    match = (
        RANGE_PATTERN.match(str(key).strip())
        if isinstance(key, str | int) and not isinstance(key, bool)
        else None
    )
    if match is None:
        raise where.error(name, f'"{key}" is not a range; use forms like 0-6 or 10')
    low = int(match.group(1))
    high = int(match.group(2) or low)
    if not SCALE_MIN <= low <= high <= SCALE_MAX:
        raise where.error(name, f"a range runs from low to high within {SCALE_MIN}-{SCALE_MAX}")
    actions = _as_actions(value, where, name)
    if Action.RESCHEDULE in actions:
        raise where.error(name, "only pick_time options can reschedule")
    return ScaleRange(low, high, actions)


def _check_question(question: Question, where: _Where) -> None:
    """Check the rules that tie a question's fields together."""
    if Action.RESCHEDULE in question.actions_on_text:
        raise where.error("actions_on_text", "only pick_time options can reschedule")
    if question.key == RESPONDENT_QUESTION:
        _check_respondent_question(question, where)
    if question.measure in SATISFACTION_MEASURES and question.values() != SATISFACTION_VALUES:
        raise where.error(
            "measure",
            "satisfaction questions are single_choice with options "
            + ", ".join(SATISFACTION_VALUES),
        )
    if question.measure is Measure.NPS and question.type is not QuestionType.SCALE:
        raise where.error("measure", "nps questions are scale questions")
    _check_budget(question, where)


def _check_respondent_question(question: Question, where: _Where) -> None:
    """Check the question whose answer says who is answering."""
    if question.type is not QuestionType.SINGLE_CHOICE or not set(question.values()) <= set(
        RESPONDENTS
    ):
        raise where.error(
            "options",
            f"the respondent question is single_choice with options {', '.join(RESPONDENTS)}",
        )
    if question.respondents:
        raise where.error("respondents", "the respondent question is asked of everyone")


def _check_budget(question: Question, where: _Where) -> None:
    """Refuse buttons whose callback data could exceed Telegram's 64 bytes."""
    values = list(question.values())
    if not question.required:
        values.append(SKIP_VALUE)
    if not values:
        return
    longest = max(values, key=len)
    data = f"{CALLBACK_PREFIX}:{'9' * SESSION_ID_DIGITS}:{question.key}:{longest}"
    size = len(data.encode())
    if size > CALLBACK_BUDGET:
        room = len(question.key) - (size - CALLBACK_BUDGET)
        raise where.error(
            "key",
            f'callback data "{data}" is {size} bytes, over {CALLBACK_BUDGET}; shorten the '
            f'question key to {room} characters or the value "{longest}"',
        )


def _check_measures(questions: tuple[Question, ...], where: _Where) -> None:
    """Refuse a measure used by two questions of one survey."""
    seen: dict[Measure, str] = {}
    for question in questions:
        if question.measure is None:
            continue
        if question.measure in seen:
            raise _Where(where.file, question.key).error(
                "measure",
                f'"{question.measure}" is already measured by question {seen[question.measure]}',
            )
        seen[question.measure] = question.key


def _check_templates(survey: Survey, where: _Where, template_exists: Callable[[str], bool]) -> None:
    """Refuse template keys that have no template in every locale."""
    survey_level = [
        ("intro", survey.intro),
        ("thanks", survey.thanks),
        ("red_flag", survey.red_flag),
    ]
    for name, key in survey_level:
        if key is not None and not template_exists(key):
            raise where.error(name, data_files.missing_template(key, SURVEY_LOCALES))
    for question in survey.questions:
        at = _Where(where.file, question.key)
        if not template_exists(question.text):
            raise at.error("text", data_files.missing_template(question.text, SURVEY_LOCALES))
        for number, option in enumerate(question.options, start=1):
            if not template_exists(option.label):
                raise at.error(
                    f"options[{number}].label",
                    data_files.missing_template(option.label, SURVEY_LOCALES),
                )


# ---------------------------------------------------------------- field coercion


def _as_key(raw: object, where: _Where, name: str, pattern: re.Pattern[str], longest: int) -> str:
    """Return an identifier matching `pattern`."""
    text = data_files.as_text(raw, where, name)
    if not pattern.match(text):
        raise where.error(
            name,
            f'"{text}" is not a valid key; use a-z, 0-9 and _, starting with a letter, '
            f"at most {longest} characters",
        )
    return text


def _as_value(raw: object, where: _Where, name: str) -> str:
    """Return an answer value; YAML's bare yes/no (true/false) count as "yes"/"no"."""
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    text = str(raw).strip() if isinstance(raw, str | int) else None
    if text is None or not VALUE_PATTERN.match(text):
        shown = data_files.type_name(raw) if text is None else f'"{text}"'
        raise where.error(name, f"{shown} is not a valid value; use 1 to 16 of a-z, 0-9 and _")
    if text == SKIP_VALUE:
        raise where.error(name, f'"{SKIP_VALUE}" is reserved for the skip button')
    return text


def _as_template(raw: object, where: _Where, name: str) -> str:
    """Return a template key such as `surveys/checkin_first/condition`."""
    return data_files.as_template(raw, where, name, "surveys/checkin_first/condition")


def _as_actions(raw: object, where: _Where, name: str) -> tuple[Action, ...]:
    """Return a list of distinct actions."""
    actions = tuple(
        data_files.as_choice(item, where, name, Action)
        for item in data_files.as_list(raw, where, name)
    )
    return _unique(actions, where, name)


def _unique(items: tuple[_T, ...], where: _Where, name: str) -> tuple[_T, ...]:
    """Refuse an item listed twice."""
    if len(set(items)) != len(items):
        raise where.error(name, "an item is listed twice")
    return items


def _as_measure(raw: object, where: _Where) -> Measure | None:
    """Return what a question measures, or None when absent."""
    return None if raw is None else data_files.as_choice(raw, where, "measure", Measure)


def _as_max_length(raw: object, where: _Where) -> int:
    """Return a free-text length limit within 1 and MAX_LENGTH_LIMIT."""
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise where.error("max_length", f"expected a whole number, got {data_files.type_name(raw)}")
    if not 1 <= raw <= MAX_LENGTH_LIMIT:
        raise where.error("max_length", f"must be 1 to {MAX_LENGTH_LIMIT}")
    return raw
