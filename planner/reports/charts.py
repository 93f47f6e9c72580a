"""Bar charts as geometry for inline SVG: rectangles and text positions, no drawing.

Plain functions: they take labels and counts and return rectangles and text positions
in SVG user units; templates/reports/_charts.html draws them with attributes and CSS
classes (the Content-Security-Policy allows no style=""). Labels arrive translated;
digits are turned Persian by the template's `digits` filter.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from planner.outcomes.models import OutcomeKind
from planner.timefmt import format_pattern


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    category: str
    series: str = ""
    series_label: str = ""


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "middle"  # SVG text-anchor: start, middle or end
    role: str = "category"  # category, note (a year under a month), value or tick


@dataclass(frozen=True)
class GridLine:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Series:
    key: str
    label: str


@dataclass(frozen=True)
class Row:
    """One category of the chart's data table: its label and the count per series."""

    category: str
    values: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.values)


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    labels: tuple[Label, ...]
    grid: tuple[GridLine, ...]
    series: tuple[Series, ...]
    rows: tuple[Row, ...]

    @property
    def is_empty(self) -> bool:
        return not any(row.total for row in self.rows)

    @property
    def stacked(self) -> bool:
        return len(self.series) > 1


@dataclass(frozen=True)
class Column:
    """One column of a column chart: its label, an optional note under it, its stacked parts.

    `name` is the category in full for the data table ('December 2026' for 'Dec').
    """

    label: str
    counts: tuple[int, ...]
    note: str = ""
    name: str = ""


def nice_step(maximum: int, ticks: int = 4) -> int:
    """A whole step of 1, 2 or 5 times a power of ten giving at most `ticks` gridlines."""
    if maximum <= ticks:
        return 1
    raw = maximum / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 5, 10) if raw <= m * magnitude)


def horizontal_bars(rows: list[tuple[str, int]], width: int = 520) -> Chart:
    """One bar per row, top to bottom, labels on the left: for named categories."""
    bar_height, gap, top = 24, 12, 8
    label_width = min(190, max(70, 8 * max((len(label) for label, _ in rows), default=0)))
    value_room = 56
    span = width - label_width - value_room
    maximum = max((count for _, count in rows), default=0)
    bars, labels = [], []
    for index, (label, count) in enumerate(rows):
        y = top + index * (bar_height + gap)
        length = span * count / maximum if maximum else 0
        bars.append(Bar(label_width, y, round(length, 2), bar_height, count, label))
        middle = y + bar_height / 2 + 4
        labels.append(Label(label_width - 8, middle, label, anchor="end"))
        labels.append(Label(label_width + length + 6, middle, str(count), "start", "value"))
    height = top * 2 + max(len(rows), 1) * (bar_height + gap) - gap
    return Chart(
        width=width,
        height=height,
        bars=tuple(bars),
        labels=tuple(labels),
        grid=(GridLine(label_width, 0, label_width, height),),
        series=(Series("", ""),),
        rows=tuple(Row(label, (count,)) for label, count in rows),
    )


def columns(data: list[Column], series: list[Series], slot: int = 56, height: int = 240) -> Chart:
    """Vertical columns, left to right, each a stack of its series' counts, with a y scale."""
    axis_width, top, bottom = 36, 22, 44 if any(column.note for column in data) else 28
    width = max(320, axis_width + slot * len(data) + 8)
    plot_height = height - top - bottom
    maximum = max((sum(column.counts) for column in data), default=0)
    step = nice_step(maximum)
    scale_top = max(step, math.ceil(maximum / step) * step)
    baseline = height - bottom

    def y_of(value: float) -> float:
        return round(baseline - plot_height * value / scale_top, 2)

    grid, labels, bars = [], [], []
    for tick in range(0, scale_top + 1, step):
        grid.append(GridLine(axis_width, y_of(tick), width, y_of(tick)))
        labels.append(Label(axis_width - 6, y_of(tick) + 4, str(tick), "end", "tick"))
    bar_width = min(40, slot * 0.64)
    for index, column in enumerate(data):
        x = axis_width + index * slot + (slot - bar_width) / 2
        stacked = 0
        for part, count in zip(series, column.counts, strict=True):
            if count:
                bars.append(
                    Bar(
                        round(x, 2),
                        y_of(stacked + count),
                        round(bar_width, 2),
                        round(y_of(stacked) - y_of(stacked + count), 2),
                        count,
                        column.label,
                        part.key,
                        part.label,
                    )
                )
            stacked += count
        middle = round(x + bar_width / 2, 2)
        labels.append(Label(middle, baseline + 18, column.label))
        if column.note:
            labels.append(Label(middle, baseline + 36, column.note, role="note"))
        if stacked:
            labels.append(Label(middle, y_of(stacked) - 6, str(stacked), role="value"))
    return Chart(
        width=width,
        height=height,
        bars=tuple(bars),
        labels=tuple(labels),
        grid=tuple(grid),
        series=tuple(series),
        rows=tuple(Row(column.name or column.label, tuple(column.counts)) for column in data),
    )


def month_label(month: date, locale: str) -> str:
    """'Dec' (or 'دسامبر'): the month's short stand-alone name in the reader's language."""
    return format_pattern(month, "LLL", locale)


# --- The dashboard's three charts, from the rows of planner/reports/queries.py --------


def country_chart(rows: list[tuple[str, int]], country_name: Callable[[str], str]) -> Chart:
    """Outcomes per visiting country, longest bar first."""
    return horizontal_bars([(country_name(code), count) for code, count in rows])


def year_chart(rows: list[tuple[int, dict[OutcomeKind, int]]]) -> Chart:
    """Outcomes per year, each column stacked by kind (only the kinds that occur)."""
    kinds = [kind for kind in OutcomeKind if any(counts.get(kind) for _, counts in rows)]
    return columns(
        [Column(str(year), tuple(counts.get(kind, 0) for kind in kinds)) for year, counts in rows],
        [Series(kind.value, str(kind.label)) for kind in kinds],
        slot=72,
    )


def month_chart(rows: list[tuple[date, int]], series_label: str, locale: str) -> Chart:
    """Visits per month; the year is written under January and under the first month."""
    return columns(
        [
            Column(
                month_label(month, locale),
                (count,),
                note=str(month.year) if index == 0 or month.month == 1 else "",
                name=format_pattern(month, "LLLL y", locale),
            )
            for index, (month, count) in enumerate(rows)
        ],
        [Series("visits", series_label)],
        slot=36,
    )
