"""A visit's days as blocks in time: the layout functions, and the timeline page staff read."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from markupsafe import escape

from planner.accounts.models import Role
from planner.clock import utc_now
from planner.extensions import db
from planner.itinerary.models import StopKind, StopStatus
from planner.programmes.timeline import (
    MIN_BLOCK_MINUTES,
    Canvas,
    assign_lanes,
    layout_day,
    layout_days,
)
from planner.timefmt import format_time, local_to_utc, to_local

TEHRAN = "Asia/Tehran"
DAY = date(2026, 12, 15)


@dataclass(frozen=True)
class Slot:
    """Anything with aware start and end times can be laid out, not only a Stop."""

    title: str
    starts_at: datetime
    ends_at: datetime


def slot(title: str, start: str, end: str, day: date = DAY, end_day: date | None = None) -> Slot:
    return Slot(
        title,
        local_to_utc(day, time.fromisoformat(start), TEHRAN),
        local_to_utc(end_day or day, time.fromisoformat(end), TEHRAN),
    )


def blocks_by_title(layout):
    return {block.stop.title: block for block in layout.blocks}


# The layout: plain functions, no app.


def test_overlapping_stops_get_different_lanes():
    meeting = slot("Meeting", "10:00", "11:00")
    call = slot("Call", "10:30", "11:30")
    blocks = blocks_by_title(layout_day([meeting, call], DAY, TEHRAN))
    assert {blocks["Meeting"].lane, blocks["Call"].lane} == {0, 1}
    assert blocks["Meeting"].lanes == blocks["Call"].lanes == 2


def test_stops_that_follow_each_other_all_use_lane_zero():
    stops = [
        slot("Arrival", "08:30", "09:00"),
        slot("Transfer", "09:00", "09:30"),  # starts as the arrival ends: no overlap
        slot("Courtesy call", "09:45", "10:15"),
    ]
    layout = layout_day(stops, DAY, TEHRAN)
    assert [(block.lane, block.lanes) for block in layout.blocks] == [(0, 1)] * 3


def test_a_freed_lane_is_reused_and_a_busy_hour_does_not_squeeze_the_rest_of_the_day():
    stops = [
        slot("Factory tour", "09:00", "11:00"),
        slot("Call home", "09:30", "10:00"),
        slot("Press", "10:15", "10:45"),  # the call's lane is free again
        slot("Lunch", "12:00", "13:00"),  # overlaps nothing
    ]
    blocks = blocks_by_title(layout_day(stops, DAY, TEHRAN))
    assert (blocks["Factory tour"].lane, blocks["Call home"].lane, blocks["Press"].lane) == (
        0,
        1,
        1,
    )
    assert blocks["Press"].lanes == 2
    assert (blocks["Lunch"].lane, blocks["Lunch"].lanes) == (0, 1)


def test_lanes_follow_a_sweep_over_unsorted_input():
    hour = timedelta(hours=1)
    six = local_to_utc(DAY, time(6), TEHRAN)
    spans = [(six + 2 * hour, six + 3 * hour), (six, six + 3 * hour), (six, six + hour)]
    # Swept in start order: 06-07 takes lane 0, 06-09 lane 1, and 08-09 gets lane 0 back.
    assert assign_lanes(spans) == [(0, 2), (1, 2), (0, 2)]


def test_view_runs_from_seven_or_the_earliest_hour_to_the_latest_end_ceiled():
    layout = layout_day([slot("Meeting", "09:15", "10:40")], DAY, TEHRAN)
    assert layout.starts_at == local_to_utc(DAY, time(7), TEHRAN)
    assert layout.ends_at == local_to_utc(DAY, time(11), TEHRAN)
    (block,) = layout.blocks
    assert (block.top, block.height) == (135, 85)
    assert [format_time(mark.at, TEHRAN) for mark in layout.hours][:2] == ["07:00", "08:00"]
    assert layout.hours[-1].offset == layout.minutes == 4 * 60

    early = layout_day([slot("Departure", "05:40", "06:30")], DAY, TEHRAN)
    assert format_time(early.starts_at, TEHRAN) == "05:00"


def test_stop_across_midnight_is_clipped_at_midnight_and_flagged():
    night = slot("Night train", "22:30", "01:00", end_day=DAY + timedelta(days=1))
    evening, morning = layout_days([night], DAY, DAY + timedelta(days=1), TEHRAN)
    (block,) = evening.blocks
    assert block.continues_after
    assert evening.ends_at == local_to_utc(DAY + timedelta(days=1), time(0), TEHRAN)  # 24:00
    assert block.height == 90  # 22:30 to midnight, not the whole stop
    assert block.top + block.height == evening.minutes
    # The stop belongs to the day it starts on: the next morning is not stretched to 00:00.
    assert morning.is_empty


def test_stop_ending_at_midnight_does_not_continue():
    (block,) = layout_day(
        [slot("Dinner", "21:00", "00:00", end_day=DAY + timedelta(days=1))], DAY, TEHRAN
    ).blocks
    assert not block.continues_after


def test_very_short_stops_are_drawn_long_enough_and_kept_apart():
    stops = [slot("Photo", "10:00", "10:05"), slot("Statement", "10:10", "10:30")]
    blocks = blocks_by_title(layout_day(stops, DAY, TEHRAN))
    assert blocks["Photo"].height == MIN_BLOCK_MINUTES
    # Drawn to 10:00 + MIN_BLOCK_MINUTES, the photo would hide the statement's title.
    assert blocks["Photo"].lane != blocks["Statement"].lane


def test_delegation_clock_is_shown_only_where_it_differs():
    stops = [slot("Meeting", "10:00", "11:00")]
    assert layout_day(stops, DAY, TEHRAN, "Asia/Almaty").home_zone == "Asia/Almaty"
    assert layout_day(stops, DAY, TEHRAN, TEHRAN).home_zone is None
    assert layout_day(stops, DAY, TEHRAN, "Iran").home_zone is None  # another name, same clock
    assert layout_day(stops, DAY, TEHRAN, None).home_zone is None


def test_every_visit_day_is_laid_out_even_when_empty():
    days = layout_days([slot("Meeting", "10:00", "11:00")], DAY, DAY + timedelta(days=2), TEHRAN)
    assert [layout.day for layout in days] == [
        DAY,
        DAY + timedelta(days=1),
        DAY + timedelta(days=2),
    ]
    assert [layout.is_empty for layout in days] == [False, True, True]


def test_canvas_puts_lanes_side_by_side_without_overlap():
    stops = [slot("Meeting", "10:00", "11:00"), slot("Call", "10:30", "11:30")]
    layout = layout_day(stops, DAY, TEHRAN, "Asia/Almaty")
    canvas = Canvas.for_day(layout)
    assert canvas.label_columns == 2
    first, second = (canvas.box(block) for block in layout.blocks)
    assert canvas.chart_x <= first.x < first.x + first.width <= second.x
    assert second.x + second.width <= canvas.width
    assert first.y == canvas.y(180)  # 10:00 is three hours below 07:00
    assert canvas.height(layout) > canvas.y(layout.minutes)


# The page.


def day_sections(page: str) -> list[str]:
    return page.split('<section class="timeline-day"')[1:]


def block_for(page: str, stop_id: int) -> str:
    blocks = [part.split("</g>")[0] for part in page.split('<g class="timeline__block')[1:]]
    (block,) = [block for block in blocks if f'#stop-{stop_id}"' in block]
    return block


def row_for(page: str, stop_id: int) -> str:
    rows = [part.split("</tr>")[0] for part in page.split('<tr class="timeline-row')[1:]]
    (row,) = [row for row in rows if f'#stop-{stop_id}"' in row]
    return row


def test_timeline_shows_every_live_stop_on_its_day_at_its_local_time(demo_visit, client, signed_in):
    signed_in(Role.VIEWER)
    visit = demo_visit
    page = client.get(f"/visits/{visit.id}/timeline").text
    days = layout_days(visit.live_stops, visit.start_date, visit.end_date, visit.timezone)
    sections = day_sections(page)
    assert len(sections) == len(days)
    for layout, section in zip(days, sections, strict=True):
        for stop in (block.stop for block in layout.blocks):
            assert f"<bdi>{escape(stop.title)}</bdi>" in section, stop.title
            assert f">{format_time(stop.starts_at, visit.timezone)}</time>" in section
            assert f'href="/visits/{visit.id}#stop-{stop.id}"' in section
    for layout, section in zip(days, sections, strict=True):
        if layout.is_empty:
            assert "Nothing planned" in section


def test_stop_in_the_bin_is_not_on_the_timeline(demo_visit, client, signed_in):
    castle = next(s for s in demo_visit.live_stops if s.kind == StopKind.CULTURAL_VISIT)
    castle.deleted_at = utc_now()
    db.session.commit()
    signed_in(Role.VIEWER)
    page = client.get(f"/visits/{demo_visit.id}/timeline").text
    assert escape(castle.title) not in page
    assert f'#stop-{castle.id}"' not in page


def test_cancelled_stop_is_hatched_and_struck_through(demo_visit, client, signed_in):
    lunch = next(s for s in demo_visit.live_stops if s.kind == StopKind.MEAL)
    lunch.status = StopStatus.CANCELLED
    db.session.commit()
    signed_in(Role.VIEWER)
    page = client.get(f"/visits/{demo_visit.id}/timeline").text
    block = block_for(page, lunch.id)
    assert "timeline__block--cancelled" in block.split(">")[0]
    assert 'fill="url(#timeline-hatch-' in block
    assert "Cancelled" in block
    assert f"<del><bdi>{escape(lunch.title)}</bdi></del>" in row_for(page, lunch.id)


def test_arrival_shows_the_delegations_home_time_beside_the_host_time(
    demo_visit, client, signed_in
):
    signed_in(Role.VIEWER)
    arrival = next(s for s in demo_visit.live_stops if s.kind == StopKind.ARRIVAL)
    assert format_time(arrival.starts_at, demo_visit.timezone) == "08:30"
    assert format_time(arrival.starts_at, demo_visit.delegation_timezone) == "10:00"
    page = client.get(f"/visits/{demo_visit.id}/timeline").text
    row = row_for(page, arrival.id)
    assert re.search(r">08:30</time>–<time[^>]*>09:00</time>", row)
    assert re.search(r">10:00</time>–<time[^>]*>10:30</time>", row)
    svg = day_sections(page)[0].split("</svg>")[0]
    assert ">Almaty</text>" in svg and ">Tehran</text>" in svg
    # The 07:00 gridline reads 08:30 on the delegation's clock.
    assert re.search(
        r'timeline__label" [^>]*>07:00</text>\s*<text class="[^"]*--home"[^>]*>08:30<', svg
    )


def test_same_clock_at_home_shows_no_second_column(create_visit, create_stop, client, signed_in):
    visit = create_visit(delegation_timezone="Iran")
    create_stop(visit, visit.start_date, "10:00", "11:00", title="Meeting at the governorate")
    signed_in(Role.VIEWER)
    page = client.get(f"/visits/{visit.id}/timeline").text
    assert "Meeting at the governorate" in page
    assert "timeline__label--home" not in page and "Home time" not in page


def test_double_booked_stops_are_marked_and_explained(demo_visit, create_stop, client, signed_in):
    ambassador = demo_visit.head_of_delegation
    busy = next(s for s in demo_visit.live_stops if s.kind == StopKind.COURTESY_CALL)
    during = to_local(busy.starts_at + timedelta(minutes=15), demo_visit.timezone)
    call = create_stop(
        demo_visit,
        during.date(),
        f"{during:%H:%M}",
        f"{during + timedelta(minutes=30):%H:%M}",
        title="Call with the embassy in Astana",
        attendees=[ambassador],
    )
    signed_in(Role.VIEWER)
    page = client.get(f"/visits/{demo_visit.id}/timeline").text
    for stop in (busy, call):
        assert "timeline__block--error" in block_for(page, stop.id).split(">")[0]
    # The two overlap, so they sit in different columns.
    x_call = re.search(r'<rect class="timeline__rect" x="([\d.]+)"', block_for(page, call.id))
    x_busy = re.search(r'<rect class="timeline__rect" x="([\d.]+)"', block_for(page, busy.id))
    assert x_call.group(1) != x_busy.group(1)
    section = day_sections(page)[0]
    assert "cannot be at" in section and escape(ambassador.person.display_name) in section


def test_persian_timeline_is_right_to_left_with_persian_digits(demo_visit, client, signed_in):
    user = signed_in(Role.VIEWER)
    user.locale = "fa"
    db.session.commit()
    page = client.get(f"/visits/{demo_visit.id}/timeline").text
    assert 'dir="rtl"' in page
    assert ">۰۸:۳۰</time>" in page  # the arrival, in the host's time
    assert '<svg class="timeline"' in page and 'dir="ltr"' in page


def test_timeline_of_a_missing_or_binned_visit_is_a_404(create_visit, client, signed_in):
    visit = create_visit(deleted_at=utc_now())
    signed_in(Role.VIEWER)
    assert client.get("/visits/999/timeline").status_code == 404
    assert client.get(f"/visits/{visit.id}/timeline").status_code == 404
