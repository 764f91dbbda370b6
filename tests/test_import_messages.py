"""Every import error code has a message in each locale that renders with its variables."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.domain.discharge.model import ROW_ERROR_CODES, TABLE_ERROR_CODES, error_template_key
from bot.domain.discharge.reader import parse_discharge_table
from bot.domain.tabular import TableError, read_table
from bot.templating import LOCALES, MESSAGES_DIR, Renderer

SAMPLES = MESSAGES_DIR / "samples" / "import.yaml"
ALL_CODES = ROW_ERROR_CODES + TABLE_ERROR_CODES
USES_VALUE = re.compile(r"{{\s*value\b")
VARIABLE = re.compile(r"{{\s*([a-z_]+)")


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    """Render the real message templates."""
    return Renderer()


@pytest.fixture(scope="module")
def samples() -> dict[str, dict[str, Any]]:
    """Load the sample variables for each import template."""
    loaded = yaml.safe_load(SAMPLES.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def template_source(code: str, locale: str) -> str:
    """Return the raw template text of an error code in a locale."""
    return (MESSAGES_DIR / locale / f"{error_template_key(code)}.txt").read_text(encoding="utf-8")


def test_samples_cover_exactly_the_error_codes(samples: dict[str, dict[str, Any]]) -> None:
    assert set(samples) == {error_template_key(code) for code in ALL_CODES}


def test_every_import_template_belongs_to_a_code(renderer: Renderer) -> None:
    for locale in LOCALES:
        keys = {key for key in renderer.keys(locale) if key.startswith("import/")}
        assert keys == {error_template_key(code) for code in ALL_CODES}, locale


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("code", ALL_CODES)
def test_template_renders_with_sample_variables(
    renderer: Renderer, samples: dict[str, dict[str, Any]], code: str, locale: str
) -> None:
    variables = samples[error_template_key(code)]
    text = renderer.render(error_template_key(code), locale, **variables)
    assert text.strip()
    assert "{{" not in text and "{%" not in text
    source = template_source(code, locale)
    if USES_VALUE.search(source) and variables["value"]:
        assert str(variables["value"]) in text
    if "line" in variables and code in ROW_ERROR_CODES:
        assert str(variables["line"]) in text


@pytest.mark.parametrize("code", ALL_CODES)
def test_both_locales_use_the_same_variables(code: str) -> None:
    zh = set(VARIABLE.findall(template_source(code, "zh_CN")))
    en = set(VARIABLE.findall(template_source(code, "en")))
    assert zh - {"missing_zh", "missing", "field_zh"} == en - {"missing", "field"}


def test_zh_messages_are_in_chinese() -> None:
    for code in ALL_CODES:
        assert re.search(r"[\u4e00-\u9fff]", template_source(code, "zh_CN")), code


def test_real_row_errors_render(renderer: Renderer, tmp_path: Path) -> None:
    header = "住院号,姓名,科室,出院时间,是否同意回访,性别,年龄,联系电话,入院时间,语言,回访方式,备注"
    rows = [
        "ZY1,,心内科,2026-13-45,待定,未知,200,123,2026-11-20,法语,邮件,",
        "ZY2,李四,心内科,2026-11-18,是,,,,2026-11-19,,," + "长" * 2001,
        "ZY3,王五,心内科,2026-11-18,是,,,,,,,",
        "ZY3,王五,心内科,2026-11-18,否,,,,,,,",
    ]
    path = tmp_path / "list.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    parsed = parse_discharge_table(read_table(path), ZoneInfo("Asia/Shanghai"))
    assert {e.code for e in parsed.errors} == set(ROW_ERROR_CODES)
    for error in parsed.errors:
        for locale in LOCALES:
            text = renderer.render(error_template_key(error.code), locale, **error.template_vars())
            assert str(error.line) in text
            if error.value and USES_VALUE.search(template_source(error.code, locale)):
                assert error.value in text


def table_error(tmp_path: Path, name: str, content: bytes) -> TableError:
    """Return the TableError raised when reading and parsing a file."""
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(TableError) as caught:
        parse_discharge_table(read_table(path), ZoneInfo("Asia/Shanghai"))
    return caught.value


def test_real_table_errors_render(renderer: Renderer, tmp_path: Path) -> None:
    errors = [
        table_error(tmp_path, "a.csv", b"\x80abc\n"),
        table_error(tmp_path, "c.pdf", b""),
        table_error(tmp_path, "d.xlsx", b"junk"),
        table_error(tmp_path, "e.csv", b""),
        table_error(tmp_path, "f.csv", "姓名,姓名\n".encode()),
        table_error(tmp_path, "g.csv", "住院号,姓名\n".encode()),
        table_error(tmp_path, "h.csv", "住院号,姓名,科室,出院时间,出院日期,同意回访\n".encode()),
    ]
    assert [e.code for e in errors] == list(TABLE_ERROR_CODES)
    for error in errors:
        for locale in LOCALES:
            text = renderer.render(error_template_key(error.code), locale, **error.template_vars())
            assert text.strip()
            if "file" in error.params:
                assert str(error.params["file"]) in text
