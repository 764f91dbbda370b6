"""Discharge lists: who is excluded, dates and other values as written, the shipped example."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl.utils.datetime import from_excel

from bot.domain.discharge.model import ExclusionReason
from bot.domain.discharge.reader import parse_discharge_table
from bot.domain.tabular import SourceRow, Table, read_table
from tests.discharge_rows import (
    REQUIRED_HEADER,
    SHANGHAI,
    error_triples,
    minimal,
    only_record,
    parse_rows,
    parse_text,
    utc,
)

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "discharge_sample.csv"
EXTRA_HEADER = REQUIRED_HEADER + ",入院时间,出院情况,特殊标记"


def extra(admitted: str = "", condition: str = "", flags: str = "", consent: str = "是") -> str:
    """Build a row for EXTRA_HEADER."""
    return f"ZY1,王建国,心内科,2026-11-18 10:30,{consent},{admitted},{condition},{flags}"


# --- exclusions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (extra(condition="死亡"), ExclusionReason.DECEASED),
        (extra(flags="Deceased"), ExclusionReason.DECEASED),
        (extra(condition="patient died at home"), ExclusionReason.DECEASED),
        (extra(flags="医疗纠纷"), ExclusionReason.DISPUTE),
        (extra(flags="open dispute"), ExclusionReason.DISPUTE),
        (extra(flags="欠费"), ExclusionReason.ARREARS),
        (extra(condition="被清理出院"), ExclusionReason.ARREARS),
        (extra(flags="ARREARS"), ExclusionReason.ARREARS),
        (extra(admitted="2026-11-17 10:31"), ExclusionReason.SHORT_STAY),
        (extra(admitted="2026-11-18"), ExclusionReason.SHORT_STAY),
        (extra(consent="否"), ExclusionReason.NO_CONSENT),
        (extra(consent="不同意"), ExclusionReason.NO_CONSENT),
        (extra(condition="死亡", flags="纠纷", consent="否"), ExclusionReason.DECEASED),
        (extra(flags="纠纷;欠费", admitted="2026-11-18 09:00"), ExclusionReason.DISPUTE),
        (
            extra(condition="欠费", admitted="2026-11-18 09:00", consent="否"),
            ExclusionReason.ARREARS,
        ),
        (extra(admitted="2026-11-18 09:00", consent="否"), ExclusionReason.SHORT_STAY),
        (extra(condition="纠纷"), None),  # a dispute counts only when flagged
        (extra(flags="studied"), None),
        (extra(admitted="2026-11-17 10:30"), None),  # exactly 24 h
        (extra(admitted="2026-11-17"), None),
        (extra(condition="好转", flags="慢病;术后"), None),
    ],
)
def test_exclusions(tmp_path: Path, row: str, expected: ExclusionReason | None) -> None:
    assert only_record(parse_rows(tmp_path, row, header=EXTRA_HEADER)).exclusion == expected


def test_short_stay_compares_local_dates_when_a_time_is_missing(tmp_path: Path) -> None:
    header = REQUIRED_HEADER + ",入院时间"
    same_day = parse_rows(tmp_path, "ZY1,张三,外科,2026-11-18,是,2026-11-18 00:10", header=header)
    assert only_record(same_day).exclusion is ExclusionReason.SHORT_STAY
    next_day = parse_rows(tmp_path, "ZY1,张三,外科,2026-11-18,是,2026-11-17 23:50", header=header)
    assert only_record(next_day).exclusion is None


# --- dates and values ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2026-11-22", utc(2026, 11, 21, 16, 0)),
        ("2026/11/22", utc(2026, 11, 21, 16, 0)),
        ("2026.11.22", utc(2026, 11, 21, 16, 0)),
        ("20261122", utc(2026, 11, 21, 16, 0)),
        ("2026-1-5", utc(2026, 1, 4, 16, 0)),
        ("2026-11-22 08:30", utc(2026, 11, 22, 0, 30)),
        ("2026/11/22 08:30:15", utc(2026, 11, 22, 0, 30, 15)),
        ("2026.11.22 8:30", utc(2026, 11, 22, 0, 30)),
        ("20261122 08:30", utc(2026, 11, 22, 0, 30)),
        ("2026-11-22T08:30:15", utc(2026, 11, 22, 0, 30, 15)),
        ("2026-11-22 08:30:15.000", utc(2026, 11, 22, 0, 30, 15)),
        ("2026-11-22T08:30:00Z", utc(2026, 11, 22, 8, 30)),
        ("2026-11-22 08:30+09:00", utc(2026, 11, 21, 23, 30)),
        ("2026年11月22日", utc(2026, 11, 21, 16, 0)),
        ("2026年11月22日 08:30", utc(2026, 11, 22, 0, 30)),
        ("2026年11月22日8时30分", utc(2026, 11, 22, 0, 30)),
        ("2026年11月22日 8点", utc(2026, 11, 22, 0, 0)),
        ("２０２６－１１－２２　０８：３０", utc(2026, 11, 22, 0, 30)),
        ("２０２６年１１月２２日", utc(2026, 11, 21, 16, 0)),
        ("46348", utc(2026, 11, 21, 16, 0)),
        ("46348.3541666667", utc(2026, 11, 22, 0, 30)),
    ],
)
def test_date_forms(tmp_path: Path, written: str, expected: datetime) -> None:
    record = only_record(parse_rows(tmp_path, minimal(written)))
    assert record.discharged_at == expected
    assert record.discharged_at.tzinfo is UTC


def test_excel_serial_agrees_with_openpyxl() -> None:
    assert from_excel(46348) == datetime(2026, 11, 22)
    assert from_excel(46348.3541666667) == datetime(2026, 11, 22, 8, 30)


@pytest.mark.parametrize(
    "written",
    [
        "2026-02-30",
        "2026-13-01",
        "2026-11-22 25:00",
        "2026-11-22 08:61",
        "1800-01-01",
        "2201-01-01",
        "45",
        "99999",
        "22/11/2026",
        "next week",
        "2026-11",
    ],
)
def test_bad_dates(tmp_path: Path, written: str) -> None:
    parsed = parse_rows(tmp_path, minimal(written))
    assert error_triples(parsed) == [(2, "出院时间", "bad_date")]


def test_timezone_conversion(tmp_path: Path) -> None:
    shanghai = parse_text(tmp_path, REQUIRED_HEADER + "\n" + minimal("2026-11-22 08:30") + "\n")
    assert only_record(shanghai).discharged_at == utc(2026, 11, 22, 0, 30)
    new_york = ZoneInfo("America/New_York")
    summer = parse_text(
        tmp_path, REQUIRED_HEADER + "\n" + minimal("2026-07-01 08:30") + "\n", new_york
    )
    winter = parse_text(
        tmp_path, REQUIRED_HEADER + "\n" + minimal("2026-12-01 08:30") + "\n", new_york
    )
    assert only_record(summer).discharged_at == utc(2026, 7, 1, 12, 30)
    assert only_record(winter).discharged_at == utc(2026, 12, 1, 13, 30)


def test_revisit_and_birth_dates_are_local_calendar_dates(tmp_path: Path) -> None:
    header = REQUIRED_HEADER + ",复诊日期,出生日期"
    record = only_record(
        parse_rows(tmp_path, minimal() + ",2026-12-02 09:00,1959年3月14日", header=header)
    )
    assert (record.revisit_at, record.birth_date) == (date(2026, 12, 2), date(1959, 3, 14))


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("是", True),
        ("同意", True),
        ("YES", True),
        ("y", True),
        ("1", True),
        ("True", True),
        ("否", False),
        ("不同意", False),
        ("No", False),
        ("N", False),
        ("0", False),
        ("false", False),
    ],
)
def test_consent_words(tmp_path: Path, written: str, expected: bool) -> None:
    assert only_record(parse_rows(tmp_path, minimal(consent=written))).consent is expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [("男", "M"), ("女", "F"), ("m", "M"), ("F", "F"), ("Male", "M"), ("FEMALE", "F"), ("", None)],
)
def test_sex_words(tmp_path: Path, written: str, expected: str | None) -> None:
    parsed = parse_rows(tmp_path, minimal() + "," + written, header=REQUIRED_HEADER + ",性别")
    assert only_record(parsed).sex == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("45", 45),
        ("45岁", 45),
        ("４５岁", 45),
        ("0", 0),
        ("150", 150),
        ("8个月", 0),
        ("30个月", 2),
        ("3天", 0),
        ("", None),
    ],
)
def test_ages(tmp_path: Path, written: str, expected: int | None) -> None:
    parsed = parse_rows(tmp_path, minimal() + "," + written, header=REQUIRED_HEADER + ",年龄")
    assert only_record(parsed).age == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("13800138001", "13800138001"),
        ("138-0013-8001", "13800138001"),
        ("(0571) 8888 6666", "057188886666"),
        ("+86 138 0013 8001", "+8613800138001"),
        ("１３８００１３８００１", "13800138001"),
        ("1234567", "1234567"),
        ("", None),
    ],
)
def test_phones(tmp_path: Path, written: str, expected: str | None) -> None:
    parsed = parse_rows(tmp_path, minimal() + "," + written, header=REQUIRED_HEADER + ",联系电话")
    assert only_record(parsed).phone == expected


def test_text_is_nfkc_normalised_and_empty_is_none(tmp_path: Path) -> None:
    parsed = parse_rows(
        tmp_path, "ＺＹ００１, 王建国 ,心内科,2026-11-18,是,  ", header=REQUIRED_HEADER + ",病区"
    )
    record = only_record(parsed)
    assert (record.hospital_no, record.name, record.ward) == ("ZY001", "王建国", None)


def test_parse_accepts_a_table_built_in_memory() -> None:
    table = Table(
        headers=["住院号", "姓名", "科室", "出院时间", "是否同意回访"],
        rows=[
            SourceRow(
                5,
                {
                    "住院号": 42,
                    "姓名": "张三",
                    "科室": "外科",
                    "出院时间": date(2026, 11, 18),
                    "是否同意回访": True,
                },
            )
        ],
    )
    record = only_record(parse_discharge_table(table, SHANGHAI))
    assert (record.line, record.hospital_no, record.consent) == (5, "42", True)
    assert record.discharged_at == utc(2026, 11, 17, 16, 0)


# --- the shipped example and speed ----------------------------------------------------------


def test_example_file_parses_with_expected_exclusions() -> None:
    parsed = parse_discharge_table(read_table(EXAMPLE), SHANGHAI)
    assert parsed.errors == []
    assert parsed.unknown_headers == []
    assert len(parsed.records) == 12
    assert {r.department for r in parsed.records} == {"心内科", "普外科", "妇科"}
    exclusions = {r.hospital_no: r.exclusion for r in parsed.records if r.exclusion}
    assert exclusions == {
        "ZY2026110003": ExclusionReason.NO_CONSENT,
        "ZY2026110004": ExclusionReason.DECEASED,
        "ZY2026110007": ExclusionReason.DISPUTE,
        "ZY2026110008": ExclusionReason.SHORT_STAY,
    }
    assert parsed.records[-1].line == 14  # the row before it has a two-line note
