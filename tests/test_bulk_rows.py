"""The report's long sheets: rows written as XML into the saved workbook read back as written."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook, load_workbook

from bot.services.bulk_rows import BulkRows


def _saved(rows: list[list[object]], zone: ZoneInfo | None = None) -> Workbook:
    book = Workbook()
    sheet = book.create_sheet("答复")
    sheet.append(["姓名", "答复", "分数", "时间", "复诊日"])
    sheet.freeze_panes = "A2"
    bulk = BulkRows(book)
    bulk.add(sheet, rows, zone)
    return load_workbook(io.BytesIO(bulk.save()))


def test_rows_read_back_with_their_types_after_the_header() -> None:
    moment = datetime(2026, 11, 3, 9, 30, 15)
    read = _saved([["张三", "满意", 9, moment, date(2026, 12, 1)], ["李四", None, 0.5, None]])
    sheet = read["答复"]
    assert [c.value for c in sheet[1]] == ["姓名", "答复", "分数", "时间", "复诊日"]
    assert [c.value for c in sheet[2]] == ["张三", "满意", 9, moment, datetime(2026, 12, 1)]
    assert sheet["D2"].is_date and sheet["E2"].is_date
    assert [c.value for c in sheet[3]][:3] == ["李四", None, 0.5]
    assert sheet.max_row == 3 and sheet.freeze_panes == "A2"


def test_typed_text_stays_text_whatever_it_holds() -> None:
    typed = ["=1+1", "夜里\x0b太吵\x0c\u202e<b>&amp;", "  前后空格 ", "一\r\n二"]
    read = _saved([[text] for text in typed])
    values = [row[0].value for row in read["答复"].iter_rows(min_row=2)]
    assert values == ["=1+1", "夜里太吵\u202e<b>&amp;", "  前后空格 ", "一\r\n二"]
    assert read["答复"]["A2"].data_type == "s"  # never a formula


def test_moments_are_written_in_the_sheets_local_time() -> None:
    at = datetime(2026, 11, 30, 17, 5, tzinfo=UTC)  # 1 December, 01:05 in Shanghai
    read = _saved([["张三", "满意", 9, at]], ZoneInfo("Asia/Shanghai"))
    assert read["答复"]["D2"].value == datetime(2026, 12, 1, 1, 5)
