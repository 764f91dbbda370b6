"""`followup export`: the file's ending picks the format, answers in words, codes for analysts."""

from __future__ import annotations

import asyncio
import csv
import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from bot.cli import app
from bot.demo.harness import BotHarness
from bot.storage.surveys import NewSession
from tests.code_cohort import build_code_cohort
from tests.harness import START, make_settings
from tests.stats_cohort import build_cohort, cohort_database
from tests.test_no_raw_codes import leaks

runner = CliRunner()
NOVEMBER = ["--from", "2026-11-01", "--to", "2026-11-30"]
# what the cohort stores: none of it may show in the sheet meant for people
CODES = {
    "sat_doctors",
    "sat_hospital",
    "recommend",
    "satisfied",
    "basically",
    "unsatisfied",
    "checkin_first",
    "general",
    "patient",
}
WORDS = {
    "zh_CN": {
        "sheets": ["回访回答", "代码(供统计分析)"],
        "header": ("患者", "住院号"),
        "question": "对医生的满意度",
        "answers": {"满意", "基本满意", "不满意", "10", "6"},
        "survey": "首次出院随访",
        "plan": "通用出院随访",
        "who": "患者本人",
    },
    "en": {
        "sheets": ["Answers", "Codes (for analysis)"],
        "header": ("Patient", "Hospital no."),
        "question": "Satisfaction with doctors",
        "answers": {"Satisfied", "Mostly satisfied", "Not satisfied", "10", "6"},
        "survey": "First follow-up check-in",
        "plan": "General follow-up",
        "who": "the patient",
    },
}


@pytest.fixture
def cohort(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cohort_database(tmp_path, monkeypatch)
    return tmp_path


def _export(*options: str) -> str:
    result = runner.invoke(app, ["export", *options])
    assert result.exit_code == 0, result.output
    return result.output


def _csv_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_xlsx_holds_answers_in_words_and_the_codes_on_a_second_sheet(
    cohort: Path, monkeypatch: pytest.MonkeyPatch, locale: str
) -> None:
    monkeypatch.setenv("FOLLOWUP_LOCALE", locale)
    words = WORDS[locale]
    out = cohort / "answers.xlsx"
    _export(*NOVEMBER, "--out", str(out))
    assert zipfile.is_zipfile(out)  # a real workbook, not CSV bytes under an .xlsx name
    book = load_workbook(out)
    assert book.sheetnames == words["sheets"]
    people, codes = (list(book[name].iter_rows(values_only=True)) for name in book.sheetnames)
    assert people[0][:2] == words["header"] and len(people) == 1 + 6 and len(codes) == 1 + 6
    p1 = [row for row in people[1:] if row[1] == "P1"]
    assert {row[7] for row in p1} >= {words["question"]}
    assert {row[8] for row in people[1:]} == words["answers"]
    assert {(row[5], row[6], row[9]) for row in people[1:]} == {
        (words["plan"], words["survey"], words["who"])
    }
    cells = {str(value) for row in people for value in row if value is not None}
    coded = {str(v) for row in codes[1:] for v in row[2:] if v and not str(v).isdigit()}
    assert coded >= CODES  # the codes sheet holds every code of the cohort
    assert not cells & (CODES | coded), cells & (CODES | coded)  # no code the analysts see
    assert {row[10] for row in people[1:]} == {None}  # no relation: the patients answered
    assert {(row[0], row[5], row[6]) for row in codes[1:] if row[0] == "P1"} == {
        ("P1", "sat_doctors", "satisfied"),
        ("P1", "sat_hospital", "satisfied"),
        ("P1", "recommend", "10"),
    }
    assert oct(out.stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_csv_is_in_words_and_codes_are_added_on_request(
    cohort: Path, monkeypatch: pytest.MonkeyPatch, locale: str
) -> None:
    monkeypatch.setenv("FOLLOWUP_LOCALE", locale)
    words = WORDS[locale]
    plain, coded = cohort / "answers.csv", cohort / "coded.csv"
    _export(*NOVEMBER, "--out", str(plain))
    _export(*NOVEMBER, "--out", str(coded), "--codes")
    rows, with_codes = _csv_rows(plain), _csv_rows(coded)
    assert tuple(rows[0][:2]) == words["header"] and len(rows) == 1 + 6
    assert not {cell for row in rows for cell in row} & CODES
    assert words["question"] in {row[7] for row in rows}
    assert [row[: len(rows[0])] for row in with_codes] == rows
    assert len(with_codes[0]) == len(rows[0]) + 7
    assert ["general", "checkin_first", "", "sat_doctors", "satisfied", "patient", ""] in [
        row[len(rows[0]) :] for row in with_codes if row[1] == "P1"
    ]


@pytest.mark.parametrize(
    ("option", "day", "count"),
    [
        ("answered", "2026-11-22", 6),  # every answer of the cohort was given that day
        ("discharged", "2026-11-22", 0),
        ("answered", "2026-11-05", 0),
        ("discharged", "2026-11-05", 3),  # P1 left hospital that day and gave three answers
    ],
)
def test_answers_are_picked_by_answer_date_or_by_discharge_date(
    cohort: Path, option: str, day: str, count: int
) -> None:
    out = cohort / "day.csv"
    output = _export("--from", day, "--to", day, "--by", option, "--out", str(out))
    assert len(_csv_rows(out)) == 1 + count
    assert f"{count} 条回答" in output


def test_the_default_is_the_answer_date(cohort: Path) -> None:
    out = cohort / "day.csv"
    output = _export("--from", "2026-11-22", "--to", "2026-11-22", "--out", str(out))
    assert len(_csv_rows(out)) == 1 + 6 and "回答日期" in output


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("zh_CN", ["--out", ".csv 或 .xlsx", "未写入"]),
        ("en", ["--out", ".csv or .xlsx", "Nothing"]),
    ],
)
@pytest.mark.parametrize("name", ["answers.txt", "answers.xls", "answers"])
def test_an_unknown_ending_is_refused_and_nothing_is_written(
    cohort: Path, monkeypatch: pytest.MonkeyPatch, locale: str, words: list[str], name: str
) -> None:
    monkeypatch.setenv("FOLLOWUP_LOCALE", locale)
    folder = cohort / "out"
    folder.mkdir()
    result = runner.invoke(app, ["export", *NOVEMBER, "--out", str(folder / name)])
    assert result.exit_code == 1
    for expected in [name, *words]:
        assert expected in result.output, result.output
    assert list(folder.iterdir()) == []


def test_an_older_export_is_replaced_whole_with_no_temporary_file_left(cohort: Path) -> None:
    folder = cohort / "out"
    folder.mkdir()
    out = folder / "ANSWERS.XLSX"  # the ending is read whatever its case
    out.write_bytes(b"an older export")
    _export(*NOVEMBER, "--out", str(out))
    assert zipfile.is_zipfile(out)
    assert [path.name for path in folder.iterdir()] == ["ANSWERS.XLSX"]


def test_a_bad_selection_is_a_clear_error(cohort: Path) -> None:
    result = runner.invoke(app, ["export", *NOVEMBER, "--by", "week", "--out", "a.csv"])
    assert result.exit_code != 0
    assert "--by" in result.output and "answered" in result.output


async def _unusual_answers(harness: BotHarness) -> None:
    """P2, answered by the patient's daughter: typed praise, a skipped question, and an answer
    to a question the survey no longer has."""
    store, now = harness.services.store, harness.clock.now()
    [contact] = await store.contacts.for_chat(2)
    new = NewSession(
        None,
        contact.id,
        contact.patient_id,
        contact.episode_id,
        "checkin_first",
        "general",
        "family",
        "child",
    )
    session = await store.surveys.open_for_message(new, "praise", now, now + timedelta(days=3))
    given = (
        ("praise", "text", TYPED),
        ("doctors_better", "", None),
        ("suggestion", "text", FORMULA),
        ("retired_question", "yes", None),
    )
    following = [key for key, _, _ in given[1:]] + [None]
    for (question, value, text), next_key in zip(given, following, strict=True):
        assert await store.surveys.record_answer(
            session, question, value, text, now, next_key, "open"
        )


@pytest.fixture
def unusual(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    settings = make_settings(tmp_path)

    async def build() -> None:
        harness = BotHarness(settings, START)
        await harness.start()
        await build_cohort(harness)
        await _unusual_answers(harness)
        await harness.stop()

    asyncio.run(build())
    monkeypatch.setenv("FOLLOWUP_DATABASE_URL", settings.database_url)
    return tmp_path


TYPED = "感谢王护士的细心照顾"
FORMULA = '=HYPERLINK("http://example.invalid","点这里")'  # typed by a patient


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("zh_CN", [TYPED, "跳过未答", "其他问题", "其他回答", "家属", "子女"]),
        ("en", [TYPED, "skipped", "Other question", "other answer", "son or daughter"]),
    ],
)
def test_typed_skipped_and_retired_answers_read_in_words(
    unusual: Path, monkeypatch: pytest.MonkeyPatch, locale: str, expected: list[str]
) -> None:
    monkeypatch.setenv("FOLLOWUP_LOCALE", locale)
    out = unusual / "answers.xlsx"
    _export(*NOVEMBER, "--out", str(out))
    people = list(load_workbook(out).worksheets[0].iter_rows(values_only=True))
    p2 = [row for row in people[1:] if row[1] == "P2"]
    assert len(p2) == 4
    cells = {str(value) for row in p2 for value in row if value is not None}
    assert set(expected) <= cells, cells
    assert not cells & {"retired_question", "doctors_better", "praise", "text", "family", "child"}


def test_typed_text_never_becomes_a_formula(unusual: Path) -> None:
    book, table = unusual / "answers.xlsx", unusual / "answers.csv"
    _export(*NOVEMBER, "--out", str(book))
    _export(*NOVEMBER, "--out", str(table))
    [cell] = [
        c
        for row in load_workbook(book).worksheets[0].iter_rows()
        for c in row
        if c.value == FORMULA
    ]
    assert cell.data_type == "s"  # shown as the patient typed it, never run
    assert f"'{FORMULA}" in {cell for row in _csv_rows(table) for cell in row}


def test_typed_text_in_the_monthly_report_never_becomes_a_formula(unusual: Path) -> None:
    out = unusual / "report.xlsx"
    result = runner.invoke(app, ["report", "--month", "2026-11", "--out", str(out)])
    assert result.exit_code == 0, result.output
    cells = [
        cell
        for sheet in load_workbook(out).worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value == FORMULA
    ]
    assert cells and all(cell.data_type == "s" for cell in cells)
    assert not list(unusual.glob(".report.xlsx.*"))  # written whole, nothing left beside it


def test_the_export_of_a_cohort_holding_every_code_shows_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(tmp_path)

    async def build() -> None:
        harness = BotHarness(settings, START)
        await harness.start()
        await build_code_cohort(harness)
        await harness.stop()

    asyncio.run(build())
    monkeypatch.setenv("FOLLOWUP_DATABASE_URL", settings.database_url)
    book, table = tmp_path / "answers.xlsx", tmp_path / "answers.csv"
    for by in ("answered", "discharged"):
        _export(*NOVEMBER, "--by", by, "--out", str(book))
        _export(*NOVEMBER, "--by", by, "--out", str(table))
        people = list(load_workbook(book).worksheets[0].iter_rows(values_only=True))
        assert len(people) > 5  # the cohort answered
        assert leaks(cell for row in people for cell in row if cell is not None) == []
        assert leaks(cell for row in _csv_rows(table) for cell in row) == []
