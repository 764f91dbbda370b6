"""Choice ids: what a button (or a numbered option) carries back, one encode/decode per prefix.

The same ids serve every channel: Telegram sends them as callback data (at most 64 bytes),
a plain-text channel maps numbered replies to them. The bytes must never change: buttons
already sent keep working after an upgrade.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Literal, NamedTuple, TypeVar

from bot.domain.enrolment import Relation, Respondent
from bot.domain.visits import VisitChoice

CALLBACK_BUDGET = 64  # bytes of Telegram callback data
SESSION_ID_DIGITS = 10
ROW_ID_DIGITS = 18
E = TypeVar("E", bound=StrEnum)


class Prefix(StrEnum):
    """The first field of every choice id: which handler it goes to."""

    MEDICATION = "md"
    STILL_TAKING = "mc"
    REEXAM = "rx"
    KEEP_ASKING = "ka"
    SURVEY = "sv"
    STOP = "stop"
    ENROL = "en"
    LANGUAGE = "lg"
    FACT = "pf"
    DRILL = "sd"
    TEMPLATE = "te"
    BROADCAST = "bc"
    CASE_PATIENT = "cp"
    CASE_STAFF = "cs"
    HANDLING = "ch"
    VISIT_DATE = "rd"
    CASE_ACK = "ack"
    RED_FLAG = "rf"
    DEATH_REPORT = "dr"  # staff confirm a death a family member reported
    CALL = "cl"  # a nurse's answer on the phone worklist (bot.domain.worklist.choices)
    PHONE_RELAY = "pr"  # a nurse on a call enters the patient's answer (bot.domain.phone_relay)
    CALL_REVIEW = "cq"  # a supervisor's verdict on a sampled call (the weekly quality check)


def pattern(*prefixes: Prefix) -> str:
    """Return the regular expression of ids with these prefixes (app.py's handler patterns)."""
    return rf"^({'|'.join(re.escape(p) for p in prefixes)}):"


class MedicationChoice(StrEnum):
    TAKEN = "taken"
    SNOOZE = "snooze"
    SKIP = "skip"


class StillTakingChoice(StrEnum):
    YES = "yes"
    STOPPED = "stopped"


class ReexamChoice(StrEnum):
    CONFIRM = "confirm"
    OTHER = "other"  # another date
    DONE = "done"  # already went


class KeepAskingChoice(StrEnum):
    YES = "yes"
    NO = "no"


AnswerChoice = MedicationChoice | StillTakingChoice | ReexamChoice | KeepAskingChoice
ANSWER_CHOICES: dict[Prefix, type[AnswerChoice]] = {
    Prefix.MEDICATION: MedicationChoice,
    Prefix.STILL_TAKING: StillTakingChoice,
    Prefix.REEXAM: ReexamChoice,
    Prefix.KEEP_ASKING: KeepAskingChoice,
}
_ANSWER_PREFIX = {kind: prefix for prefix, kind in ANSWER_CHOICES.items()}


@dataclass(frozen=True)
class AnswerButton:
    """An answer to a sent plan step (medicine, re-examination, keep receiving)."""

    choice: AnswerChoice
    row_id: int

    @property
    def prefix(self) -> Prefix:
        """Return the prefix of the answer's kind of question."""
        return _ANSWER_PREFIX[type(self.choice)]


def encode_answer(choice: AnswerChoice, row_id: int) -> str:
    """Return the id of an answer to the sent row row_id, e.g. "md:taken:42"."""
    return f"{_ANSWER_PREFIX[type(choice)]}:{choice}:{row_id}"


def decode_answer(data: str) -> AnswerButton | None:
    """Return the answer an id carries, or None if it is not a well-formed answer id."""
    parts = data.split(":")
    if len(parts) != 3 or parts[0] not in ANSWER_CHOICES:
        return None
    choice = _member(ANSWER_CHOICES[Prefix(parts[0])], parts[1])
    if choice is None or not parts[2].isdecimal() or len(parts[2]) > ROW_ID_DIGITS:
        return None
    return AnswerButton(choice, int(parts[2]))


def _member(kind: type[E], value: str) -> E | None:
    """Return the member of kind with this value, or None."""
    try:
        return kind(value)
    except ValueError:
        return None


class StopChoice(StrEnum):
    YES = "yes"  # withdraw
    NO = "no"  # keep receiving


def encode_stop(choice: StopChoice) -> str:
    """Return the id of an answer to "withdraw consent?", e.g. "stop:yes"."""
    return f"{Prefix.STOP}:{choice}"


def decode_stop(data: str) -> StopChoice | None:
    """Return the answer a /stop confirmation id carries, or None."""
    prefix, _, choice = data.partition(":")
    return _member(StopChoice, choice) if prefix == Prefix.STOP else None


SURVEY_PATTERN = re.compile(r"^sv:(\d{1,10}):([a-z][a-z0-9_]{0,31}):([a-z0-9_]{1,16})$")


class SurveyAnswer(NamedTuple):
    """An answer to a survey question: session, question key, value."""

    session_id: int
    question: str
    value: str


def encode_survey(session_id: int, question: str, value: str) -> str:
    """Return the id of a survey answer, refusing more than 64 bytes."""
    data = unchecked_survey_id(session_id, question, value)
    if not 0 <= session_id < 10**SESSION_ID_DIGITS or len(data.encode()) > CALLBACK_BUDGET:
        raise ValueError(f"callback data {data!r} does not fit in {CALLBACK_BUDGET} bytes")
    return data


def unchecked_survey_id(session_id: int, question: str, value: str) -> str:
    """Return the id of a survey answer without checking its size (to measure it)."""
    return f"{Prefix.SURVEY}:{session_id}:{question}:{value}"


def decode_survey(data: str) -> SurveyAnswer | None:
    """Return the survey answer an id carries, if well-formed."""
    match = SURVEY_PATTERN.match(data)
    if match is None:
        return None
    return SurveyAnswer(int(match.group(1)), match.group(2), match.group(3))


ASK_STAFF: Literal["staff"] = (
    "staff"  # "let staff call me" instead of a ready-made re-examination date
)
VisitDate = VisitChoice | Literal["staff"]


def encode_visit_date(choice: VisitDate) -> str:
    """Return the id of an answer to "which day instead?", e.g. "rd:1w" or "rd:staff"."""
    return f"{Prefix.VISIT_DATE}:{choice}"


def decode_visit_date(data: str) -> VisitDate | None:
    """Return the answer a "which day instead?" id carries, or None."""
    prefix, _, choice = data.partition(":")
    if prefix != Prefix.VISIT_DATE:
        return None
    return ASK_STAFF if choice == ASK_STAFF else _member(VisitChoice, choice)


class ConsentChoice(StrEnum):
    YES = "yes"
    NO = "no"


EnrolAnswer = Respondent | Relation | ConsentChoice
ENROL_FIELDS: dict[str, type[EnrolAnswer]] = {
    "r": Respondent,  # who is answering
    "rel": Relation,  # a family member's relation to the patient
    "c": ConsentChoice,  # the consent decision
}
_ENROL_FIELD = {kind: field for field, kind in ENROL_FIELDS.items()}


def encode_enrol(answer: EnrolAnswer) -> str:
    """Return the id of an enrolment answer, e.g. "en:r:patient" or "en:c:yes"."""
    return f"{Prefix.ENROL}:{_ENROL_FIELD[type(answer)]}:{answer}"


def decode_enrol(data: str) -> EnrolAnswer | None:
    """Return the enrolment answer an id carries, or None."""
    parts = data.split(":")
    if len(parts) != 3 or parts[0] != Prefix.ENROL or parts[1] not in ENROL_FIELDS:
        return None
    return _member(ENROL_FIELDS[parts[1]], parts[2])


def encode_language(locale: str) -> str:
    """Return the id of a language choice, e.g. "lg:en"."""
    return f"{Prefix.LANGUAGE}:{locale}"


def decode_language(data: str) -> str | None:
    """Return the locale a language choice id carries (unchecked), or None."""
    prefix, _, locale = data.partition(":")
    return locale if prefix == Prefix.LANGUAGE else None


class TemplateEditChoice(StrEnum):
    SAVE = "save"
    CANCEL = "cancel"


def encode_template_edit(choice: TemplateEditChoice) -> str:
    """Return the id of an answer to "save this template?", e.g. "te:save"."""
    return f"{Prefix.TEMPLATE}:{choice}"


def decode_template_edit(data: str) -> TemplateEditChoice | None:
    """Return the answer a template-edit id carries, or None."""
    prefix, _, choice = data.partition(":")
    return _member(TemplateEditChoice, choice) if prefix == Prefix.TEMPLATE else None


class ConfirmChoice(StrEnum):
    OK = "ok"
    NO = "no"


def encode_broadcast(choice: ConfirmChoice) -> str:
    """Return the id of an answer to "send this broadcast?", e.g. "bc:ok"."""
    return f"{Prefix.BROADCAST}:{choice}"


def decode_broadcast(data: str) -> ConfirmChoice | None:
    """Return the answer a broadcast confirmation id carries, or None."""
    prefix, _, choice = data.partition(":")
    return _member(ConfirmChoice, choice) if prefix == Prefix.BROADCAST else None


def encode_fact(choice: ConfirmChoice, patient_id: int, fact: str, active: bool) -> str:
    """Return the id of an answer to "record this patient fact?", e.g. "pf:ok:7:dec1"."""
    return f"{Prefix.FACT}:{choice}:{patient_id}:{fact[:3]}{int(active)}"


def encode_death_report(message_id: int) -> str:
    """Return the id of "confirm the death this message reports", e.g. "dr:12"."""
    return f"{Prefix.DEATH_REPORT}:{message_id}"


def decode_death_report(data: str) -> int | None:
    """Return the message id of a death-report confirmation, None if the id is not one."""
    prefix, _, number = data.partition(":")
    if prefix != Prefix.DEATH_REPORT or not number.isdecimal() or len(number) > 18:
        return None
    return int(number)


def encode_handling(case_id: int, satisfied: bool) -> str:
    """Return the id of the patient's answer on how a case was handled, e.g. "ch:12:yes"."""
    return f"{Prefix.HANDLING}:{case_id}:{'yes' if satisfied else 'no'}"


def decode_handling(data: str) -> tuple[int, bool] | None:
    """Return (case id, satisfied) of a handling answer, None if the id is not one."""
    parts = data.split(":")
    if len(parts) != 3 or parts[0] != Prefix.HANDLING or parts[2] not in ("yes", "no"):
        return None
    if not parts[1].isdecimal() or len(parts[1]) > 18:
        return None
    return int(parts[1]), parts[2] == "yes"


MAX_DRILL_PAGE = 10_000


class DrillPage(NamedTuple):
    """One page of the patients behind a figure of /stats, over a period."""

    figure: str
    first: date
    last: date
    page: int


def encode_drill(drill: DrillPage) -> str:
    """Return the id of a drill-down page, e.g. "sd:failed:20261101:20261130:0"."""
    return f"{Prefix.DRILL}:{drill.figure}:{drill.first:%Y%m%d}:{drill.last:%Y%m%d}:{drill.page}"


def decode_drill(data: str) -> DrillPage | None:
    """Return the drill-down page an id carries (the figure unchecked), or None."""
    parts = data.split(":")
    if len(parts) != 5 or parts[0] != Prefix.DRILL or not parts[4].isdecimal():
        return None
    try:
        first, last = (datetime.strptime(p, "%Y%m%d").date() for p in parts[2:4])
    except ValueError:
        return None
    if last < first or int(parts[4]) > MAX_DRILL_PAGE:
        return None
    return DrillPage(parts[1], first, last, int(parts[4]))
