"""Discharge lists: errors that refuse a whole file, errors in rows, and duplicate rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.discharge.model import (
    ROW_ERROR_CODES,
    TABLE_ERROR_CODES,
    RowError,
    error_template_key,
)
from bot.domain.discharge.reader import parse_discharge_table
from bot.domain.tabular import TableError, read_table
from tests.discharge_rows import (
    REQUIRED_HEADER,
    SHANGHAI,
    error_triples,
    minimal,
    only_record,
    parse_rows,
    write,
)

# --- file-level errors --------------------------------------------------------------------


def test_missing_required_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "住院号,姓名,科室,电话\nZY1,张三,心内科,13800138001\n")
    with pytest.raises(TableError) as caught:
        parse_discharge_table(read_table(path), SHANGHAI)
    error = caught.value
    assert error.code == "missing_columns"
    assert error.params["missing_fields"] == ["discharged_at", "consent"]
    assert error.params["missing_zh"] == ["出院时间", "是否同意回访"]
    assert error.params["found"] == ["住院号", "姓名", "科室", "电话"]
    assert "discharged_at" in str(error)


def test_ambiguous_columns(tmp_path: Path) -> None:
    path = write(tmp_path, REQUIRED_HEADER + ",出院日期\n" + minimal() + ",2026-11-18\n")
    with pytest.raises(TableError) as caught:
        parse_discharge_table(read_table(path), SHANGHAI)
    assert caught.value.code == "ambiguous_columns"
    assert caught.value.params["columns"] == ["出院时间", "出院日期"]
    assert caught.value.params["field"] == "discharged_at"


def test_undecodable_bytes_report_offset_and_line(tmp_path: Path) -> None:
    head = (REQUIRED_HEADER + "\n" + minimal() + "\n").encode("utf-8")
    data = head + b"ZY2,\x80\x80,x,2026-11-18,1\n"
    path = tmp_path / "bad.csv"
    path.write_bytes(data)
    with pytest.raises(TableError) as caught:
        read_table(path)
    error = caught.value
    assert error.code == "bad_encoding"
    assert error.params == {"file": "bad.csv", "offset": len(head) + 4, "line": 3}
    assert "UTF-8 or GBK" in str(error)
    assert "bad.csv" in str(error)


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("old.xls", b"\xd0\xcf\x11\xe0", "unreadable_file"),
        ("page.xls", b"<html><table><tr><td>1</td></tr></table>", "unreadable_file"),
        ("list.pdf", b"%PDF-1.4", "unsupported_format"),
        ("noext", b"a,b", "unsupported_format"),
        ("broken.xlsx", b"not a zip file", "unreadable_file"),
        ("empty.csv", b"\n\n , \n", "empty_file"),
        ("dup.csv", "住院号,姓名,姓名\nZY1,a,b\n".encode(), "duplicate_headers"),
        ("huge.csv", b"a,b\n1," + b"x" * 200_000 + b"\n", "unreadable_file"),
    ],
)
def test_file_level_errors(tmp_path: Path, name: str, content: bytes, code: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(TableError) as caught:
        read_table(path)
    assert caught.value.code == code
    assert caught.value.params["file"] == name


def test_xls_message_says_to_save_as_xlsx_or_csv(tmp_path: Path) -> None:
    path = tmp_path / "名单.XLS"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(TableError, match=r"\.xlsx or CSV"):
        read_table(path)


def test_duplicate_headers_names_them(tmp_path: Path) -> None:
    with pytest.raises(TableError) as caught:
        read_table(write(tmp_path, "住院号,姓名, 姓名 ,科室,科室\n"))
    assert caught.value.params["headers"] == ["姓名", "科室"]


def test_error_code_tables() -> None:
    assert set(ROW_ERROR_CODES).isdisjoint(TABLE_ERROR_CODES)
    assert len(set(ROW_ERROR_CODES)) == len(ROW_ERROR_CODES) == 11
    assert len(set(TABLE_ERROR_CODES)) == len(TABLE_ERROR_CODES) == 7
    assert error_template_key("bad_date") == "import/bad_date"


# --- row errors ---------------------------------------------------------------------------

ALL_COLUMNS = REQUIRED_HEADER + ",性别,年龄,联系电话,入院时间,备注"


@pytest.mark.parametrize(
    ("column", "cells", "code", "value"),
    [
        ("姓名", ["ZY1", "", "心内科", "2026-11-18", "是", "", "", "", "", ""], "required", ""),
        (
            "住院号",
            ["  ", "张三", "心内科", "2026-11-18", "是", "", "", "", "", ""],
            "required",
            "",
        ),
        ("出院时间", ["ZY1", "张三", "心内科", "", "是", "", "", "", "", ""], "required", ""),
        (
            "是否同意回访",
            ["ZY1", "张三", "心内科", "2026-11-18", "", "", "", "", "", ""],
            "required",
            "",
        ),
        (
            "出院时间",
            ["ZY1", "张三", "心内科", "2026-13-45", "是", "", "", "", "", ""],
            "bad_date",
            "2026-13-45",
        ),
        (
            "是否同意回访",
            ["ZY1", "张三", "心内科", "2026-11-18", "待定", "", "", "", "", ""],
            "bad_consent",
            "待定",
        ),
        (
            "性别",
            ["ZY1", "张三", "心内科", "2026-11-18", "是", "未知", "", "", "", ""],
            "bad_sex",
            "未知",
        ),
        (
            "年龄",
            ["ZY1", "张三", "心内科", "2026-11-18", "是", "", "151", "", "", ""],
            "bad_age",
            "151",
        ),
        (
            "年龄",
            ["ZY1", "张三", "心内科", "2026-11-18", "是", "", "四十", "", "", ""],
            "bad_age",
            "四十",
        ),
        (
            "年龄",
            ["ZY1", "张三", "心内科", "2026-11-18", "是", "", "45.5", "", "", ""],
            "bad_age",
            "45.5",
        ),
        (
            "联系电话",
            ["ZY1", "张三", "心内科", "2026-11-18", "是", "", "", "123456", "", ""],
            "bad_phone",
            "123456",
        ),
        (
            "联系电话",
            ["ZY1", "张三", "心内科", "2026-11-18", "是", "", "", "1380013800112345", "", ""],
            "bad_phone",
            "1380013800112345",
        ),
        (
            "联系电话",
            ["ZY1", "张三", "心内科", "2026-11-18", "是", "", "", "138001380x", "", ""],
            "bad_phone",
            "138001380x",
        ),
        (
            "入院时间",
            ["ZY1", "张三", "心内科", "2026-11-18", "是", "", "", "", "2026-11-19", ""],
            "admitted_after_discharge",
            "2026-11-19",
        ),
        (
            "入院时间",
            ["ZY1", "张三", "心内科", "2026-11-18 10:00", "是", "", "", "", "2026-11-18 10:01", ""],
            "admitted_after_discharge",
            "2026-11-18 10:01",
        ),
    ],
)
def test_each_row_error(
    tmp_path: Path, column: str, cells: list[str], code: str, value: str
) -> None:
    parsed = parse_rows(tmp_path, ",".join(cells), header=ALL_COLUMNS)
    assert parsed.records == []
    assert error_triples(parsed) == [(2, column, code)]
    assert parsed.errors[0].value == value


def test_too_long_cell_is_reported_shortened(tmp_path: Path) -> None:
    parsed = parse_rows(tmp_path, minimal() + "," + "很" * 2001, header=REQUIRED_HEADER + ",备注")
    assert error_triples(parsed) == [(2, "备注", "too_long")]
    error = parsed.errors[0]
    assert error.value == "很" * 39 + "…"
    assert error.params == {"limit": 2000, "length": 2001}


def test_cell_of_exactly_2000_chars_is_accepted(tmp_path: Path) -> None:
    parsed = parse_rows(tmp_path, minimal() + "," + "很" * 2000, header=REQUIRED_HEADER + ",备注")
    assert only_record(parsed).notes == "很" * 2000


def test_errors_are_collected_across_rows_in_line_and_column_order(tmp_path: Path) -> None:
    parsed = parse_rows(
        tmp_path,
        "ZY1,,心内科,yesterday,是,女,200",
        minimal(no="ZY2"),
        "ZY3,王五,心内科,2026-11-18,maybe,X,30",
        header=REQUIRED_HEADER + ",性别,年龄",
    )
    assert [r.hospital_no for r in parsed.records] == ["ZY2"]
    assert error_triples(parsed) == [
        (2, "姓名", "required"),
        (2, "出院时间", "bad_date"),
        (2, "年龄", "bad_age"),
        (4, "是否同意回访", "bad_consent"),
        (4, "性别", "bad_sex"),
    ]


def test_row_error_str_is_plain_english() -> None:
    error = RowError(line=7, column="出院时间", code="bad_date", value="2026-13-45")
    assert str(error) == "line 7, column 出院时间: date not understood (2026-13-45)"
    duplicate = RowError(9, "住院号", "duplicate_row", "ZY1", {"first_line": 3})
    assert "line 3" in str(duplicate)
    assert duplicate.template_vars() == {
        "line": 9,
        "column": "住院号",
        "value": "ZY1",
        "first_line": 3,
    }


# --- duplicates ---------------------------------------------------------------------------


def test_identical_duplicate_row_is_dropped_and_counted(tmp_path: Path) -> None:
    parsed = parse_rows(tmp_path, minimal(), minimal(no="ZY2"), minimal())
    assert [(r.line, r.hospital_no) for r in parsed.records] == [(2, "ZY1"), (3, "ZY2")]
    assert parsed.duplicates == 1
    assert parsed.errors == []
    assert parsed.rows_read == 3


def test_same_instant_written_differently_is_still_identical(tmp_path: Path) -> None:
    parsed = parse_rows(tmp_path, minimal("2026-11-18 10:30"), minimal("2026年11月18日10时30分"))
    assert len(parsed.records) == 1
    assert parsed.duplicates == 1


def test_conflicting_duplicate_row_is_an_error(tmp_path: Path) -> None:
    parsed = parse_rows(tmp_path, minimal(), minimal(no="ZY2"), minimal(consent="否"))
    assert [r.line for r in parsed.records] == [2, 3]
    assert parsed.duplicates == 0
    assert error_triples(parsed) == [(4, "住院号", "duplicate_row")]
    assert parsed.errors[0].params == {"first_line": 2}
    assert parsed.errors[0].value == "ZY1"


def test_same_patient_with_another_discharge_is_not_a_duplicate(tmp_path: Path) -> None:
    parsed = parse_rows(tmp_path, minimal("2026-11-18"), minimal("2026-10-01"))
    assert len(parsed.records) == 2
    assert parsed.errors == []
