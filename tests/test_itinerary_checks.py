"""The checker on plain records: each check fires on its case and stays quiet on a near miss."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from planner.itinerary.checks import (
    ERROR,
    KIND_RULES,
    MEETING_KINDS,
    WARNING,
    AttendeeInfo,
    Code,
    FindingCounts,
    Plan,
    StopInfo,
    TravelSettings,
    VenueInfo,
    check_plan,
    count_findings,
    distance_km,
)
from planner.itinerary.kinds import StopKind

TEHRAN = ZoneInfo("Asia/Tehran")
DAY = date(2026, 12, 15)  # a Tuesday
VISIT = 1

AMBASSADOR = AttendeeInfo(
    1, "Ambassador", "delegation", "head_of_delegation", frozenset({"kk", "ru", "en"})
)
COUNSELLOR = AttendeeInfo(2, "Counsellor", "delegation", "delegate", frozenset({"kk", "ru"}))
PRESIDENT = AttendeeInfo(3, "Chamber president", "host", "host", frozenset({"fa"}))
KAZAKH_INTERPRETER = AttendeeInfo(
    4,
    "Kazakh interpreter",
    "support",
    "interpreter",
    frozenset({"kk", "ru", "fa"}),
    frozenset({"kk", "fa"}),
)
ENGLISH_INTERPRETER = AttendeeInfo(
    5,
    "English interpreter",
    "support",
    "interpreter",
    frozenset({"en", "fa"}),
    frozenset({"en", "fa"}),
)
RUSSIAN_ENGLISH = AttendeeInfo(
    6,
    "Relay interpreter",
    "support",
    "interpreter",
    frozenset({"ru", "en"}),
    frozenset({"ru", "en"}),
)

CHAMBER = VenueInfo(10, "Chamber of Commerce", "Asia/Tehran", 33.4870, 48.3538)
CASTLE = VenueInfo(
    11,
    "Falak-ol-Aflak castle",
    "Asia/Tehran",
    33.4876,
    48.3551,
    opening_hours={d: [(time(8, 0), time(19, 0))] for d in range(7)},
    closed_dates=frozenset({date(2026, 12, 17)}),
)
# A factory 40 km (great circle) east of the chamber, along the same latitude.
FACTORY = VenueInfo(
    12,
    "Factory",
    "Asia/Tehran",
    33.4870,
    48.3538 + 40 / (111.32 * 0.83405),
    opening_hours={d: [(time(7, 0), time(16, 0))] for d in range(7) if d != 4},  # not Fridays
)
VENUES = {v.id: v for v in (CHAMBER, CASTLE, FACTORY)}
# 40 km of road take 40 min at 60 km/h; 5 min to get in and out.
ROADS = TravelSettings(road_factor=1.0, average_speed_kmh=60, buffer_minutes=5)


def at(hhmm: str, day: date = DAY) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=TEHRAN).astimezone(UTC)


_ids = iter(range(100, 100_000))


def stop(
    start,
    end,
    *,
    venue=CHAMBER,
    attendees=(AMBASSADOR, PRESIDENT, KAZAKH_INTERPRETER),
    kind="official_meeting",
    visit=VISIT,
    title=None,
    day=DAY,
):
    number = next(_ids)
    return StopInfo(
        number,
        visit,
        title or f"Stop {number}",
        kind,
        at(start, day),
        at(end, day),
        venue.id if venue else None,
        tuple(attendees),
    )


def findings(*stops, other=(), settings=ROADS):
    plan = Plan(
        VISIT, "Asia/Tehran", DAY, DAY + timedelta(days=1), tuple(stops), VENUES, tuple(other)
    )
    return check_plan(plan, settings)


def codes(*stops, **kw):
    return [f.code for f in findings(*stops, **kw)]


def test_the_factory_is_forty_kilometres_from_the_chamber():
    assert round(distance_km(CHAMBER, FACTORY)) == 40


def test_a_clean_plan_has_no_findings():
    assert (
        findings(
            stop("09:00", "10:00"), stop("10:15", "11:00", venue=CASTLE, kind="cultural_visit")
        )
        == []
    )


def test_stop_outside_the_visit_dates():
    late = stop("09:00", "10:00", day=DAY + timedelta(days=2))
    [finding] = findings(late)
    assert (finding.code, finding.severity, finding.stop_ids) == (
        Code.OUTSIDE_VISIT_DATES,
        ERROR,
        (late.id,),
    )
    assert codes(stop("09:00", "10:00", day=DAY + timedelta(days=1))) == []


def test_a_stop_late_on_the_last_day_in_tehran_is_inside_though_next_day_in_utc():
    # 23:30 Tehran on the last day is 20:00 UTC the same day; 01:00 next day is outside.
    assert codes(stop("22:00", "23:30", day=DAY + timedelta(days=1))) == []


def test_participant_in_two_stops_at_once():
    first, second = (
        stop("09:00", "10:00"),
        stop("09:30", "10:30", venue=CASTLE, kind="cultural_visit"),
    )
    [finding] = [f for f in findings(first, second) if f.code == Code.PERSON_DOUBLE_BOOKED]
    assert finding.stop_ids == (first.id, second.id)
    assert "Ambassador" in finding.message and "Chamber president" in finding.message


def test_back_to_back_stops_at_the_same_venue_are_not_a_clash():
    assert codes(stop("09:00", "10:00"), stop("10:00", "11:00")) == []


def test_participant_booked_in_another_visit_at_the_same_time():
    ours = stop("09:00", "10:00")
    theirs = stop(
        "09:45", "11:00", visit=2, attendees=(PRESIDENT,), title="Turkish trade mission", venue=None
    )
    [finding] = findings(ours, other=[theirs])
    assert finding.code == Code.PERSON_DOUBLE_BOOKED
    assert finding.stop_ids == (ours.id,)
    assert "another visit" in finding.message and "Turkish trade mission" in finding.message
    near_miss = stop("10:00", "11:00", visit=2, attendees=(PRESIDENT,), venue=None)
    assert codes(ours, other=[near_miss]) == []


def test_venue_used_by_two_visits_at_once():
    ours = stop("09:00", "10:00", venue=CASTLE, kind="cultural_visit")
    theirs = stop("09:30", "10:30", venue=CASTLE, visit=2, attendees=(), kind="cultural_visit")
    assert codes(ours, other=[theirs]) == [Code.VENUE_DOUBLE_BOOKED]
    later = stop("10:00", "10:30", venue=CASTLE, visit=2, attendees=(), kind="cultural_visit")
    assert codes(ours, other=[later]) == []


def test_forty_km_drive_with_thirty_minutes_between_stops_is_impossible():
    meeting = stop("09:00", "10:00")
    tour = stop("10:30", "11:30", venue=FACTORY, kind="factory_tour")
    [finding] = findings(meeting, tour)
    assert (finding.code, finding.severity) == (Code.NOT_ENOUGH_TRAVEL_TIME, ERROR)
    assert finding.stop_ids == (meeting.id, tour.id)
    assert "30 min" in finding.message and "40 min" in finding.message


def test_forty_km_drive_with_forty_five_minutes_between_stops_is_fine():
    assert (
        codes(stop("09:00", "10:00"), stop("10:45", "11:45", venue=FACTORY, kind="factory_tour"))
        == []
    )


def test_drive_that_fits_but_eats_the_buffer_is_a_warning():
    [finding] = findings(
        stop("09:00", "10:00"), stop("10:42", "11:42", venue=FACTORY, kind="factory_tour")
    )
    assert (finding.code, finding.severity) == (Code.NOT_ENOUGH_TRAVEL_TIME, WARNING)


def test_a_known_drive_time_between_two_venues_overrides_the_estimate():
    slow_road = TravelSettings(
        road_factor=1.0,
        average_speed_kmh=60,
        buffer_minutes=5,
        overrides={(FACTORY.id, CHAMBER.id): 70},
    )
    plan = (stop("09:00", "10:00"), stop("10:45", "11:45", venue=FACTORY, kind="factory_tour"))
    assert codes(*plan, settings=slow_road) == [Code.NOT_ENOUGH_TRAVEL_TIME]


def test_venue_closed_outside_opening_hours_and_on_closed_dates():
    evening = stop("19:00", "20:00", venue=CASTLE, kind="cultural_visit")
    assert codes(evening) == [Code.VENUE_CLOSED]
    assert codes(stop("18:00", "19:00", venue=CASTLE, kind="cultural_visit")) == []
    closed_day = stop("10:00", "11:00", venue=CASTLE, kind="cultural_visit", day=date(2026, 12, 17))
    plan = Plan(VISIT, "Asia/Tehran", DAY, date(2026, 12, 17), (closed_day,), VENUES)
    [finding] = check_plan(plan, ROADS)
    assert finding.code == Code.VENUE_CLOSED and "17 Dec 2026" in finding.message


def test_factory_closed_on_friday():
    friday = date(2026, 12, 18)
    tour = stop("09:00", "10:00", venue=FACTORY, kind="factory_tour", day=friday)
    plan = Plan(VISIT, "Asia/Tehran", friday, friday, (tour,), VENUES)
    [finding] = check_plan(plan, ROADS)
    assert finding.code == Code.VENUE_CLOSED and "Friday" in finding.message
    thursday = date(2026, 12, 17)
    tour = stop("09:00", "10:00", venue=FACTORY, kind="factory_tour", day=thursday)
    assert check_plan(Plan(VISIT, "Asia/Tehran", thursday, thursday, (tour,), VENUES), ROADS) == []


def test_meeting_with_no_shared_language_and_no_interpreter():
    meeting = stop("09:00", "10:00", kind="round_table", attendees=(COUNSELLOR, PRESIDENT))
    [finding] = findings(meeting)
    assert finding.code == Code.NO_SHARED_LANGUAGE and finding.severity == ERROR
    assert "Counsellor" in finding.message and "Chamber president" in finding.message


def test_interpreter_who_covers_other_languages_does_not_bridge_the_meeting():
    # The English interpreter cannot help a counsellor who speaks Kazakh and Russian only.
    assert codes(
        stop("09:00", "10:00", attendees=(COUNSELLOR, PRESIDENT, ENGLISH_INTERPRETER))
    ) == [
        Code.NO_SHARED_LANGUAGE,
        Code.HEAD_OF_DELEGATION_ABSENT,
    ]
    # The Kazakh interpreter does.
    meeting = stop(
        "09:00", "10:00", attendees=(AMBASSADOR, COUNSELLOR, PRESIDENT, KAZAKH_INTERPRETER)
    )
    assert codes(meeting) == []


def test_two_interpreters_in_relay_bridge_russian_to_persian():
    # ru -> en (relay interpreter), en -> fa (English interpreter).
    meeting = stop(
        "09:00",
        "10:00",
        attendees=(AMBASSADOR, COUNSELLOR, PRESIDENT, RUSSIAN_ENGLISH, ENGLISH_INTERPRETER),
    )
    assert codes(meeting) == []


def test_a_factory_tour_is_not_held_to_the_language_rule():
    assert (
        codes(
            stop(
                "09:00",
                "10:00",
                venue=FACTORY,
                kind="factory_tour",
                attendees=(COUNSELLOR, PRESIDENT),
            )
        )
        == []
    )


def test_every_stop_kind_is_classified_as_a_meeting_or_not_and_the_checker_names_no_other():
    # A kind added to StopKind must be classified; a renamed one cannot silently drop out.
    assert set(KIND_RULES) == set(StopKind)
    assert all(type(kind) is StopKind for kind in KIND_RULES)
    assert MEETING_KINDS == {kind for kind in StopKind if KIND_RULES[kind].meeting}
    assert StopKind.OFFICIAL_MEETING in MEETING_KINDS
    assert StopKind.FACTORY_TOUR not in MEETING_KINDS


@pytest.mark.parametrize("kind", list(StopKind))
def test_the_language_rule_holds_at_meetings_and_only_there(kind):
    # The plan carries the kind as the stored text, as snapshot.py builds it.
    talk = stop("09:00", "10:00", venue=None, kind=kind.value, attendees=(COUNSELLOR, PRESIDENT))
    assert (Code.NO_SHARED_LANGUAGE in codes(talk)) is KIND_RULES[kind].meeting


def test_stop_with_no_attendees_warns():
    [finding] = findings(stop("09:00", "10:00", attendees=()))
    assert (finding.code, finding.severity) == (Code.NO_ATTENDEES, WARNING)


def test_official_meeting_without_the_head_of_delegation_warns():
    meeting = stop("09:00", "10:00", attendees=(COUNSELLOR, PRESIDENT, KAZAKH_INTERPRETER))
    [finding] = findings(meeting)
    assert (finding.code, finding.severity) == (Code.HEAD_OF_DELEGATION_ABSENT, WARNING)
    assert (
        codes(
            stop(
                "09:00",
                "10:00",
                kind="round_table",
                attendees=(COUNSELLOR, PRESIDENT, KAZAKH_INTERPRETER),
            )
        )
        == []
    )


def test_errors_come_before_warnings():
    result = findings(
        stop("09:00", "10:00", attendees=()), stop("11:00", "12:00", day=DAY + timedelta(days=3))
    )
    assert [f.severity for f in result] == [ERROR, WARNING]


def test_findings_read_naturally_in_english_with_long_lists_shortened():
    from planner.itinerary.messages import render_finding

    crowd = tuple(
        AttendeeInfo(n, f"Delegate {n}", "delegation", "delegate", frozenset({"kk"}))
        for n in range(10, 16)
    )
    meeting = stop("09:00", "10:00")
    tour = stop("10:30", "11:30", venue=FACTORY, kind="factory_tour", attendees=crowd)
    clash = stop("09:30", "11:00", venue=None, kind="meal", attendees=crowd)
    [finding] = [f for f in findings(meeting, tour, clash) if f.code == Code.PERSON_DOUBLE_BOOKED]
    assert finding.message.startswith("Delegate 10, Delegate 11, Delegate 12, and 3 more cannot")
    persian = render_finding(finding, "fa")
    assert "Delegate 10" in persian  # names keep their own digits
    assert "۳ more" in persian and "۰۹:۳۰" in persian  # counts and times in Persian digits


def test_findings_are_counted_as_problems_and_warnings_with_the_worst_first():
    clash = stop("09:00", "10:00", kind="round_table", attendees=(COUNSELLOR, PRESIDENT))
    empty = stop("11:00", "12:00", attendees=())
    counts = count_findings(findings(clash, empty))
    assert counts == FindingCounts(errors=1, warnings=1) and counts.worst == ERROR
    assert count_findings(findings(empty)).worst == WARNING
    clean = count_findings([])
    assert clean == FindingCounts() and clean.worst is None and not clean
