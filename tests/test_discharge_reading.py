"""Reading discharge lists: CSV in every encoding and delimiter, and XLSX sheets."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.domain.discharge.model import DischargeRecord
from bot.domain.discharge.reader import parse_discharge_table
from bot.domain.tabular import SourceRow, read_table
from tests.discharge_rows import (
    REQUIRED_HEADER,
    SHANGHAI,
    error_triples,
    minimal,
    only_record,
    parse_rows,
    parse_text,
    utc,
    write,
)

FULL_HEADER = (
    "住院号,姓名,性别,年龄,出生日期,联系电话,出院科室,病区,主管医生,责任护士,出院诊断,"
    "入院时间,出院时间,出院情况,是否同意回访,随访计划,复诊日期,出院带药,特殊标记,备注"
)
FULL_ROW = (
    "ZY2026110001,王建国,男,67,1959-03-14,138 0013 8001,心内科,心内一病区,李明华,张丽,"
    "冠心病,2026-11-10 09:20,2026-11-18 10:30,好转,是,心内科标准随访,2026-12-02,"
    '"阿司匹林肠溶片 100mg qd 30天; 美托洛尔 25mg bid",慢病,请下午联系'
)


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
