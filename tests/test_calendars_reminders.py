"""Reminders per role (VALARM), RFC 7986 calendar properties, and a stop's online link.

Guests are reminded 30 minutes before each stop and drivers and escorts 60 unless the visit
says otherwise; the staff calendars carry no reminder. Feeds and downloads have a NAME and
a COLOR, feeds a REFRESH-INTERVAL; letters (iTIP) none of them. A stop with an online link
carries it as a CONFERENCE. Everything is read back by ical.js, letters by libical too.
"""

from datetime import UTC, date, datetime

import pytest

from planner.accounts.models import Role
from planner.calendars.feeds import feed_token
from planner.calendars.ics import CalendarEvent, CalendarInfo, Person, build_calendar
from planner.extensions import db
from planner.visits import operations as visits
from planner.visits.models import ParticipantRole, Side, Visit
from tests.icscheck import check_all, check_ics, unfold
from tests.itipcheck import check_itip
from tests.test_calendars_mail import fresh, send

SECRET = "test-secret"  # conftest.make_app's SECRET_KEY
DAY = date(2026, 12, 15)
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def feed_url(owner) -> str:
    return f"/feeds/{feed_token(SECRET, owner)}.ics"


def alarms(calendar: dict) -> list[list[dict]]:
    return [event["alarms"] for event in calendar["items"]]


def talks(**values) -> CalendarEvent:
    fields = {
        "uid": "talks@pishvaz.test",
        "sequence": 0,
        "starts_at": datetime(2026, 12, 15, 7, 0, tzinfo=UTC),
        "ends_at": datetime(2026, 12, 15, 8, 0, tzinfo=UTC),
        "zone": "Asia/Tehran",
        "title": "Talks at the chamber",
        "status": "confirmed",
        "last_modified": NOW,
    }
    return CalendarEvent(**{**fields, **values})


INFO = CalendarInfo("Programme", "Asia/Tehran", Person("Protocol office", "office@example.org"))


def test_an_alarm_is_a_display_reminder_relative_to_the_start():
    calendar = check_ics(build_calendar(INFO, [talks(alarm_minutes=45)], now=NOW))
    (alarm,) = calendar["items"][0]["alarms"]
    assert alarm["action"] == "DISPLAY"
    assert alarm["description"] == "Talks at the chamber"
    assert alarm["trigger"] == "-PT45M" and alarm["trigger_seconds"] == -45 * 60
    assert alarm["related"] == "START"


def test_no_alarm_without_minutes_or_for_a_cancelled_event():
    none = build_calendar(INFO, [talks()], now=NOW)
    cancelled = build_calendar(INFO, [talks(alarm_minutes=30, status="cancelled")], now=NOW)
    for calendar in check_all([none, cancelled]):
        assert alarms(calendar) == [[]]
    assert b"VALARM" not in none + cancelled


def test_zero_minutes_is_a_reminder_at_the_start():
    calendar = check_ics(build_calendar(INFO, [talks(alarm_minutes=0)], now=NOW))
    assert [alarm["trigger_seconds"] for alarm in calendar["items"][0]["alarms"]] == [0]


class Crew:
    """A visit with a guest, a host, a driver, a liaison officer and someone on the support
    side, all on one stop (with an online link), each with an address."""

    def __init__(self, create_visit, create_stop, add_participant):
        self.visit = create_visit()
        self.guest = add_participant(self.visit, "Nurlan Zhaksylykov", email="nz@example.kz")
        self.host = add_participant(
            self.visit, "Reza Hassanvand", side=Side.HOST, role=ParticipantRole.HOST,
            email="rh@example.ir",
        )  # fmt: skip
        self.driver = add_participant(
            self.visit, "Ali Karimi", side=Side.HOST, role=ParticipantRole.DRIVER,
            email="ak@example.ir",
        )  # fmt: skip
        self.escort = add_participant(
            self.visit, "Sara Moradi", side=Side.HOST, role=ParticipantRole.LIAISON,
            email="sm@example.ir",
        )  # fmt: skip
        self.support = add_participant(
            self.visit, "Omid Rahimi", side=Side.SUPPORT, role=ParticipantRole.OTHER,
            email="or@example.ir",
        )  # fmt: skip
        self.stop = create_stop(
            self.visit, DAY, "10:00", "11:00", title="Talks",
            online_url="https://meet.example.org/talks?pwd=1",
        )  # fmt: skip
        self.stop.attendees = [self.guest, self.host, self.driver, self.escort, self.support]
        db.session.commit()

    @property
    def everyone(self):
        return [self.guest, self.host, self.driver, self.escort, self.support]


@pytest.fixture
def crew(create_visit, create_stop, add_participant):
    return Crew(create_visit, create_stop, add_participant)


@pytest.fixture
def add_participant(add_participant):
    """conftest's, with an e-mail address for the person."""

    def _add(visit, name, email=None, **kwargs):
        participant = add_participant(visit, name, **kwargs)
        participant.person.email = email
        db.session.commit()
        return participant

    return _add


def reminder_seconds(client, participant) -> list:
    response = client.get(feed_url(participant))
    assert response.status_code == 200
    return [[a["trigger_seconds"] for a in event] for event in alarms(check_ics(response.data))]


def test_a_new_visit_reminds_guests_30_minutes_before_and_drivers_and_escorts_60(client, crew):
    assert (crew.visit.reminder_guest_minutes, crew.visit.reminder_crew_minutes) == (30, 60)
    seconds = {p.person.full_name_latin: reminder_seconds(client, p) for p in crew.everyone}
    assert seconds == {
        "Nurlan Zhaksylykov": [[-1800]],
        "Reza Hassanvand": [[-1800]],
        "Ali Karimi": [[-3600]],
        "Sara Moradi": [[-3600]],
        "Omid Rahimi": [[-3600]],
    }


def test_the_visit_s_own_reminders_and_none_when_turned_off(client, crew, create_staff):
    planner = create_staff(Role.PLANNER)
    first = client.get(feed_url(crew.guest)).headers["ETag"]
    visits.update_visit(
        db.session, crew.visit, acting=planner, reminder_guest_minutes=10,
        reminder_crew_minutes=120,
    )  # fmt: skip
    db.session.commit()
    response = client.get(feed_url(crew.guest), headers={"If-None-Match": first})
    assert response.status_code == 200  # the feed's version rose: no 304 for the old copy
    assert response.headers["ETag"] != first
    assert reminder_seconds(client, crew.guest) == [[-600]]
    assert reminder_seconds(client, crew.driver) == [[-7200]]

    visits.update_visit(
        db.session, crew.visit, acting=planner, reminder_guest_minutes=None,
        reminder_crew_minutes=None,
    )  # fmt: skip
    db.session.commit()
    for participant in crew.everyone:
        assert reminder_seconds(client, participant) == [[]]
        assert b"VALARM" not in client.get(feed_url(participant)).data


def test_feeds_and_downloads_carry_name_and_color_and_feeds_a_refresh_interval(
    client, crew, signed_in
):
    signed_in(Role.PLANNER)
    feed = check_ics(client.get(feed_url(crew.guest)).data)
    download = client.get(f"/visits/{crew.visit.id}/participants/{crew.guest.id}/calendar.ics")
    visit_file = client.get(f"/visits/{crew.visit.id}/calendar.ics")
    download, visit_file = check_all([download.data, visit_file.data])
    name = f"{crew.visit.title} — {crew.guest.person.display_name}"
    assert (feed["name"], feed["calname"], feed["color"]) == (name, name, "teal")
    assert (feed["refresh_interval"], feed["published_ttl"]) == ("PT15M", "PT15M")
    assert (download["name"], download["color"], download["refresh_interval"]) == (
        name, "teal", None,
    )  # fmt: skip
    assert (visit_file["name"], visit_file["color"]) == (crew.visit.title, "teal")
    # A download carries the participant's reminder as their feed does.
    assert [[a["trigger_seconds"] for a in e] for e in alarms(download)] == [[-1800]]


def test_the_staff_calendars_carry_no_reminder(client, crew, signed_in):
    user = signed_in(Role.PLANNER)
    staff_feed = client.get(feed_url(user))
    visit_file = client.get(f"/visits/{crew.visit.id}/calendar.ics")
    for calendar in check_all([staff_feed.data, visit_file.data]):
        assert calendar["items"] and alarms(calendar) == [[]] * len(calendar["items"])


def test_an_online_stop_carries_a_conference_link_in_feeds(client, crew):
    (event,) = check_ics(client.get(feed_url(crew.guest)).data)["items"]
    assert event["conferences"] == [
        {
            "uri": "https://meet.example.org/talks?pwd=1",
            "feature": ["AUDIO", "VIDEO"],
            "label": "Join online",
        }
    ]
    assert "CONFERENCE;" in unfold(client.get(feed_url(crew.guest)).data)


def test_letters_carry_the_recipient_s_reminder_and_conference_but_no_calendar_properties(
    client, crew, signed_in, smtp_server
):
    signed_in(Role.PLANNER)
    send(client, crew.visit, "programme")
    letters = smtp_server.letters_by_recipient()
    assert len(letters) == 5
    reports = check_all([mail.calendar_bytes for mails in letters.values() for mail in mails])
    check_itip([mail.calendar_bytes for mails in letters.values() for mail in mails])
    for report in reports:
        assert report["method"] == "REQUEST"
        assert (report["name"], report["calname"], report["color"]) == (None, None, None)
        assert report["refresh_interval"] is None and report["published_ttl"] is None
        (event,) = report["items"]
        assert event["conferences"][0]["uri"] == "https://meet.example.org/talks?pwd=1"
    for mails in letters.values():
        text = unfold(mails[0].calendar_bytes)
        for prop in ("NAME", "COLOR", "REFRESH-INTERVAL", "X-PUBLISHED-TTL", "X-WR-CALNAME"):
            assert f"\r\n{prop}" not in text
    by_address = {
        address: [[a["trigger_seconds"] for a in e] for e in alarms(check_ics(m[0].calendar_bytes))]
        for address, m in letters.items()
    }
    assert by_address == {
        "nz@example.kz": [[-1800]],
        "rh@example.ir": [[-1800]],
        "ak@example.ir": [[-3600]],
        "sm@example.ir": [[-3600]],
        "or@example.ir": [[-3600]],
    }


def test_a_cancellation_carries_no_reminder(client, crew, signed_in, smtp_server):
    signed_in(Role.PLANNER)
    send(client, crew.visit, "programme")
    smtp_server.clear()
    visit = fresh(crew.visit)
    driver = next(p for p in visit.participants if p.role == ParticipantRole.DRIVER)
    assert client.post(f"/visits/{visit.id}/participants/{driver.id}/remove").status_code == 302
    (cancel,) = smtp_server.received()
    assert cancel.method == "CANCEL" and b"VALARM" not in cancel.calendar_bytes
    check_itip([cancel.calendar_bytes])


def visit_form(**changes) -> dict:
    data = {
        "title": "Visit of the Governor of Kostanay Region",
        "visiting_country": "KZ",
        "visiting_organization_id": "",
        "host_organization_id": "",
        "start_date": "2027-03-01",
        "end_date": "2027-03-03",
        "timezone": "Asia/Tehran",
        "status": "proposed",
        "reminder_guest_minutes": "30",
        "reminder_crew_minutes": "60",
    }
    data.update(changes)
    return data


def test_the_visit_form_offers_the_defaults_and_saves_the_planner_s_minutes(client, signed_in):
    signed_in(Role.PLANNER)
    page = client.get("/visits/new").text
    assert 'name="reminder_guest_minutes"' in page and 'value="30"' in page
    assert 'name="reminder_crew_minutes"' in page and 'value="60"' in page
    response = client.post(
        "/visits/new", data=visit_form(reminder_guest_minutes="۴۵", reminder_crew_minutes="")
    )
    assert response.status_code == 302, response.text
    visit = db.session.get(Visit, int(response.location.rsplit("/", 1)[1]))
    assert (visit.reminder_guest_minutes, visit.reminder_crew_minutes) == (45, None)


@pytest.mark.parametrize("minutes", ["1441", "-5", "half an hour"])
def test_the_visit_form_refuses_reminders_out_of_range(client, signed_in, minutes):
    signed_in(Role.PLANNER)
    response = client.post("/visits/new", data=visit_form(reminder_crew_minutes=minutes))
    assert response.status_code == 400
    assert 'class="field-error"' in response.text
    if minutes != "half an hour":
        assert "Between 0 and 1440 minutes before the stop" in response.text
    assert db.session.query(Visit).count() == 0


def test_the_database_refuses_a_reminder_out_of_range(create_visit):
    visit = create_visit()
    visit.reminder_guest_minutes = 1441
    with pytest.raises(Exception, match="(?i)check"):
        db.session.flush()
    db.session.rollback()


def test_the_api_sets_a_stop_s_online_link_https_only(api_as, create_visit):
    visit = create_visit()
    api = api_as(Role.PLANNER)
    body = {
        "kind": "official_meeting",
        "title": "Call with the ministry",
        "starts_at": "2026-12-15T10:00:00+03:30",
        "ends_at": "2026-12-15T11:00:00+03:30",
    }
    for bad in ("http://meet.example.org/x", "javascript:alert(1)", "https://", "meet.example"):
        refused = api.post(f"/api/v1/visits/{visit.id}/stops", json={**body, "online_url": bad})
        assert refused.status_code == 422, bad
        assert "https link" in str(refused.json), refused.json
    created = api.post(
        f"/api/v1/visits/{visit.id}/stops",
        json={**body, "online_url": "https://meet.example.org/ministry"},
    )
    assert created.status_code == 201, created.json
    assert created.json["online_url"] == "https://meet.example.org/ministry"
    cleared = api.patch(
        f"/api/v1/visits/{visit.id}/stops/{created.json['id']}",
        json={"version": created.json["version"], "online_url": None},
    )
    assert cleared.status_code == 200, cleared.json
    assert cleared.json["online_url"] is None


def test_the_stop_form_sets_an_online_link_and_refuses_one_that_is_not_https(
    client, signed_in, create_visit
):
    visit = create_visit()
    signed_in(Role.PLANNER)
    form = {
        "kind": "official_meeting",
        "title": "Call with the ministry",
        "day": DAY.isoformat(),
        "starts": "10:00",
        "ends": "11:00",
        "end_day": "",
        "venue_id": "0",
        "status": "confirmed",
    }
    refused = client.post(
        f"/visits/{visit.id}/stops/new", data={**form, "online_url": "http://meet.example.org"}
    )
    assert refused.status_code == 400
    assert "Enter the meeting&#39;s https link" in refused.text or (
        "Enter the meeting's https link" in refused.text
    )
    saved = client.post(
        f"/visits/{visit.id}/stops/new", data={**form, "online_url": " https://meet.example.org/m "}
    )
    assert saved.status_code == 302, saved.text
    visit = fresh(visit)
    assert [stop.online_url for stop in visit.stops] == ["https://meet.example.org/m"]
