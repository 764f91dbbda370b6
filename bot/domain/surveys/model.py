"""Surveys as data: questions, options, conditions, actions and the template keys they use."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

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
    ADD_TO_COMPLAINT = "add_to_complaint"  # the reason for the answer that opened a complaint
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


CHOICE_TYPES = frozenset({QuestionType.SINGLE_CHOICE, QuestionType.YES_NO, QuestionType.PICK_TIME})
SATISFACTION_MEASURES = frozenset(
    {Measure.SATISFACTION_DOCTORS, Measure.SATISFACTION_NURSES, Measure.SATISFACTION_HOSPITAL}
)

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
