"""The calendar inside a letter is one meeting (iTIP, RFC 5546), not a calendar to subscribe
to: libical's iTIP restrictions hold, and nothing a subscription needs comes with it."""

from datetime import UTC, datetime, timedelta

import pytest

from planner.calendars.ics import CalendarEvent, CalendarInfo, Person, build_calendar
from tests.icscheck import check_all, unfold
from tests.itipcheck import check_itip, itip_problems

NOW = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
OFFICE = Person("Lorestan Chamber of Commerce", "protocol@lorestan-chamber.example")


def castle_visit(status: str = "confirmed") -> CalendarEvent:
    starts = datetime(2026, 12, 16, 7, 15, tzinfo=UTC)
    return CalendarEvent(
        uid="castle@pishvaz.example",
        sequence=2,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=80),
        zone="Asia/Tehran",
        title="Visit to Falak-ol-Aflak Castle",
        status=status,
        last_modified=NOW,
        location="Falak-ol-Aflak Hill, Khorramabad",
        attendees=(Person("Nurlan Zhaksylykov", "ambassador@embassy.example"),),
    )


def calendar(method: str | None, status: str = "confirmed") -> bytes:
    info = CalendarInfo("Visit of the Ambassador", "Asia/Tehran", OFFICE, method=method)
    return build_calendar(info, [castle_visit(status)], now=NOW)


def properties_of(data: bytes, component: str) -> list[str]:
    """The names of the component's own properties (not its subcomponents'), in every such
    component."""
    names, open_components = [], []
    for line in unfold(data).split("\r\n"):
        if line.startswith("BEGIN:"):
            open_components.append(line[len("BEGIN:") :])
        elif line.startswith("END:"):
            open_components.pop()
        elif open_components and open_components[-1] == component:
            names.append(line.split(":", 1)[0].split(";", 1)[0])
    return names


def test_an_invitation_and_a_cancellation_pass_libical_s_itip_restrictions_and_ical_js():
    letters = [calendar("REQUEST"), calendar("CANCEL", status="cancelled")]
    assert [itip_problems(data) for data in letters] == [[], []]
    check_itip(letters)
    assert [report["method"] for report in check_all(letters)] == ["REQUEST", "CANCEL"]


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL"])
def test_a_letter_s_calendar_has_no_calendar_name_and_no_comment_in_its_time_zone(method):
    """MS-OXCICAL 2.1.3.1.1.17: X-WR-CALNAME is omitted for a single meeting; libical's iTIP
    restrictions allow no COMMENT in a VTIMEZONE."""
    data = calendar(method)
    assert "X-WR-CALNAME" not in properties_of(data, "VCALENDAR")
    assert "COMMENT" not in properties_of(data, "VTIMEZONE")
    assert "TZID" in properties_of(data, "VTIMEZONE")  # the zone itself is still there


def test_a_feed_or_a_download_keeps_its_calendar_name():
    data = calendar(None)
    assert "X-WR-CALNAME" in properties_of(data, "VCALENDAR")
    assert "METHOD" not in properties_of(data, "VCALENDAR")
    assert check_all([data])[0]["calname"] == "Visit of the Ambassador"


def test_the_libical_check_fails_a_letter_that_breaks_a_restriction():
    """The check is only worth its passes if it fails these: an invitation without its
    ORGANIZER, and one without the ATTENDEE it is addressed to."""
    good = unfold(calendar("REQUEST"))
    no_organizer = "\r\n".join(
        line for line in good.split("\r\n") if not line.startswith("ORGANIZER")
    )
    no_attendee = "\r\n".join(
        line for line in good.split("\r\n") if not line.startswith("ATTENDEE")
    )
    for bad, missing in ((no_organizer, "ORGANIZER"), (no_attendee, "ATTENDEE")):
        problems = itip_problems(bad.encode())
        assert any(missing in problem for problem in problems), problems
        with pytest.raises(AssertionError, match=missing):
            check_itip([calendar("REQUEST"), bad.encode()])
    assert itip_problems(b"not a calendar") != []
