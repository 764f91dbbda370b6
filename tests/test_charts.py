"""Chart images for supervisors: real PNGs, and Chinese set in real glyphs, never boxes."""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields
from pathlib import Path

import matplotlib
import numpy as np
import pytest
import yaml
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.ft2font import FT2Font
from matplotlib.image import imread

from bot.services import charts
from bot.services.charts import (
    ChartLabels,
    DepartmentPoint,
    MonthPoint,
    cjk_face_index,
    cjk_font,
    cjk_font_path,
    department_chart,
    parse_labels,
    percent_text,
    trend_chart,
)
from bot.templating import LOCALES, MESSAGES_DIR, Renderer

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DEPARTMENTS = ["心内科", "呼吸与危重症医学科", "普外科", "妇产科", "骨科", "职业病科"]

renderer = Renderer()


def labels_for(locale: str) -> ChartLabels:
    return parse_labels(renderer.render("charts/labels", locale))


def months(success: list[float | None], satisfied: list[float | None]) -> list[MonthPoint]:
    names = ["2025-12", *(f"2026-{m:02d}" for m in range(1, 12))]
    return [MonthPoint(n, a, b) for n, a, b in zip(names, success, satisfied, strict=True)]


TREND = months(
    [91.2, 93.5, None, 88.0, 90.4, 95.1, 96.0, 94.2, None, 92.8, 97.3, 93.3],
    [85.0, 87.5, 80.2, None, 86.1, 88.8, 90.0, 93.7, 91.0, None, 89.4, 90.0],
)
BY_DEPARTMENT = [
    DepartmentPoint(name, share, rate)
    for name, share, rate in zip(
        DEPARTMENTS,
        [92.5, 88.0, 90.0, 96.7, None, 79.0],
        [95.0, 91.3, None, 98.0, 85.5, 100.0],
        strict=True,
    )
]


def png_size(png: bytes) -> tuple[int, int]:
    """Decode the PNG and return (width, height) in pixels."""
    assert png.startswith(PNG_MAGIC)
    pixels = imread(io.BytesIO(png), format="png")
    return pixels.shape[1], pixels.shape[0]


def without_warnings(render: Callable[[], bytes]) -> bytes:
    """Run `render` with every warning an error, "Glyph ... missing from font(s)" above all."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return render()


# --- the font -----------------------------------------------------------------------------


def test_the_font_comes_from_the_package_not_the_host() -> None:
    path = cjk_font_path()
    assert path.is_file()
    assert "site-packages" in path.parts or "dist-packages" in path.parts
    assert path.parent.name == charts.FONT_MODULE
    face = FT2Font(path, face_index=cjk_face_index())
    assert face.family_name == "Noto Sans CJK SC"
    # Matplotlib resolves the chart font to that very file and face.
    found = findfont(cjk_font())
    assert Path(found) == path
    assert getattr(found, "face_index", None) == cjk_face_index()


def glyph_text() -> str:
    """Every character the charts may show: the sample text, labels, departments, captions."""
    samples = yaml.safe_load((MESSAGES_DIR / "samples" / "charts.yaml").read_text("utf-8"))
    texts = ["心内科 满意率", *DEPARTMENTS, "0123456789.%-()", str(samples)]
    for locale in LOCALES:
        texts += [
            (MESSAGES_DIR / locale / "charts" / "labels.txt").read_text("utf-8"),
            renderer.render("charts/caption", locale, **samples["charts/caption"]),
        ]
    return "".join(ch for ch in "".join(texts) if not ch.isspace())


def test_every_character_has_a_glyph_in_the_packaged_font() -> None:
    face = FT2Font(cjk_font_path(), face_index=cjk_face_index())
    missing = sorted({ch for ch in glyph_text() if face.get_char_index(ord(ch)) == 0})
    assert missing == []
    assert all(face.get_char_index(ord(ch)) != 0 for ch in "心内科 满意率")


def render_text(text: str, font: FontProperties) -> np.ndarray:
    """Draw `text` alone in a small image and return its RGB pixels (0-1)."""
    figure = Figure(figsize=(1, 1), dpi=100)
    FigureCanvasAgg(figure)
    figure.text(0.5, 0.5, text, fontproperties=font, ha="center", va="center")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    figure.clear()
    return imread(io.BytesIO(buffer.getvalue()), format="png")[..., :3]


def test_chinese_characters_render_as_distinct_glyphs_not_boxes() -> None:
    # A missing glyph is drawn as the same empty box for every character: real glyphs differ.
    font = cjk_font(40)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        images = [render_text(ch, font) for ch in "心内科满意率"]
    for image in images:
        assert (image < 0.5).any()  # something dark was drawn
    for i, first in enumerate(images):
        for second in images[i + 1 :]:
            assert not np.array_equal(first, second)


def test_the_warning_check_would_catch_a_font_without_chinese() -> None:
    # The control: matplotlib's own DejaVu Sans has no CJK, and says so with a warning.
    dejavu = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    with pytest.warns(UserWarning, match="missing from font"):
        render_text("心内科 满意率", FontProperties(fname=dejavu, size=12))


def test_a_missing_font_package_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    charts._font_face.cache_clear()
    monkeypatch.setattr(charts, "FONT_MODULE", "no_such_font_module")
    try:
        with pytest.raises(RuntimeError, match="noto-cjk-sans-otc"):
            cjk_font_path()
    finally:
        monkeypatch.undo()
        charts._font_face.cache_clear()
    assert cjk_font_path().is_file()


# --- the charts ---------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_trend_chart_is_a_png_of_the_expected_size(locale: str) -> None:
    png = without_warnings(lambda: trend_chart(TREND, labels_for(locale)))
    assert png_size(png) == (1200, 700)


@pytest.mark.parametrize("locale", LOCALES)
def test_department_chart_is_a_png_of_the_expected_size(locale: str) -> None:
    png = without_warnings(lambda: department_chart(BY_DEPARTMENT, labels_for(locale)))
    assert png_size(png) == (1200, 700)


def test_many_departments_with_long_names() -> None:
    points = [
        DepartmentPoint(f"{name}{i}", 70.0 + i, None if i % 5 == 0 else 100.0 - i)
        for i, name in enumerate(DEPARTMENTS * 4)
    ]
    png = without_warnings(lambda: department_chart(points, labels_for("zh_CN")))
    assert png_size(png) == (1200, 700)


def all_none_trend() -> list[MonthPoint]:
    return months([None] * 12, [None] * 12)


@pytest.mark.parametrize(
    "render",
    [
        pytest.param(lambda labels: trend_chart([], labels), id="trend-empty"),
        pytest.param(lambda labels: trend_chart(all_none_trend(), labels), id="trend-all-none"),
        pytest.param(lambda labels: department_chart([], labels), id="departments-empty"),
        pytest.param(
            lambda labels: department_chart(
                [DepartmentPoint(name, None, None) for name in DEPARTMENTS], labels
            ),
            id="departments-all-none",
        ),
        pytest.param(
            lambda labels: department_chart([DepartmentPoint("心内科", 0.0, None)], labels),
            id="departments-one",
        ),
    ],
)
def test_no_data_still_gives_a_valid_png(render: Callable[[ChartLabels], bytes]) -> None:
    png = without_warnings(lambda: render(labels_for("zh_CN")))
    assert png_size(png) == (1200, 700)


def test_gaps_change_the_picture() -> None:
    labels = labels_for("zh_CN")
    full = months([90.0] * 12, [80.0] * 12)
    gappy = months([90.0] * 6 + [None] + [90.0] * 5, [80.0] * 12)
    assert trend_chart(full, labels) != trend_chart(gappy, labels)


def test_rendering_from_threads_gives_the_same_image() -> None:
    labels = labels_for("zh_CN")
    expected = department_chart(BY_DEPARTMENT, labels)
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda _: department_chart(BY_DEPARTMENT, labels), range(3)))
    assert results == [expected] * 3


def test_charts_do_not_use_pyplot_or_global_settings() -> None:
    before = dict(matplotlib.rcParams)
    trend_chart(TREND, labels_for("zh_CN"))
    assert dict(matplotlib.rcParams) == before


@pytest.mark.parametrize(
    ("value", "text"), [(92.54, "92.5%"), (90.0, "90%"), (100.0, "100%"), (0.0, "0%")]
)
def test_percent_text(value: float, text: str) -> None:
    assert percent_text(value) == text


# --- labels and captions ------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_labels_file_fills_every_field(locale: str) -> None:
    raw = (MESSAGES_DIR / locale / "charts" / "labels.txt").read_text("utf-8")
    keys = [line.partition("=")[0] for line in raw.splitlines() if line.strip()]
    assert sorted(keys) == sorted(field.name for field in fields(ChartLabels))
    for parsed in (parse_labels(raw), labels_for(locale)):
        assert all(getattr(parsed, field.name).strip() for field in fields(ChartLabels))
    assert parse_labels(raw) == labels_for(locale)


def test_chinese_labels_are_chinese() -> None:
    labels = labels_for("zh_CN")
    assert labels.satisfied_share == "满意率"
    assert labels_for("en") != labels


def test_parse_labels_names_what_is_missing() -> None:
    with pytest.raises(ValueError, match="percent_axis"):
        parse_labels("trend_title=a\nnot a pair\n")
    text = "\n".join(f"{field.name} = x=y " for field in fields(ChartLabels))
    parsed = parse_labels(f"# comment\n\n{text}\nextra=ignored\n")
    assert parsed.trend_title == "x=y"


@pytest.mark.parametrize("locale", LOCALES)
def test_caption_names_period_and_department(locale: str) -> None:
    text = renderer.render("charts/caption", locale, period="2026-11", department="心内科")
    assert "2026-11" in text
    assert "心内科" in text
    assert len(text) <= 1024  # Telegram's limit for a photo caption
