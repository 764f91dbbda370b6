"""Validate discharge-list rows into follow-up records, collecting every row error."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, timezone
from enum import StrEnum
from typing import NamedTuple, TypeVar
from zoneinfo import ZoneInfo

from bot.domain.languages import LOCALES, listed_language
from bot.domain.tabular import (
    AMBIGUOUS_COLUMNS,
    BAD_ENCODING,
    DUPLICATE_HEADERS,
    EMPTY_FILE,
    MISSING_COLUMNS,
    UNREADABLE_FILE,
    UNSUPPORTED_FORMAT,
    XLS_NOT_SUPPORTED,
    SourceRow,
    Table,
    TableError,
)

_T = TypeVar("_T")

# Field name -> header aliases. The first Chinese alias is the name shown to users.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "hospital_no": ("住院号", "住院号码", "病案号"),
    "name": ("姓名", "患者姓名"),
    "sex": ("性别", "gender"),
    "age": ("年龄",),
    "birth_date": ("出生日期",),
    "phone": ("电话", "联系电话", "手机", "手机号"),
    "department": ("科室", "出院科室"),
    "ward": ("病区",),
    "attending_doctor": ("主管医生", "主治医生"),
    "nurse": ("责任护士",),
    "diagnosis": ("诊断", "出院诊断"),
    "admitted_at": ("入院时间", "入院日期"),
    "discharged_at": ("出院时间", "出院日期"),
    "discharge_condition": ("出院情况",),
    "consent": ("是否同意回访", "同意回访"),
    "plan": ("随访计划",),
    "revisit_at": ("复诊日期", "复诊时间"),
    "treated_on": ("治疗日期", "手术日期"),  # plan steps with anchor: treatment count from it
    "medications": ("出院带药",),
    "flags": ("特殊标记",),
    "notes": ("备注",),
    "language": ("语言", "语种", "首选语言", "沟通语言"),
}
REQUIRED_FIELDS = ("hospital_no", "name", "department", "discharged_at", "consent")
_OPTIONAL_TEXT = ("ward", "attending_doctor", "nurse", "diagnosis", "plan", "medications", "notes")

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
)
TABLE_ERROR_CODES = (
    BAD_ENCODING,
    XLS_NOT_SUPPORTED,
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
}

MAX_CELL_LENGTH = 2000
MAX_VALUE_SHOWN = 40
MIN_YEAR, MAX_YEAR = 1900, 2100
EXCEL_EPOCH = datetime(1899, 12, 30)
EXCEL_SERIAL_MIN, EXCEL_SERIAL_MAX = 61, 73051  # 1900-03-01 .. 2100-01-01 (exclusive)
SECONDS_PER_DAY = 86400
AGE_MIN, AGE_MAX = 0, 150
PHONE_MIN_DIGITS, PHONE_MAX_DIGITS = 7, 15
SHORT_STAY = timedelta(hours=24)

CONSENT_WORDS = {
    "是": True,
    "同意": True,
    "yes": True,
    "y": True,
    "1": True,
    "true": True,
    "否": False,
    "不同意": False,
    "no": False,
    "n": False,
    "0": False,
    "false": False,
}
SEX_WORDS = {"男": "M", "m": "M", "male": "M", "女": "F", "f": "F", "female": "F"}

_TIME = (
    r"(?:(?:\s+|T)(?P<H>[0-9]{1,2}):(?P<M>[0-9]{2})(?::(?P<S>[0-9]{2})(?:\.[0-9]+)?)?"
    r"\s*(?P<tz>Z|[+-][0-9]{2}:?[0-9]{2})?)?"
)
_DASHED_RE = re.compile(
    r"(?P<y>[0-9]{4})[-/.](?P<m>[0-9]{1,2})[-/.](?P<d>[0-9]{1,2})" + _TIME, re.IGNORECASE
)
_COMPACT_RE = re.compile(r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})" + _TIME, re.IGNORECASE)
_CHINESE_RE = re.compile(
    r"(?P<y>[0-9]{4})\s*年\s*(?P<m>[0-9]{1,2})\s*月\s*(?P<d>[0-9]{1,2})\s*[日号]?"
    r"(?:\s*(?P<H>[0-9]{1,2})\s*[:时点]\s*(?:(?P<M>[0-9]{1,2})\s*分?)?"
    r"(?:\s*:?\s*(?P<S>[0-9]{1,2})\s*秒?)?)?"
)
_SERIAL_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_AGE_YEARS_RE = re.compile(r"(?P<n>[0-9]{1,3})(?:\.0+)?\s*(?:岁(?:\s*[0-9]{1,2}\s*个?月)?)?")
_AGE_MONTHS_RE = re.compile(r"(?P<n>[0-9]{1,4})\s*个?月(?:\s*[0-9]{1,2}\s*[天日])?")
_AGE_INFANT_RE = re.compile(r"[0-9]{1,3}\s*(?:天|日|周|小时)")
_PHONE_NOISE_RE = re.compile(r"[\s\-()]+")
_PHONE_RE = re.compile(rf"\+?[0-9]{{{PHONE_MIN_DIGITS},{PHONE_MAX_DIGITS}}}")
_HEADER_NOISE_RE = re.compile(r"[\s_\-*.:]+")
_DECEASED_RE = re.compile(r"死亡|去世|病故|(?<![a-z])(?:deceased|died)(?![a-z])", re.IGNORECASE)
_DISPUTE_RE = re.compile(r"纠纷|(?<![a-z])disputes?(?![a-z])", re.IGNORECASE)
_ARREARS_RE = re.compile(r"欠费|清理出院|(?<![a-z])arrears(?![a-z])", re.IGNORECASE)


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


class _Moment(NamedTuple):
    utc: datetime
    local_date: date
    has_time: bool


class _Invalid(Exception):
    """A cell value that cannot be used; carries the row error code."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def error_template_key(code: str) -> str:
    """Return the message template key for an error code."""
    return f"import/{code}"


def display_name(field_name: str) -> str:
    """Return the Chinese header users are asked to use for a field."""
    return FIELD_ALIASES[field_name][0]


def header_key(header: str) -> str:
    """Normalise a header for alias lookup: NFKC, case-folded, no spaces/underscores."""
    return _HEADER_NOISE_RE.sub("", unicodedata.normalize("NFKC", header).casefold())


def _alias_index() -> dict[str, str]:
    """Map every normalised alias (and field name) to its field."""
    index: dict[str, str] = {}
    for name, aliases in FIELD_ALIASES.items():
        for alias in (name, *aliases):
            index[header_key(alias)] = name
    return index


ALIAS_INDEX = _alias_index()


def parse_discharge_table(table: Table, tz: ZoneInfo) -> ParsedList:
    """Validate every row of a discharge list; naive times are local to `tz`."""
    columns, unknown = _map_headers(table.headers)
    records: list[DischargeRecord] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, datetime], DischargeRecord] = {}
    duplicates = 0
    dates = _DateReader(tz)
    for row in table.rows:
        reader = _RowReader(row, columns, dates)
        record = reader.record()
        errors.extend(reader.errors)
        if record is None:
            continue
        key = (record.hospital_no, record.discharged_at)
        first = seen.get(key)
        if first is None:
            seen[key] = record
            records.append(record)
        elif replace(first, line=0) == replace(record, line=0):
            duplicates += 1
        else:
            errors.append(_duplicate_error(record, first, columns["hospital_no"]))
    position = {header: index for index, header in enumerate(table.headers)}
    errors.sort(key=lambda e: (e.line, position.get(e.column, 0)))
    return ParsedList(records, errors, unknown, len(table.rows), duplicates)


def _map_headers(headers: list[str]) -> tuple[dict[str, str], list[str]]:
    """Return field -> header for known headers and the list of unknown headers."""
    columns: dict[str, str] = {}
    unknown: list[str] = []
    for header in headers:
        name = ALIAS_INDEX.get(header_key(header))
        if name is None:
            unknown.append(header)
        elif name in columns:
            raise TableError.of(
                AMBIGUOUS_COLUMNS,
                field=name,
                field_zh=display_name(name),
                columns=[columns[name], header],
            )
        else:
            columns[name] = header
    missing = [name for name in REQUIRED_FIELDS if name not in columns]
    if missing:
        raise TableError.of(
            MISSING_COLUMNS,
            missing=[f"{display_name(n)} ({n})" for n in missing],
            missing_fields=missing,
            missing_zh=[display_name(n) for n in missing],
            found=list(headers),
        )
    return columns, unknown


def _duplicate_error(record: DischargeRecord, first: DischargeRecord, column: str) -> RowError:
    """Build the error for a row that repeats an earlier patient/discharge with other data."""
    return RowError(
        line=record.line,
        column=column,
        code=DUPLICATE_ROW,
        value=_shorten(record.hospital_no),
        params={"first_line": first.line},
    )


def _shorten(raw: object) -> str:
    """Render a raw cell for an error message, at most MAX_VALUE_SHOWN characters."""
    text = "" if raw is None else str(raw).strip()
    if len(text) > MAX_VALUE_SHOWN:
        return text[: MAX_VALUE_SHOWN - 1] + "…"
    return text


class _RowReader:
    """Converts the cells of one row, recording an error per bad cell."""

    def __init__(self, row: SourceRow, columns: dict[str, str], dates: _DateReader) -> None:
        self.row = row
        self.columns = columns
        self.dates = dates
        self.errors: list[RowError] = []

    def get(self, name: str, convert: Callable[[object], _T | None]) -> _T | None:
        """Convert the cell of field `name`; on a bad or missing required value record it."""
        header = self.columns.get(name)
        if header is None:
            return None
        raw = self.row.values.get(header)
        try:
            value = convert(raw)
        except _Invalid as exc:
            self._error(header, exc.code, raw, exc.params)
            return None
        if value is None and name in REQUIRED_FIELDS:
            self._error(header, REQUIRED, raw, {})
        return value

    def _error(self, header: str, code: str, raw: object, params: dict[str, object]) -> None:
        """Record one cell error."""
        self.errors.append(RowError(self.row.line, header, code, _shorten(raw), params))

    def record(self) -> DischargeRecord | None:
        """Build the record, or None when any cell of the row is invalid."""
        get, dates = self.get, self.dates
        hospital_no, name = get("hospital_no", _text), get("name", _text)
        department, consent = get("department", _text), get("consent", _consent)
        discharged, admitted = get("discharged_at", dates.moment), get("admitted_at", dates.moment)
        condition, flags = get("discharge_condition", _text), get("flags", _text)
        optional = {n: get(n, _text) for n in _OPTIONAL_TEXT}
        sex, age, phone = get("sex", _sex), get("age", _age), get("phone", _phone)
        birth, revisit = get("birth_date", dates.day), get("revisit_at", dates.day)
        language = get("language", _language)
        treated = get("treated_on", dates.day)
        if discharged is not None and admitted is not None:
            self._check_order(admitted, discharged)
        if self.errors or hospital_no is None or name is None or department is None:
            return None
        if discharged is None or consent is None:
            return None
        exclusion = _exclusion(condition, flags, admitted, discharged, consent)
        return DischargeRecord(
            line=self.row.line,
            hospital_no=hospital_no,
            name=name,
            department=department,
            discharged_at=discharged.utc,
            consent=consent,
            sex=sex,
            age=age,
            birth_date=birth,
            phone=phone,
            admitted_at=admitted.utc if admitted else None,
            discharge_condition=condition,
            revisit_at=revisit,
            treated_on=treated,
            flags=flags,
            exclusion=exclusion,
            language=language,
            **optional,
        )

    def _check_order(self, admitted: _Moment, discharged: _Moment) -> None:
        """Record an error when admission comes after discharge."""
        if admitted.has_time and discharged.has_time:
            wrong = admitted.utc > discharged.utc
        else:
            wrong = admitted.local_date > discharged.local_date
        if wrong:
            header = self.columns["admitted_at"]
            self._error(header, ADMITTED_AFTER_DISCHARGE, self.row.values.get(header), {})


def _exclusion(
    condition: str | None,
    flags: str | None,
    admitted: _Moment | None,
    discharged: _Moment,
    consent: bool,
) -> ExclusionReason | None:
    """Return the first reason, by priority, why this patient must not be followed up."""
    both = f"{condition or ''}\n{flags or ''}"
    if _DECEASED_RE.search(both):
        return ExclusionReason.DECEASED
    if flags and _DISPUTE_RE.search(flags):
        return ExclusionReason.DISPUTE
    if _ARREARS_RE.search(both):
        return ExclusionReason.ARREARS
    if admitted is not None and _is_short_stay(admitted, discharged):
        return ExclusionReason.SHORT_STAY
    if not consent:
        return ExclusionReason.NO_CONSENT
    return None


def _is_short_stay(admitted: _Moment, discharged: _Moment) -> bool:
    """Tell whether the stay lasted under 24 h (same local day when a time is missing)."""
    if admitted.has_time and discharged.has_time:
        return discharged.utc - admitted.utc < SHORT_STAY
    return admitted.local_date == discharged.local_date


def _clean(raw: object) -> str:
    """Return the cell as NFKC-normalised, stripped text; refuse over-long cells."""
    if type(raw) is str:
        text = raw.strip() if raw.isascii() else unicodedata.normalize("NFKC", raw).strip()
    elif raw is None:
        return ""
    elif isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))
    else:
        text = unicodedata.normalize("NFKC", str(raw)).strip()
    if len(text) > MAX_CELL_LENGTH:
        raise _Invalid(TOO_LONG, limit=MAX_CELL_LENGTH, length=len(text))
    return text


def _text(raw: object) -> str | None:
    """Convert a free-text cell; empty is None."""
    return _clean(raw) or None


def _consent(raw: object) -> bool | None:
    """Convert a yes/no consent cell."""
    text = _clean(raw).lower()
    if not text:
        return None
    if text not in CONSENT_WORDS:
        raise _Invalid(BAD_CONSENT)
    return CONSENT_WORDS[text]


def _sex(raw: object) -> str | None:
    """Convert a sex cell to "M" or "F"."""
    text = _clean(raw).lower()
    if not text:
        return None
    if text not in SEX_WORDS:
        raise _Invalid(BAD_SEX)
    return SEX_WORDS[text]


def _language(raw: object) -> str | None:
    """Convert a language cell ("中文", "English", "en-US" ...) to a supported locale."""
    text = _clean(raw)
    if not text:
        return None
    locale = listed_language(text)
    if locale is None:
        raise _Invalid(BAD_LANGUAGE, supported=", ".join(LOCALES))
    return locale


def _age(raw: object) -> int | None:
    """Convert an age cell ("45", "45岁", "8个月", "3天") to whole years."""
    text = _clean(raw)
    if not text:
        return None
    if match := _AGE_YEARS_RE.fullmatch(text):
        years = int(match["n"])
    elif match := _AGE_MONTHS_RE.fullmatch(text):
        years = int(match["n"]) // 12
    elif _AGE_INFANT_RE.fullmatch(text):
        years = 0
    else:
        raise _Invalid(BAD_AGE, min=AGE_MIN, max=AGE_MAX)
    if not AGE_MIN <= years <= AGE_MAX:
        raise _Invalid(BAD_AGE, min=AGE_MIN, max=AGE_MAX)
    return years


def _phone(raw: object) -> str | None:
    """Convert a phone cell to digits, keeping a leading +."""
    text = _PHONE_NOISE_RE.sub("", _clean(raw))
    if not text:
        return None
    if not _PHONE_RE.fullmatch(text):
        raise _Invalid(BAD_PHONE, min_digits=PHONE_MIN_DIGITS, max_digits=PHONE_MAX_DIGITS)
    return text


class _DateReader:
    """Converts date/time cells to UTC, remembering text values already seen."""

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz
        self._seen: dict[str, _Moment] = {}

    def day(self, raw: object) -> date | None:
        """Convert a date cell to the local calendar date."""
        moment = self.moment(raw)
        return None if moment is None else moment.local_date

    def moment(self, raw: object) -> _Moment | None:
        """Convert a date/time cell; naive values are local time in `tz`."""
        if type(raw) is str:
            known = self._seen.get(raw)
            if known is None:
                known = self._from_text(raw)
                if known is not None:
                    self._seen[raw] = known
            return known
        if raw is None:
            return None
        if isinstance(raw, datetime):
            return self._localise(raw, raw.time() != time(0))
        if isinstance(raw, date):
            return self._localise(datetime.combine(raw, time(0)), False)
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return self._localise(*_from_serial(raw))  # an int may be too big for a float
        return self._from_text(raw)

    def _from_text(self, raw: object) -> _Moment | None:
        """Convert a written date/time."""
        text = _clean(raw)
        return self._localise(*_parse_text_moment(text)) if text else None

    def _localise(self, value: datetime, has_time: bool) -> _Moment:
        """Attach `tz` to a naive time and return it in UTC with its local date."""
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            raise _Invalid(BAD_DATE)
        if value.tzinfo is None:
            utc = value.replace(tzinfo=self.tz).astimezone(UTC)
            return _Moment(utc, value.date(), has_time)
        return _Moment(value.astimezone(UTC), value.astimezone(self.tz).date(), has_time)


def _parse_text_moment(text: str) -> tuple[datetime, bool]:
    """Parse the written date forms, or an Excel serial number written as text."""
    match = _DASHED_RE.fullmatch(text) or _COMPACT_RE.fullmatch(text)
    match = match or _CHINESE_RE.fullmatch(text)
    if match is None:
        if _SERIAL_RE.fullmatch(text):
            return _from_serial(float(text))
        raise _Invalid(BAD_DATE)
    year, month, day, hour, minute, second = match.group("y", "m", "d", "H", "M", "S")
    try:
        value = datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
        )
    except ValueError as exc:
        raise _Invalid(BAD_DATE) from exc
    offset = None if match.re is _CHINESE_RE else match["tz"]
    if offset:
        value = value.replace(tzinfo=_offset(offset))
    return value, hour is not None


def _offset(text: str) -> timezone:
    """Turn "Z", "+08:00" or "+0800" into a fixed UTC offset."""
    if text.upper() == "Z":
        return UTC
    digits = text[1:].replace(":", "")
    delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    if delta >= timedelta(hours=24):
        raise _Invalid(BAD_DATE)
    return timezone(-delta if text[0] == "-" else delta)


def _from_serial(serial: float) -> tuple[datetime, bool]:
    """Convert an Excel serial day number (1900 system) to a naive datetime."""
    if not EXCEL_SERIAL_MIN <= serial < EXCEL_SERIAL_MAX:
        raise _Invalid(BAD_DATE)
    days = int(serial)
    seconds = round((serial - days) * SECONDS_PER_DAY)
    return EXCEL_EPOCH + timedelta(days=days, seconds=seconds), seconds != 0
