"""What a calendar client sees in the .ics files Pishvaz emits, read back with ical.js."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from planner import demo
from planner.accounts.models import Role
from planner.calendars import ics
from planner.calendars.events import EventOptions, participant_events
from planner.calendars.feeds import feed_token
from planner.calendars.ics import CalendarInfo, Person, build_calendar
from planner.extensions import db
from planner.itinerary.models import StopStatus
from planner.visits.models import Side
from tests.icscheck import (
    check_all,
    check_ics,
    check_with_shared_tool,
    read_all,
    shared_checker_available,
    unfold,
)

TEHRAN = ZoneInfo("Asia/Tehran")
ALMATY = ZoneInfo("Asia/Almaty")
SECRET = "test-secret"  # conftest.make_app's SECRET_KEY


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def visit_url(visit) -> str:
    return f"/visits/{visit.id}/calendar.ics"


def participant_url(participant) -> str:
    return f"/visits/{participant.visit_id}/participants/{participant.id}/calendar.ics"


def feed_url(owner) -> str:
    return f"/feeds/{feed_token(SECRET, owner)}.ics"


def planned_times() -> dict[str, tuple[datetime, datetime]]:
    """The demo's programme as the planner typed it: title -> naive local start and end."""
    planned = {}
    for fields in demo.STOPS + demo.PLANTED_STOPS:
        day = fields["day"]
        planned[fields["title"]] = (
            datetime.combine(day, time.fromisoformat(fields["starts"])),
            datetime.combine(day, time.fromisoformat(fields["ends"])),
        )
    return planned


def local(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None)


def test_demo_calendars_show_planned_tehran_times_and_almaty_home_times(
    demo_visit, client, signed_in
):
    signed_in(Role.VIEWER)
    files = [client.get(visit_url(demo_visit)).data]
    files += [client.get(participant_url(p)).data for p in demo_visit.participants]
    visit_calendar, *programmes = check_all(files)

    planned = planned_times()
    assert len(visit_calendar["items"]) == len(planned) == len(demo_visit.live_stops)
    for event in [*visit_calendar["items"], *(e for p in programmes for e in p["items"])]:
        starts, ends = planned[event["summary"]]
        start, end = utc(event["start_utc"]), utc(event["end_utc"])
        assert event["tzid"] == "Asia/Tehran"
        assert (local(start, TEHRAN), local(end, TEHRAN)) == (starts, ends), event["summary"]
        # Almaty is UTC+05:00 since March 2024: 90 minutes ahead of Tehran all year.
        home = timedelta(minutes=90)
        assert (local(start, ALMATY), local(end, ALMATY)) == (starts + home, ends + home)

    arrival = next(e for e in visit_calendar["items"] if e["summary"].startswith("Arrival"))
    assert arrival["start_utc"] == "2026-12-15T05:00:00.000Z"  # 08:30 Tehran, 10:00 Almaty
    assert local(utc(arrival["start_utc"]), ALMATY) == datetime(2026, 12, 15, 10, 0)  # noqa: DTZ001 - wall clock


def test_a_visit_in_almaty_shows_0930_as_0430_utc(
    create_visit, create_stop, add_participant, client, signed_in
):
    visit = create_visit(
        title="Return visit to Almaty", timezone="Asia/Almaty", delegation_timezone="Asia/Tehran"
    )
    guest = add_participant(visit, "Reza Karimi", side=Side.DELEGATION)
    create_stop(visit, date(2026, 12, 15), "09:30", "10:45", title="Akimat", attendees=[guest])
    signed_in(Role.VIEWER)
    whole, programme, feed = check_all(
        [
            client.get(visit_url(visit)).data,
            client.get(participant_url(guest)).data,
            client.get(feed_url(guest)).data,
        ]
    )
    for calendar in (whole, programme, feed):
        (event,) = calendar["items"]
        assert event["tzid"] == "Asia/Almaty"
        assert event["start_local"] == "2026-12-15T09:30:00"
        assert event["start_utc"] == "2026-12-15T04:30:00.000Z"
        assert event["end_utc"] == "2026-12-15T05:45:00.000Z"
        assert local(utc(event["start_utc"]), TEHRAN) == datetime(2026, 12, 15, 8, 0)  # noqa: DTZ001 - wall clock
        assert calendar["timezone"] == "Asia/Almaty"


def test_downloads_are_named_calendar_files_with_the_office_as_organizer(
    demo_visit, client, signed_in
):
    signed_in(Role.VIEWER)
    ambassador = demo_visit.head_of_delegation
    response = client.get(participant_url(ambassador))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition == (
        'attachment; filename="nurlan-zhaksylykov-visit-of-the-ambassador-of-kazakhstan-to-'
        'lorestan.ics"'
    )
    assert disposition.isascii()
    calendar = check_ics(response.data)
    assert calendar["calname"] == (
        "Visit of the Ambassador of Kazakhstan to Lorestan — H.E. Nurlan Zhaksylykov"
    )
    assert calendar["timezone"] == "Asia/Tehran"
    assert calendar["method"] is None
    assert calendar["refresh_interval"] is None  # a download does not refresh itself
    stop = next(s for s in demo_visit.live_stops if ambassador in s.attendees)
    event = next(e for e in calendar["items"] if e["uid"] == stop.calendar_uid)
    assert event["url"] == f"http://127.0.0.1:5000/visits/{demo_visit.id}#stop-{stop.id}"
    assert event["organizer"] == {
        "address": "mailto:protocol@pishvaz.invalid",
        "cn": "Lorestan Chamber of Commerce — Protocol Office",
    }

    response = client.get(visit_url(demo_visit))
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="visit-of-the-ambassador-of-kazakhstan-to-lorestan.ics"'
    )


def test_a_persian_title_gets_an_ascii_filename(create_visit, client, signed_in):
    visit = create_visit(title="سفر سفیر قزاقستان")
    signed_in(Role.VIEWER)
    response = client.get(visit_url(visit))
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="visit-{visit.id}.ics"'
    )
    assert check_ics(response.data)["calname"] == "سفر سفیر قزاقستان"


def test_downloads_need_a_live_visit_and_its_own_participant(
    demo_visit, create_visit, add_participant, client, signed_in
):
    signed_in(Role.VIEWER)
    other = create_visit(title="Another visit")
    stranger = add_participant(other, "Someone Else")
    assert (
        client.get(f"/visits/{demo_visit.id}/participants/{stranger.id}/calendar.ics").status_code
        == 404
    )
    assert client.get("/visits/999/calendar.ics").status_code == 404
    demo_visit.deleted_at = datetime.now(UTC)
    db.session.commit()
    assert client.get(visit_url(demo_visit)).status_code == 404
    assert client.get(participant_url(demo_visit.head_of_delegation)).status_code == 404


def test_participant_calendar_holds_their_stops_only_and_no_staff_note(
    demo_visit, client, signed_in
):
    signed_in(Role.VIEWER)
    participants = demo_visit.participants
    files = [client.get(participant_url(p)).data for p in participants]
    files += [client.get(feed_url(p)).data for p in participants]
    files.append(client.get(visit_url(demo_visit)).data)
    calendars = check_all(files)
    for participant, programme, feed in zip(
        participants, calendars, calendars[len(participants) :], strict=False
    ):
        expected = {s.calendar_uid for s in demo_visit.live_stops if participant in s.attendees}
        for calendar in (programme, feed):
            assert {e["uid"] for e in calendar["items"]} == expected, participant
            assert len(calendar["items"]) == len(expected)

    notes = [s.staff_notes for s in demo_visit.stops if s.staff_notes]
    assert notes
    for data in files:
        text = unfold(data)
        for note in notes:
            # The note's first words, as they would read once unfolded and escaped.
            words = note[:30].replace(",", "\\,").replace(";", "\\;")
            assert words not in text and note[:30].encode() not in data


def test_the_chamber_presidents_feed_holds_this_visit_only(demo_visit, client):
    # He also receives the Basra delegation that afternoon, as that visit's participant.
    name = demo.PEOPLE["chamber_president"]["full_name_latin"]
    president = next(p for p in demo_visit.participants if p.person.full_name_latin == name)
    calendar = check_ics(client.get(feed_url(president)).data)
    summaries = {e["summary"] for e in calendar["items"]}
    assert demo.OTHER_VISIT_STOP["title"] not in summaries
    assert {e["uid"] for e in calendar["items"]} == {
        s.calendar_uid for s in demo_visit.live_stops if president in s.attendees
    }


def test_a_title_with_crlf_and_end_vevent_stays_one_summary(
    create_visit, create_stop, add_participant, client, signed_in
):
    visit = create_visit()
    guest = add_participant(visit, "Aigerim Sarsenbayeva")
    title = "Lunch\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil;SUMMARY:injected; with a semicolon"
    create_stop(
        visit,
        visit.start_date,
        "13:00",
        "14:00",
        title=title,
        public_description="Line one\nDTSTART:19700101T000000Z\nline three; with, punctuation",
        attendees=[guest],
    )
    signed_in(Role.VIEWER)
    for calendar in check_all(
        [client.get(visit_url(visit)).data, client.get(feed_url(guest)).data]
    ):
        (event,) = calendar["items"]
        # Stored before titles had to be one line: calendars are sent it on one line.
        assert event["summary"] == title.replace("\r\n", " ")
        assert (
            event["description"]
            == "Line one\nDTSTART:19700101T000000Z\nline three; with, punctuation"
        )
        assert event["start_utc"] == "2026-12-15T09:30:00.000Z"
        assert event["uid"] != "evil"


def test_persian_text_longer_than_a_line_folds_between_characters(
    create_visit, create_stop, add_participant, client, signed_in
):
    visit = create_visit(title="سفر هیئت قزاقستان به استان لرستان برای گسترش همکاری‌های بازرگانی")
    guest = add_participant(visit, "Mehdi Rahimi", native="مهدی رحیمی", side=Side.HOST)
    title = "بازدید از قلعه فلک‌الافلاک و موزه‌های باستان‌شناسی و مردم‌شناسی لرستان در خرم‌آباد"
    description = (
        "هیئت قزاقستانی با همراهی مدیرکل میراث فرهنگی از قلعه تاریخی فلک‌الافلاک بازدید می‌کند؛ "
        "سپس در موزه‌ی مفرغ‌های لرستان، اشیای دوران باستان را می‌بیند. "
    ) * 3
    create_stop(
        visit,
        visit.start_date,
        "15:00",
        "17:00",
        title=title,
        public_description=description,
        attendees=[guest],
    )
    signed_in(Role.VIEWER)
    files = [client.get(visit_url(visit)).data, client.get(feed_url(guest)).data]
    # The checker refuses a line over 75 octets and a line that is not UTF-8 on its own.
    for data, calendar in zip(files, check_all(files), strict=True):
        (event,) = calendar["items"]
        assert event["summary"] == title
        assert event["description"] == description
        lines = data.split(b"\r\n")
        assert max(len(line) for line in lines) <= 75
        assert any(line.startswith(b" ") for line in lines)  # it did fold
        for line in lines:
            line.decode("utf-8")  # no line ends or starts halfway through a character
        text = unfold(data)
        assert f"\r\nSUMMARY:{title}\r\n" in text
        assert f"\r\nDESCRIPTION:{description.replace(';', chr(92) + ';')}\r\n" in text
    assert check_all(files[1:])[0]["calname"] == f"{visit.title} — Mehdi Rahimi"


def test_cancelled_and_binned_stops_leave_every_calendar(demo_visit, client, signed_in):
    """The visit's download, the participant's feed and a staff feed hold what takes place;
    a client refreshing a subscription drops what it no longer finds."""
    from planner.itinerary import operations

    planner = signed_in(Role.PLANNER)
    castle = next(s for s in demo_visit.live_stops if "castle" in s.title.lower())
    lunch = next(s for s in demo_visit.live_stops if s.kind.value == "meal")
    ambassador = demo_visit.head_of_delegation
    assert ambassador in castle.attendees and ambassador in lunch.attendees
    urls = [visit_url(demo_visit), feed_url(ambassador), feed_url(planner)]
    before = check_all([client.get(url).data for url in urls])
    operations.update_stop(
        db.session,
        castle,
        acting=planner,
        expected_version=castle.version,
        status=StopStatus.CANCELLED,
    )
    operations.delete_stop(db.session, lunch, acting=planner)
    db.session.commit()

    gone = {castle.calendar_uid, lunch.calendar_uid}
    after = check_all([client.get(url).data for url in urls])
    for url, old, new in zip(urls, before, after, strict=True):
        uids_before = {e["uid"] for e in old["items"]}
        uids = {e["uid"] for e in new["items"]}
        assert gone <= uids_before, url
        assert uids == uids_before - gone, url
        assert all(e["status"] in ("CONFIRMED", "TENTATIVE") for e in new["items"]), url


def test_the_checker_refuses_what_clients_trip_over():
    """Our checker is only worth its passes if it fails these."""
    good = build_calendar(
        CalendarInfo(name="Good", zone="Asia/Tehran", organizer=Person("Office", "o@example.org")),
        [],
        now=datetime(2026, 1, 1, tzinfo=UTC),
    )
    summary = "SUMMARY:دیدار".encode()
    event = [
        b"BEGIN:VEVENT",
        b"UID:a@example.org",
        b"DTSTAMP:20260101T000000Z",
        b"DTSTART;TZID=Asia/Almaty:20261215T093000",
        b"DTEND:20261215T040000Z",
        summary[:-1],  # folded inside the last letter's two octets
        b" " + summary[-1:],
        b"X-NOTE:" + b"x" * 70,
        b"STATUS:DONE",
        b"END:VEVENT",
    ]
    bad = good.replace(b"END:VCALENDAR", b"\r\n".join([*event, b"END:VCALENDAR"]))
    bare_lf = good.replace(b"VERSION:2.0\r\n", b"VERSION:2.0\n")
    injected = good.replace(b"END:VCALENDAR", b"END:VCALENDAR\r\nhello world")
    reports = read_all([good, bad, bare_lf, injected])
    assert reports[0]["problems"] == []
    problems = "\n".join(reports[1]["problems"])
    for expected in (
        "not valid UTF-8 on its own (a fold splits a character)",
        "octets, longer than 75",
        "TZID Asia/Almaty with no VTIMEZONE",
        "DTEND is not after DTSTART",
        "STATUS DONE is not allowed",
    ):
        assert expected in problems
    assert any("bare LF" in p for p in reports[2]["problems"])
    assert reports[3]["problems"]


def test_build_calendar_of_no_stop_is_still_a_valid_calendar():
    info = CalendarInfo(
        name="Empty", zone="Asia/Tehran", organizer=Person("Office", "office@example.org")
    )
    calendar = check_ics(build_calendar(info, [], now=datetime(2026, 1, 1, tzinfo=UTC)))
    assert calendar["items"] == []


@pytest.mark.skipif(
    not shared_checker_available(),
    # ../shared/tools/ics-check is the workplace's own checker; it exists beside the
    # repository on the office's machines, not in a user's clone. Our checker
    # (tests/ics_check.mjs) runs in every other test; this is the second opinion.
    reason="the workplace's ../shared/tools/ics-check is not on this machine",
)
def test_every_kind_of_calendar_passes_the_workplace_checker_too(
    demo_visit, create_visit, create_stop, add_participant, create_staff, client, signed_in
):
    almaty = create_visit(title="Return visit", timezone="Asia/Almaty")
    guest = add_participant(almaty, "Reza Karimi", native="رضا کریمی")
    create_stop(
        almaty,
        almaty.start_date,
        "09:30",
        "10:30",
        title="دیدار با شهردار آلماتی\r\nEND:VEVENT",
        public_description="توضیح بلند فارسی " * 12,
        attendees=[guest],
    )
    staff = create_staff(Role.VIEWER)
    signed_in(Role.VIEWER)
    files = [
        client.get(visit_url(demo_visit)).data,
        client.get(visit_url(almaty)).data,
        client.get(participant_url(guest)).data,
        client.get(feed_url(guest)).data,
        client.get(feed_url(staff)).data,
        *(client.get(feed_url(p)).data for p in demo_visit.participants),
    ]
    check_with_shared_tool(files)


def test_participant_events_never_carry_staff_notes(demo_visit):
    options = EventOptions(now=datetime.now(UTC))
    for participant in demo_visit.participants:
        for event in participant_events(db.session, participant, options):
            stop = next(s for s in demo_visit.stops if s.calendar_uid == event.uid)
            assert stop.staff_notes not in (event.description, event.title, event.location)


def test_a_zone_is_described_once_for_every_calendar_of_the_same_years(monkeypatch):
    # Building a VTIMEZONE is most of a fresh feed (11 ms for Tehran): two hundred
    # participants' programmes, each over its own days, must not build two hundred.
    ics.vtimezone.cache_clear()
    described = []
    from_tzid = icalendar.Timezone.from_tzid

    def counted(zone, **dates):
        described.append(zone)
        return from_tzid(zone, **dates)

    monkeypatch.setattr(icalendar.Timezone, "from_tzid", staticmethod(counted))
    info = CalendarInfo(name="Programme", zone="Asia/Tehran", organizer=Person("Office"))
    calendars = []
    for day, zone in [
        (3, "Asia/Tehran"),
        (9, "Asia/Tehran"),
        (21, "Asia/Almaty"),
        (27, "Asia/Tehran"),
    ]:
        starts = datetime(2026, 12, day, 9, 30, tzinfo=ZoneInfo(zone))
        event = ics.CalendarEvent(
            uid=f"stop-{day}@pishvaz",
            sequence=0,
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            zone=zone,
            title="Meeting",
            status="confirmed",
            last_modified=starts,
        )
        calendars.append(build_calendar(info, [event], now=starts))
    assert sorted(described) == ["Asia/Almaty", "Asia/Tehran"]
    for calendar in check_all(calendars):
        assert calendar["items"]
