"""Discharge-list records, row errors and the reasons a patient is not followed up."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from bot.domain.reach import PreferredChannel
from bot.domain.tabular import (
    AMBIGUOUS_COLUMNS,
    BAD_ENCODING,
    DUPLICATE_HEADERS,
    EMPTY_FILE,
    MISSING_COLUMNS,
    UNREADABLE_FILE,
    UNSUPPORTED_FORMAT,
)

REQUIRED = "required"
TOO_LONG = "too_long"
BAD_DATE = "bad_date"
BAD_CONSENT = "bad_consent"
BAD_SEX = "bad_sex"
BAD_AGE = "bad_age"
BAD_PHONE = "bad_phone"
DUPLICATE_ROW = "duplicate_row"
ADMITTED_AFTER_DISCHARGE = "admitted_after_discharge"
BAD_LANGUAGE = "bad_language"
BAD_PREFERRED_CHANNEL = "bad_preferred_channel"

ROW_ERROR_CODES = (
    REQUIRED,
    TOO_LONG,
    BAD_DATE,
    BAD_CONSENT,
    BAD_SEX,
    BAD_AGE,
    BAD_PHONE,
    DUPLICATE_ROW,
    ADMITTED_AFTER_DISCHARGE,
    BAD_LANGUAGE,
    BAD_PREFERRED_CHANNEL,
)
TABLE_ERROR_CODES = (
    BAD_ENCODING,
    UNSUPPORTED_FORMAT,
    UNREADABLE_FILE,
    EMPTY_FILE,
    DUPLICATE_HEADERS,
    MISSING_COLUMNS,
    AMBIGUOUS_COLUMNS,
)

_ROW_MESSAGES = {
    REQUIRED: "a value is required",
    TOO_LONG: "value is longer than {limit} characters",
    BAD_DATE: "date not understood",
    BAD_CONSENT: "consent must be yes or no",
    BAD_SEX: "sex must be male or female",
    BAD_AGE: "age must be a whole number from {min} to {max}",
    BAD_PHONE: "phone number must have {min_digits} to {max_digits} digits",
    DUPLICATE_ROW: "same patient and discharge time as line {first_line}, but different data",
    ADMITTED_AFTER_DISCHARGE: "admission time is after the discharge time",
    BAD_LANGUAGE: "language not supported; use one of {supported}, or leave it empty",
    BAD_PREFERRED_CHANNEL: "way of follow-up not known; use one of {allowed}, or leave it empty",
}


class ExclusionReason(StrEnum):
    DECEASED = "deceased"
    DISPUTE = "dispute"
    ARREARS = "arrears"
    SHORT_STAY = "short_stay"
    NO_CONSENT = "no_consent"
    EXCLUDED_DEPARTMENT = "excluded_department"  # by the office's rule (messages/exclusions.yaml)
    EXCLUDED_DIAGNOSIS = "excluded_diagnosis"


@dataclass(frozen=True)
class DischargeRecord:
    line: int
    hospital_no: str
    name: str
    department: str
    discharged_at: datetime
    consent: bool
    sex: str | None = None
    age: int | None = None
    birth_date: date | None = None
    phone: str | None = None
    ward: str | None = None
    attending_doctor: str | None = None
    nurse: str | None = None
    diagnosis: str | None = None
    admitted_at: datetime | None = None
    discharge_condition: str | None = None
    plan: str | None = None
    revisit_at: date | None = None
    treated_on: date | None = None
    medications: str | None = None
    flags: str | None = None
    notes: str | None = None
    exclusion: ExclusionReason | None = None
    language: str | None = None  # a supported locale; None = the hospital's language
    preferred_channel: PreferredChannel | None = None  # 回访方式; None = no preference


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    code: str
    value: str
    params: dict[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        """Describe the error in plain English with its line and column."""
        text = f"line {self.line}, column {self.column}: "
        text += _ROW_MESSAGES[self.code].format(**self.params)
        return f"{text} ({self.value})" if self.value else text

    def template_vars(self) -> dict[str, object]:
        """Return the variables for rendering `import/<code>`."""
        return {"line": self.line, "column": self.column, "value": self.value, **self.params}


@dataclass(frozen=True)
class ParsedList:
    records: list[DischargeRecord]
    errors: list[RowError]
    unknown_headers: list[str]
    rows_read: int
    duplicates: int = 0


def error_template_key(code: str) -> str:
    """Return the message template key for an error code."""
    return f"import/{code}"
