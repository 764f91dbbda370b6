"""Reading discharge lists (CSV/XLSX) and validating their rows into records."""

from __future__ import annotations

import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook
from openpyxl.utils.datetime import from_excel

from bot.domain.discharge.model import (
    ROW_ERROR_CODES,
    TABLE_ERROR_CODES,
    DischargeRecord,
    ExclusionReason,
    ParsedList,
    RowError,
    error_template_key,
)
from bot.domain.discharge.reader import parse_discharge_table
from bot.domain.tabular import SourceRow, Table, TableError, read_table

SHANGHAI = ZoneInfo("Asia/Shanghai")
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "discharge_sample.csv"
REQUIRED_HEADER = "住院号,姓名,科室,出院时间,是否同意回访"
FULL_HEADER = (
    "住院号,姓名,性别,年龄,出生日期,联系电话,出院科室,病区,主管医生,责任护士,出院诊断,"
    "入院时间,出院时间,出院情况,是否同意回访,随访计划,复诊日期,出院带药,特殊标记,备注"
)
FULL_ROW = (
    "ZY2026110001,王建国,男,67,1959-03-14,138 0013 8001,心内科,心内一病区,李明华,张丽,"
    "冠心病,2026-11-10 09:20,2026-11-18 10:30,好转,是,心内科标准随访,2026-12-02,"
    '"阿司匹林肠溶片 100mg qd 30天; 美托洛尔 25mg bid",慢病,请下午联系'
)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, sec: int = 0) -> datetime:
    """Build a UTC datetime."""
    return datetime(year, month, day, hour, minute, sec, tzinfo=UTC)


def write(tmp_path: Path, text: str, name: str = "list.csv", encoding: str = "utf-8") -> Path:
    """Write text to a file in tmp_path and return its path."""
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def parse_text(tmp_path: Path, text: str, tz: ZoneInfo = SHANGHAI) -> ParsedList:
    """Write a UTF-8 CSV and parse it."""
    return parse_discharge_table(read_table(write(tmp_path, text)), tz)


def parse_rows(tmp_path: Path, *rows: str, header: str = REQUIRED_HEADER) -> ParsedList:
    """Parse a CSV made of a header and rows."""
    return parse_text(tmp_path, "\n".join([header, *rows]) + "\n")


def only_record(parsed: ParsedList) -> DischargeRecord:
    """Return the single record of an error-free list."""
    assert parsed.errors == []
    assert len(parsed.records) == 1
    return parsed.records[0]


def error_triples(parsed: ParsedList) -> list[tuple[int, str, str]]:
    """Return (line, column, code) for each error."""
    return [(e.line, e.column, e.code) for e in parsed.errors]


def minimal(discharged: str = "2026-11-18 10:30", consent: str = "是", no: str = "ZY1") -> str:
    """Build a row for REQUIRED_HEADER."""
    return f"{no},王建国,心内科,{discharged},{consent}"


EXTRA_HEADER = REQUIRED_HEADER + ",入院时间,出院情况,特殊标记"


def extra(admitted: str = "", condition: str = "", flags: str = "", consent: str = "是") -> str:
    """Build a row for EXTRA_HEADER."""
    return f"ZY1,王建国,心内科,2026-11-18 10:30,{consent},{admitted},{condition},{flags}"


# --- reading files -----------------------------------------------------------------------


def test_full_chinese_row_becomes_a_complete_record(tmp_path: Path) -> None:
    parsed = parse_rows(tmp_path, FULL_ROW, header=FULL_HEADER)
    assert parsed.rows_read == 1
    assert parsed.unknown_headers == []
    assert parsed.duplicates == 0
    assert only_record(parsed) == DischargeRecord(
        line=2,
        hospital_no="ZY2026110001",
        name="王建国",
        department="心内科",
        discharged_at=utc(2026, 11, 18, 2, 30),
        consent=True,
        sex="M",
        age=67,
        birth_date=date(1959, 3, 14),
        phone="13800138001",
        ward="心内一病区",
        attending_doctor="李明华",
        nurse="张丽",
        diagnosis="冠心病",
        admitted_at=utc(2026, 11, 10, 1, 20),
        discharge_condition="好转",
        plan="心内科标准随访",
        revisit_at=date(2026, 12, 2),
        medications="阿司匹林肠溶片 100mg qd 30天; 美托洛尔 25mg bid",
        flags="慢病",
        notes="请下午联系",
        exclusion=None,
    )


def test_utf8_with_bom_keeps_first_header_clean(tmp_path: Path) -> None:
    path = write(tmp_path, REQUIRED_HEADER + "\n" + minimal() + "\n", encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    table = read_table(path)
    assert table.headers == ["住院号", "姓名", "科室", "出院时间", "是否同意回访"]
    assert only_record(parse_discharge_table(table, SHANGHAI)).hospital_no == "ZY1"


def test_gbk_file_is_decoded(tmp_path: Path) -> None:
    text = REQUIRED_HEADER + "\nZY1,欧阳秀英,妇科,2026-11-18,同意\n"
    path = write(tmp_path, text, encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    record = only_record(parse_discharge_table(read_table(path), SHANGHAI))
    assert (record.name, record.department, record.consent) == ("欧阳秀英", "妇科", True)


def test_gb18030_only_character_is_decoded(tmp_path: Path) -> None:
    text = REQUIRED_HEADER + "\nZY1,王䶮,妇科,2026-11-18,是\n"
    path = write(tmp_path, text, encoding="gb18030")
    assert only_record(parse_discharge_table(read_table(path), SHANGHAI)).name == "王䶮"


def test_utf16_with_bom_is_decoded(tmp_path: Path) -> None:
    text = REQUIRED_HEADER.replace(",", "\t") + "\nZY1\t张三\t普外科\t2026-11-18\t是\n"
    path = write(tmp_path, text, encoding="utf-16")
    assert only_record(parse_discharge_table(read_table(path), SHANGHAI)).name == "张三"


def test_english_headers_in_any_case_and_spacing(tmp_path: Path) -> None:
    header = "Hospital No,NAME,department,Discharged_At,consent,Phone,Gender"
    parsed = parse_rows(
        tmp_path, "A-17,Li Lei,Cardiology,2026-11-18,yes,+86 138-0013-8001,f", header=header
    )
    record = only_record(parsed)
    assert (record.hospital_no, record.name, record.department) == ("A-17", "Li Lei", "Cardiology")
    assert record.phone == "+8613800138001"
    assert record.sex == "F"


def test_full_width_header_is_recognised(tmp_path: Path) -> None:
    header = "住院号,姓名,科室,出院时间,是否同意回访,Ｐｈｏｎｅ"
    parsed = parse_rows(tmp_path, minimal() + ",13800138001", header=header)
    assert parsed.unknown_headers == []
    assert only_record(parsed).phone == "13800138001"


@pytest.mark.parametrize("delimiter", ["\t", ";"])
def test_tab_and_semicolon_delimiters(tmp_path: Path, delimiter: str) -> None:
    header = REQUIRED_HEADER.replace(",", delimiter) + delimiter + "出院带药"
    row = delimiter.join(["ZY1", "张三", "普外科", "2026-11-18", "是", "药 a, b"])
    record = only_record(parse_rows(tmp_path, row, header=header))
    assert (record.department, record.medications) == ("普外科", "药 a, b")


def test_unknown_headers_and_blank_rows(tmp_path: Path) -> None:
    text = REQUIRED_HEADER + ",床号,医保类型\n\n" + minimal() + ",12,职工\n,,,,,,\n\n"
    parsed = parse_text(tmp_path, text)
    assert parsed.unknown_headers == ["床号", "医保类型"]
    assert parsed.rows_read == 1
    assert only_record(parsed).line == 3


def test_empty_header_cells_are_ignored(tmp_path: Path) -> None:
    table = read_table(write(tmp_path, "住院号,,姓名, \nZY1,ignored,张三,x\n"))
    assert table.headers == ["住院号", "姓名"]
    assert table.rows == [SourceRow(2, {"住院号": "ZY1", "姓名": "张三"})]


def test_multiline_quoted_cells_keep_start_lines(tmp_path: Path) -> None:
    header = REQUIRED_HEADER + ",备注"
    text = (
        f"{header}\n"
        f'{minimal(no="ZY1")},"第一行\n第二行\n第三行"\n'
        f'{minimal(no="ZY2")},"a\r\nb"\n'
        f"{minimal(no='ZY3', consent='也许')},\n"
    )
    parsed = parse_text(tmp_path, text)
    assert [(r.line, r.hospital_no) for r in parsed.records] == [(2, "ZY1"), (5, "ZY2")]
    assert parsed.records[0].notes == "第一行\n第二行\n第三行"
    assert error_triples(parsed) == [(7, "是否同意回访", "bad_consent")]


def test_formula_like_csv_cell_is_kept_as_text(tmp_path: Path) -> None:
    parsed = parse_rows(
        tmp_path, minimal() + ',"=HYPERLINK(""x"")"', header=REQUIRED_HEADER + ",备注"
    )
    assert only_record(parsed).notes == '=HYPERLINK("x")'


def xlsx(tmp_path: Path, rows: list[list[object]], name: str = "list.xlsx") -> Path:
    """Write rows into the first sheet of a new workbook."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def test_xlsx_with_datetime_cells_and_excel_serials(tmp_path: Path) -> None:
    header: list[object] = ["住院号", "姓名", "科室", "入院时间", "出院时间", "是否同意回访"]
    header += ["联系电话", "年龄"]
    path = xlsx(
        tmp_path,
        [
            header,
            [
                123456.0,
                "张三",
                "普外科",
                datetime(2026, 11, 10, 9, 20),
                datetime(2026, 11, 18, 8, 30),
                "是",
                13800138001,
                45,
            ],
            [None, None, None, None, None, None, None, None],
            ["ZY2", "李四", "妇科", 46340, 46348.3541666667, 1, "13800138002", 30.0],
        ],
    )
    table = read_table(path)
    assert table.headers == header
    assert [row.line for row in table.rows] == [2, 4]
    assert isinstance(table.rows[0].values["出院时间"], datetime)
    parsed = parse_discharge_table(table, SHANGHAI)
    assert parsed.errors == []
    first, second = parsed.records
    assert (first.hospital_no, first.phone, first.age) == ("123456", "13800138001", 45)
    assert first.discharged_at == utc(2026, 11, 18, 0, 30)
    assert first.admitted_at == utc(2026, 11, 10, 1, 20)
    assert (second.line, second.hospital_no, second.consent, second.age) == (4, "ZY2", True, 30)
    assert second.discharged_at == utc(2026, 11, 22, 0, 30)
    assert second.admitted_at == utc(
        2026, 11, 13, 16, 0
    )  # serial 46340 = 2026-11-14 local midnight


def test_xlsx_errors_report_sheet_row_numbers(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path,
        [
            [],
            ["住院号", "姓名", "科室", "出院时间", "是否同意回访"],
            ["ZY1", "张三", "普外科", "not a date", "是"],
        ],
    )
    parsed = parse_discharge_table(read_table(path), SHANGHAI)
    assert error_triples(parsed) == [(3, "出院时间", "bad_date")]
    assert parsed.errors[0].value == "not a date"


def test_xlsx_with_a_wrong_dimension_tag_is_read_completely(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path,
        [
            ["住院号", "姓名", "科室", "出院时间", "是否同意回访"],
            ["ZY1", "张三", "外科", "2026-11-18", "是"],
        ],
    )
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    assert '<dimension ref="A1:E2" />' in sheet
    parts["xl/worksheets/sheet1.xml"] = sheet.replace('ref="A1:E2"', 'ref="A1"').encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    table = read_table(path)
    assert table.headers == ["住院号", "姓名", "科室", "出院时间", "是否同意回访"]
    assert [row.line for row in table.rows] == [2]


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
        ("old.xls", b"\xd0\xcf\x11\xe0", "xls_not_supported"),
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
    assert len(set(ROW_ERROR_CODES)) == len(ROW_ERROR_CODES) == 10
    assert len(set(TABLE_ERROR_CODES)) == len(TABLE_ERROR_CODES) == 8
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
