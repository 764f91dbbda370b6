"""PNG charts for supervisors: the monthly trend and the department comparison.

Chinese text is set in Noto Sans CJK SC, loaded by file path from the `noto-cjk-sans-otc`
package, so the charts look the same on any machine, whatever fonts its host has. Every text
in a chart gets that font explicitly (no rcParams, which are global), and figures are built
with the object-oriented API (`Figure` + `FigureCanvasAgg`, never pyplot), so rendering needs
no GUI and can run in a worker thread (`asyncio.to_thread`).
"""

from __future__ import annotations

import functools
import io
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass, fields
from importlib.resources import files
from pathlib import Path

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontPath, FontProperties
from matplotlib.ft2font import FT2Font
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.patches import Patch

FONT_PACKAGE = "noto-cjk-sans-otc"
FONT_MODULE = "noto_cjk_sans_otc"
FONT_FILE = "NotoSansCJK-Regular.ttc"
# The collection holds one face per region (JP, KR, SC, TC, HK, and their Mono forms);
# Simplified Chinese glyph forms are in this one.
FONT_FAMILY = "Noto Sans CJK SC"

WIDTH_PX, HEIGHT_PX, DPI = 1200, 700, 100
SUCCESS_COLOUR = "#1f77b4"
SATISFIED_COLOUR = "#2ca02c"
Y_TICKS = (0, 20, 40, 60, 80, 100)
Y_TOP = 112  # headroom above 100 for the value labels

# Matplotlib shares caches (fonts, text layout) between figures; one chart at a time is cheap
# (a chart takes well under a second) and keeps concurrent callers from tripping over them.
_RENDER_LOCK = threading.Lock()


@dataclass(frozen=True)
class MonthPoint:
    month: str  # "2026-11"
    success_rate: float | None  # percent, 0-100
    satisfied_share: float | None  # percent, 0-100


@dataclass(frozen=True)
class DepartmentPoint:
    name: str
    satisfied_share: float | None  # percent, 0-100
    success_rate: float | None  # percent, 0-100


@dataclass(frozen=True)
class ChartLabels:
    """Every text a chart shows, filled by the caller from `charts/labels` in its locale."""

    trend_title: str
    department_title: str
    success_rate: str
    satisfied_share: str
    month_axis: str
    department_axis: str
    percent_axis: str


def parse_labels(text: str) -> ChartLabels:
    """Parse `key=value` lines (the `charts/labels` template) into `ChartLabels`.

    Blank lines and lines starting with `#` are skipped; keys that are not fields are ignored.
    Raises ValueError naming the fields that are missing and the lines that are not `key=value`.
    """
    values: dict[str, str] = {}
    bad_lines: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            bad_lines.append(line)
            continue
        values[key.strip()] = value.strip()
    names = [field.name for field in fields(ChartLabels)]
    missing = [name for name in names if not values.get(name)]
    if missing or bad_lines:
        raise ValueError(f"chart labels: missing {missing}, not key=value: {bad_lines}")
    return ChartLabels(**{name: values[name] for name in names})


def cjk_font_path() -> Path:
    """Return the packaged CJK font file (an OpenType collection)."""
    return _font_face()[0]


def cjk_face_index() -> int:
    """Return the index of the Simplified Chinese face in `cjk_font_path()`."""
    return _font_face()[1]


def cjk_font(size: float = 12) -> FontProperties:
    """Return font properties that select the packaged Simplified Chinese face by file path."""
    path, index = _font_face()
    return FontProperties(fname=FontPath(str(path), index), size=size)


@functools.cache
def _font_face() -> tuple[Path, int]:
    try:
        path = Path(str(files(FONT_MODULE) / FONT_FILE))
    except ModuleNotFoundError:
        raise RuntimeError(
            f"The CJK font for charts is missing: install the {FONT_PACKAGE!r} package "
            f"(pip install {FONT_PACKAGE})"
        ) from None
    if not path.is_file():
        raise RuntimeError(f"The {FONT_PACKAGE!r} package has no font file at {path}")
    faces = FT2Font(path).num_faces
    for index in range(faces):
        if FT2Font(path, face_index=index).family_name == FONT_FAMILY:
            return path, index
    raise RuntimeError(f"{path} ({FONT_PACKAGE}) has no {FONT_FAMILY!r} face")


def trend_chart(points: list[MonthPoint], labels: ChartLabels) -> bytes:
    """Line chart of the success rate and the satisfied share per month; None leaves a gap."""
    with _RENDER_LOCK:
        figure, axes = _new_figure(labels.trend_title)
        try:
            positions = list(range(len(points)))
            series = (
                (labels.success_rate, [p.success_rate for p in points], SUCCESS_COLOUR, "o"),
                (
                    labels.satisfied_share,
                    [p.satisfied_share for p in points],
                    SATISFIED_COLOUR,
                    "s",
                ),
            )
            for label, values, colour, marker in series:
                axes.plot(
                    positions,
                    [math.nan if v is None else v for v in values],
                    color=colour,
                    marker=marker,
                    markersize=7,
                    linewidth=2.2,
                    label=label,
                )
            for position, point in zip(positions, points, strict=True):
                success, satisfied = point.success_rate, point.satisfied_share
                # Of two values in the same month, the higher is labelled above, the lower below.
                success_above = satisfied is None or success is None or success >= satisfied
                _annotate(axes, position, success, SUCCESS_COLOUR, above=success_above)
                _annotate(axes, position, satisfied, SATISFIED_COLOUR, above=not success_above)
            axes.set_xlim(-0.5, max(len(points), 1) - 0.5)
            axes.set_xticks(
                positions,
                [p.month for p in points],
                fontproperties=cjk_font(11),
                rotation=45 if len(points) > 14 else 0,
            )
            _finish(axes, labels, labels.month_axis, axes.get_legend_handles_labels()[0])
            return _png(figure)
        finally:
            figure.clear()


def department_chart(points: list[DepartmentPoint], labels: ChartLabels) -> bytes:
    """Grouped bars per department: satisfied share and success rate; None draws no bar."""
    with _RENDER_LOCK:
        figure, axes = _new_figure(labels.department_title)
        try:
            width = 0.38
            series = (
                (labels.satisfied_share, [p.satisfied_share for p in points], SATISFIED_COLOUR, -1),
                (labels.success_rate, [p.success_rate for p in points], SUCCESS_COLOUR, 1),
            )
            many = len(points) > 12  # value labels turn vertical to stay inside their bars' width
            for label, values, colour, side in series:
                present = [(i + side * width / 2, v) for i, v in enumerate(values) if v is not None]
                axes.bar(
                    [x for x, _ in present],
                    [v for _, v in present],
                    width=width,
                    color=colour,
                    label=label,
                )
                for x, value in present:
                    _annotate(
                        axes, x, value, "#333333", above=True, size=9 if many else 10, vertical=many
                    )
            names = [p.name for p in points]
            crowded = len(points) > 8 or any(len(name) > 6 for name in names)
            # A few departments stay centred with bars of a sensible width.
            pad = (max(len(points), 4) - len(points)) / 2 + 0.6
            axes.set_xlim(-pad, len(points) - 1 + pad)
            axes.set_xticks(
                range(len(points)),
                names,
                fontproperties=cjk_font(12 if len(points) <= 12 else 10),
                rotation=30 if crowded else 0,
                ha="right" if crowded else "center",
                rotation_mode="anchor",
            )
            # Drawn from patches of the series' colours: a series with no bar at all (every value
            # None) would otherwise lend its legend entry another colour.
            handles = [Patch(color=colour, label=label) for label, _, colour, _ in series]
            _finish(axes, labels, labels.department_axis, handles)
            return _png(figure)
        finally:
            figure.clear()


def _new_figure(title: str) -> tuple[Figure, Axes]:
    figure = Figure(
        figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI),
        dpi=DPI,
        layout=ConstrainedLayoutEngine(h_pad=0.1, w_pad=0.15),
    )
    FigureCanvasAgg(figure)
    figure.suptitle(title, fontproperties=cjk_font(18), parse_math=False)
    axes = figure.add_subplot()
    return figure, axes


def _annotate(
    axes: Axes,
    x: float,
    value: float | None,
    colour: str,
    *,
    above: bool,
    size: float = 10,
    vertical: bool = False,
) -> None:
    if value is None:
        return
    axes.annotate(
        percent_text(value),
        xy=(x, value),
        xytext=(0, 7 if above else -8),
        textcoords="offset points",
        ha="center",
        va="bottom" if above else "top",
        rotation=90 if vertical else 0,
        color=colour,
        fontproperties=cjk_font(size),
        parse_math=False,
    )


def percent_text(value: float) -> str:
    """Format a percentage with at most one decimal: 92.5%, 90%, 100%."""
    text = f"{value:.1f}"
    return f"{text.removesuffix('.0')}%"


def _finish(axes: Axes, labels: ChartLabels, x_label: str, handles: Sequence[Artist]) -> None:
    axes.set_ylim(0, Y_TOP)
    axes.set_yticks(Y_TICKS, [str(tick) for tick in Y_TICKS], fontproperties=cjk_font(11))
    axes.set_ylabel(labels.percent_axis, fontproperties=cjk_font(13), parse_math=False)
    axes.set_xlabel(x_label, fontproperties=cjk_font(13), parse_math=False)
    axes.grid(axis="y", color="#dddddd", linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for label in [*axes.get_xticklabels(), *axes.get_yticklabels()]:
        label.set_parse_math(False)
    legend = axes.legend(
        handles=list(handles),
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncols=2,
        frameon=False,
        prop=cjk_font(12),
    )
    for text in legend.get_texts():
        text.set_parse_math(False)


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
