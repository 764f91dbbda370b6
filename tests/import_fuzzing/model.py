"""The model of a valid discharge list, its broken variants and their Hypothesis strategies."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from bot.domain.discharge.headers import ALIAS_INDEX, FIELD_ALIASES, REQUIRED_FIELDS, header_key
from bot.domain.tabular import AMBIGUOUS_COLUMNS, DUPLICATE_HEADERS, MISSING_COLUMNS

ZONE = ZoneInfo("Asia/Shanghai")
ENCODINGS = ("utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16")
CJK = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡小明华丽"
FORMULAS = (
    "=1+1",
    '=HYPERLINK("http://example.com/x","点击")',
    "=cmd|' /C calc'!A0",
    "+1",
    "-1+2",
    "@SUM(A1:A2)",
)
TRICKY_TEXT = (*FORMULAS, "<b>粗</b>", "a & b", '"引号"', "逗号,分号;制表\t符", "多\n行", "😀")
DEPARTMENTS = ("心内科", "呼吸科", "普外科", "妇科", "Cardiology")
FLAGS = ("", "纠纷", "欠费", "清理出院", "死亡", "VIP")
HUGE = ("长" * 2001, "x" * 100_000)
UNKNOWN_HEADERS = ("备用", "extra", "Ｘ列", "=1+1", "<b>", "说明 2")


# ---------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class Moment:
    """A local wall-clock time; `timed` says whether the cell carries the time."""

    local: datetime
    timed: bool

    @property
    def utc(self) -> datetime:
        return self.local.replace(tzinfo=ZONE).astimezone(UTC)


@dataclass(frozen=True)
class Patient:
    """One valid row of a discharge list, as values before rendering."""

    number: int
    numeric: bool
    name: str
    department: str
    discharged: Moment
    consent: bool
    admitted: Moment | None = None
    sex: str | None = None
    age: int | None = None
    phone: str | None = None
    notes: str | None = None
    flags: str | None = None

    @property
    def hospital_no(self) -> str:
        return str(100000 + self.number) if self.numeric else f"ZY{self.number}"


@dataclass(frozen=True)
class Fault:
    """A broken cell in a row: which field and what is written there instead."""

    field: str
    value: object


@dataclass(frozen=True)
class Line:
    """A row as written: the patient, a fault or none, and how it is rendered."""

    patient: Patient
    fault: Fault | None
    style: int  # seeds the choice among equivalent written forms
    blank_before: int = 0
    trailing: tuple[str, ...] = ()


@dataclass
class ListFile:
    """A generated discharge list: its columns, lines and the way it is stored."""

    columns: list[tuple[str, str | None]]  # (header as written, field or None for unknown)
    lines: list[Line]
    encoding: str = "utf-8"
    delimiter: str = ","
    terminator: str = "\n"
    header_fault: str | None = None
    written_lines: list[int] = field(default_factory=list)


def _moment(day: date, minute: int, timed: bool) -> Moment:
    return Moment(datetime.combine(day, time(0)) + timedelta(minutes=minute * timed), timed)


# Local times from whole days to minutes, after Shanghai's last summer time (1991).
MOMENTS = st.builds(
    _moment, st.dates(date(1995, 1, 1), date(2099, 12, 31)), st.integers(0, 1439), st.booleans()
)
NAMES = st.text(CJK + "abcXYZ ·Ａ", min_size=1, max_size=6).filter(str.strip).map(str.strip)
STAYS = st.none() | st.tuples(st.integers(1, 90), st.integers(0, 600), st.booleans())


def _patient(number: int, numeric: bool, discharged: Moment, **values: Any) -> Patient:
    stay = values.pop("stay")
    admitted = None
    if stay is not None:
        days, minutes, timed = stay
        back = discharged.local - timedelta(days=days, minutes=minutes * timed)
        admitted = Moment(back if timed else datetime.combine(back.date(), time(0)), timed)
    return Patient(number, numeric, discharged=discharged, admitted=admitted, **values)


def patients(number: int) -> st.SearchStrategy[Patient]:
    return st.builds(
        _patient,
        st.just(number),
        st.booleans(),
        MOMENTS,
        stay=STAYS,
        name=NAMES,
        department=st.sampled_from(DEPARTMENTS),
        consent=st.booleans(),
        sex=st.none() | st.sampled_from(("M", "F")),
        age=st.none() | st.integers(0, 150),
        phone=st.none() | st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
        notes=st.none() | st.sampled_from(TRICKY_TEXT) | NAMES,
        flags=st.sampled_from(FLAGS),
    )


BAD_VALUES: dict[str, tuple[object, ...]] = {
    "discharged_at": (
        "2026-13-01",
        "2026-02-30",
        "20261340",
        "yesterday",
        "=TODAY()",
        "=1+1",
        "1899-01-01",
        "2101-01-01",
        "0",
        "99999999999",
        "2026-11-22T25:00",
        "2026-11-22 08:30+25:00",
        "",
        *HUGE,
    ),
    "consent": ("maybe", "=TRUE()", "是的", "2", "", "<b>是</b>"),
    "name": ("", "   ", *HUGE),
    "hospital_no": ("", "\u200b" * 3000),
    "department": ("",),
    "phone": ("123", '=HYPERLINK("tel:1","x")', "1" * 16, "１３８"),
    "age": ("151", "-1", "abc", "=1+1", "1e3"),
    "sex": ("x", "unknown", "=A1"),
    "admitted_at": ("after",),  # admitted two days after the discharge
}
FAULTS = st.one_of(
    [st.builds(Fault, st.just(name), st.sampled_from(bad)) for name, bad in BAD_VALUES.items()]
)
SOMETIMES_FAULTY = st.integers(0, 7).flatmap(lambda n: FAULTS if n == 0 else st.none())
COPIES = st.lists(
    st.tuples(
        st.integers(0, 1_000_000),
        st.integers(0, 2),
        st.lists(st.sampled_from(TRICKY_TEXT), max_size=2).map(tuple),
    ),
    min_size=1,
    max_size=3,
)
PATIENTS = {number: patients(number) for number in range(1, 7)}
PEOPLE = st.lists(st.sampled_from(sorted(PATIENTS)).flatmap(PATIENTS.__getitem__), max_size=8)


@st.composite
def list_files(draw: st.DrawFn, *, allow_faults: bool = True) -> ListFile:
    people = {(p.hospital_no, p.discharged.utc): p for p in draw(PEOPLE)}.values()
    lines: list[Line] = []
    for person in people:
        fault = draw(SOMETIMES_FAULTY) if allow_faults else None
        # exact duplicates, written differently
        lines += [Line(person, fault, *copy) for copy in draw(COPIES)]
    columns, header_fault = draw(COLUMNS)
    return ListFile(
        columns=columns,
        lines=draw(st.permutations(lines)),
        encoding=draw(st.sampled_from(ENCODINGS)),
        delimiter=draw(st.sampled_from((",", "\t", ";"))),
        terminator=draw(st.sampled_from(("\n", "\r\n"))),
        header_fault=header_fault if allow_faults else None,
    )


OPTIONAL_COLUMNS = ("admitted_at", "sex", "age", "phone", "notes", "flags")


@st.composite
def _columns(draw: st.DrawFn) -> tuple[list[tuple[str, str | None]], str | None]:
    """Headers in any alias and spelling, shuffled, with unknown and blank columns."""
    fields = [*REQUIRED_FIELDS, *draw(st.lists(st.sampled_from(OPTIONAL_COLUMNS), unique=True))]
    columns: list[tuple[str, str | None]] = [(draw(HEADERS[name]), name) for name in fields]
    for unknown in draw(st.lists(st.sampled_from(UNKNOWN_HEADERS), unique=True, max_size=2)):
        columns.append((unknown, None))
    if draw(st.booleans()):
        columns.append(("", None))  # a column without a header is ignored
    fault = draw(HEADER_FAULTS)
    if fault == MISSING_COLUMNS:
        gone = draw(st.sampled_from(REQUIRED_FIELDS))
        columns = [c for c in columns if c[1] != gone]
    elif fault == AMBIGUOUS_COLUMNS:
        name = draw(st.sampled_from(REQUIRED_FIELDS))
        written = next(h for h, f in columns if f == name)
        others = [a for a in (name, *FIELD_ALIASES[name]) if header_key(a) != header_key(written)]
        columns.append((draw(st.sampled_from(others)), name))
    elif fault == DUPLICATE_HEADERS:
        columns.append(draw(st.sampled_from([c for c in columns if c[0]])))
    return draw(st.permutations(columns)), fault


HEADER_FAULTS = st.sampled_from(
    (None,) * 9 + (MISSING_COLUMNS, AMBIGUOUS_COLUMNS, DUPLICATE_HEADERS)
)


@st.composite
def _header(draw: st.DrawFn, name: str) -> str:
    """A header for a field: any alias, in any case, full-width, with decorations."""
    text = draw(st.sampled_from((name, *FIELD_ALIASES[name])))
    style = draw(st.integers(0, 4))
    if style == 1:
        text = text.upper()
    elif style == 2:
        text = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
    elif style == 3:
        text = f"*{text} "
    elif style == 4 and len(text) > 1:
        text = f"{text[0]} {text[1:]}"
    assert ALIAS_INDEX[header_key(text)] == name
    return text


HEADERS = {name: _header(name) for name in FIELD_ALIASES}
COLUMNS = _columns()
