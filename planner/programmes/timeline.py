"""A day's stops laid out as blocks in time: the geometry behind the timeline pages.

Plain functions over anything with aware `starts_at` and `ends_at` (a Stop, a checker
StopInfo): no Flask, no database. Positions are minutes from the top of the day's view;
`Canvas` turns them into the SVG units the templates draw with.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from planner.itinerary.programme import programme_by_day
from planner.timefmt import local_day_bounds, to_local, zone

# A day's view starts at 07:00, or at the hour of an earlier start.
LATEST_FIRST_HOUR = 7
# What an empty day would show; empty days are not drawn, but a layout is still complete.
EMPTY_DAY_HOURS = (7, 19)
# A five-minute stop still needs room for its title: blocks are drawn at least this long,
# and lanes are given out for the drawn length so that short blocks never cover each other.
MIN_BLOCK_MINUTES = 20


@dataclass(frozen=True)
class Block:
    """One stop on one day's view."""

    stop: object
    top: int  # minutes from the top of the view
    height: int  # minutes drawn (at least MIN_BLOCK_MINUTES)
    lane: int  # 0 is the first column
    lanes: int  # columns shared by the group of stops this one overlaps
    continues_after: bool  # ends on a later day: clipped at midnight


@dataclass(frozen=True)
class HourMark:
    at: datetime  # the UTC instant of the gridline, to be shown in any zone
    offset: int  # minutes from the top of the view


@dataclass(frozen=True)
class DayLayout:
    day: date
    zone: str
    home_zone: str | None  # the delegation's zone, only when its clock differs that day
    starts_at: datetime  # UTC instant at the top of the view
    ends_at: datetime  # UTC instant at the bottom
    hours: tuple[HourMark, ...]
    blocks: tuple[Block, ...]

    @property
    def minutes(self) -> int:
        return _minutes(self.ends_at - self.starts_at)

    @property
    def is_empty(self) -> bool:
        return not self.blocks

    @property
    def first_minute(self) -> int:
        """The wall-clock minute of the day at the top of the view (420 for 07:00)."""
        return wall_minute(self.starts_at, self.zone)


def wall_minute(instant: datetime, zone_name: str) -> int:
    """Minutes after local midnight that a clock in the zone reads at the instant."""
    local = to_local(instant, zone_name)
    return local.hour * 60 + local.minute


def _minutes(span: timedelta) -> int:
    return round(span.total_seconds() / 60)


def _wall_hour(day: date, hour: int, zone_name: str) -> datetime:
    """The UTC instant of `hour`:00 on a local day; 24 is the next midnight."""
    if hour >= 24:
        return local_day_bounds(day, zone_name)[1]
    return datetime.combine(day, time(hour), tzinfo=zone(zone_name)).astimezone(UTC)


def _ceil_hour(local: datetime) -> int:
    return local.hour + (1 if (local.minute, local.second, local.microsecond) != (0, 0, 0) else 0)


def visible_hours(
    spans: list[tuple[datetime, datetime]], day: date, zone_name: str
) -> tuple[int, int]:
    """(first, last) local hour of a day's view, last exclusive and at most 24.

    From the earliest start floored to the hour (07:00 at the latest) to the latest
    end ceiled to the hour; spans are already clipped to the day.
    """
    if not spans:
        return EMPTY_DAY_HOURS
    day_end = local_day_bounds(day, zone_name)[1]
    first = min(LATEST_FIRST_HOUR, to_local(min(s for s, _ in spans), zone_name).hour)
    latest = max(e for _, e in spans)
    last = 24 if latest >= day_end else _ceil_hour(to_local(latest, zone_name))
    return first, max(last, first + 1)


def assign_lanes(spans: list[tuple[datetime, datetime]]) -> list[tuple[int, int]]:
    """(lane, lanes) for each span, in the order given.

    Interval-graph colouring by sort and sweep: each span takes the lowest lane free
    at its start; spans that only touch (one ends as the next starts) share a lane.
    `lanes` is the width of the span's group of transitively overlapping spans, so a
    busy hour does not squeeze the rest of the day.
    """
    order = sorted(range(len(spans)), key=lambda i: spans[i])
    lanes = [0] * len(spans)
    widths = [1] * len(spans)
    active: list[tuple[datetime, int]] = []  # (end, lane)
    group: list[int] = []

    def close(group: list[int]) -> None:
        width = max(lanes[i] for i in group) + 1
        for i in group:
            widths[i] = width

    for i in order:
        start, end = spans[i]
        active = [(e, lane) for e, lane in active if e > start]
        if not active and group:
            close(group)
            group = []
        taken = {lane for _, lane in active}
        lane = next(n for n in range(len(spans) + 1) if n not in taken)
        lanes[i] = lane
        active.append((end, lane))
        group.append(i)
    if group:
        close(group)
    return list(zip(lanes, widths, strict=True))


def layout_day(stops, day: date, zone_name: str, home_zone: str | None = None) -> DayLayout:
    """The stops that start on a local day, as blocks on that day's view.

    A stop that runs past midnight is clipped at 24:00 and flagged; it belongs to the
    day it starts on, as in the programme, so the next morning's view is not stretched
    back to midnight by last night's dinner.
    """
    day_start, day_end = local_day_bounds(day, zone_name)
    todays = sorted(
        (s for s in stops if day_start <= s.starts_at < day_end),
        key=lambda s: (s.starts_at, s.ends_at),
    )
    minimum = timedelta(minutes=MIN_BLOCK_MINUTES)
    spans = []
    for stop in todays:
        end = min(max(stop.ends_at, stop.starts_at + minimum), day_end)
        spans.append((min(stop.starts_at, end - minimum), end))
    first, last = visible_hours(spans, day, zone_name)
    top, bottom = _wall_hour(day, first, zone_name), _wall_hour(day, last, zone_name)
    blocks = tuple(
        Block(
            stop=stop,
            top=_minutes(start - top),
            height=_minutes(end - start),
            lane=lane,
            lanes=lanes,
            continues_after=stop.ends_at > day_end,
        )
        for stop, (start, end), (lane, lanes) in zip(
            todays, spans, assign_lanes(spans), strict=True
        )
    )
    hours = []
    mark = top
    while mark <= bottom:
        hours.append(HourMark(at=mark, offset=_minutes(mark - top)))
        mark += timedelta(hours=1)
    return DayLayout(
        day=day,
        zone=zone_name,
        home_zone=home_zone if clocks_differ(zone_name, home_zone, top) else None,
        starts_at=top,
        ends_at=bottom,
        hours=tuple(hours),
        blocks=blocks,
    )


def clocks_differ(zone_name: str, other: str | None, instant: datetime) -> bool:
    """Whether a second zone reads a different time from the first at that instant."""
    if not other or other == zone_name:
        return False
    return to_local(instant, zone_name).utcoffset() != to_local(instant, other).utcoffset()


def layout_days(
    stops, first_day: date, last_day: date, zone_name: str, home_zone: str | None = None
) -> list[DayLayout]:
    """Every day of a visit (and any day a stop starts on outside it), laid out."""
    return [
        layout_day(programme_day.stops, programme_day.day, zone_name, home_zone)
        for programme_day in programme_by_day(stops, first_day, last_day, zone_name)
    ]


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Canvas:
    """SVG units for a day's view: hour labels on the left, then the stops' columns.

    Mirrored (on right-to-left pages), the labels are on the right and the first lane is
    the rightmost; time still runs downwards. The SVG scales to its container, so these are
    proportions, not screen pixels.
    """

    label_columns: int = 1  # 2 when the delegation's hours are shown beside the host's
    mirrored: bool = False
    width: int = 1000
    header: int = 34  # the row naming each label column's zone
    label_width: int = 62
    per_minute: float = 1.0
    gap: int = 3
    padding: int = 10

    @classmethod
    def for_day(cls, layout: DayLayout, *, mirrored: bool = False) -> "Canvas":
        return cls(label_columns=2 if layout.home_zone else 1, mirrored=mirrored)

    @property
    def chart_x(self) -> int:
        """How far the stops' columns are from the labels' edge of the picture."""
        return self.label_columns * self.label_width + self.gap * 2

    @property
    def chart_width(self) -> int:
        return self.width - self.chart_x

    @property
    def chart_left(self) -> int:
        return 0 if self.mirrored else self.chart_x

    def y(self, minutes: float) -> float:
        return round(self.header + minutes * self.per_minute, 1)

    def height(self, layout: DayLayout) -> float:
        return round(self.y(layout.minutes) + self.padding, 1)

    def _x(self, from_labels_edge: float, width: float = 0) -> float:
        """An x measured from the labels' edge (the left, or the right when mirrored)."""
        return round(
            self.width - from_labels_edge - width if self.mirrored else from_labels_edge, 1
        )

    def label_x(self, column: int) -> float:
        """Where a label column's text ends (labels are aligned to the chart)."""
        return self._x((column + 1) * self.label_width - self.gap)

    @property
    def label_anchor(self) -> str:
        return "start" if self.mirrored else "end"

    def rule(self, reach: int = 0) -> tuple[float, float]:
        """(x1, x2) of a line across the chart, `reach` units into the labels' side."""
        inner, outer = self._x(self.chart_x - reach), self._x(self.width)
        return (min(inner, outer), max(inner, outer))

    def box(self, block: Block) -> Box:
        lane_width = self.chart_width / block.lanes
        width = round(lane_width - self.gap, 1)
        return Box(
            x=self._x(self.chart_x + block.lane * lane_width, width),
            y=self.y(block.top),
            width=width,
            height=round(block.height * self.per_minute - self.gap, 1),
        )
