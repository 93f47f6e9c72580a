"""/api/v1/visits/{id}/findings: the checker's findings, the same as the visit's checks.json."""

import json
from datetime import date

import pytest

from planner.accounts.models import Role
from planner.extensions import db
from planner.itinerary.checks import Code
from planner.venues.models import Venue, VenueKind
from planner.visits.models import ParticipantRole

DAY = date(2026, 12, 15)


def findings_url(visit) -> str:
    return f"/api/v1/visits/{visit.id}/findings"


def stop_titled(visit, title: str):
    return next(stop for stop in visit.stops if stop.title == title)


@pytest.fixture
def venue(app):
    def _create(name: str, latitude: float, longitude: float) -> Venue:
        place = Venue(
            name=name,
            kind=VenueKind.OFFICE,
            timezone="Asia/Tehran",
            latitude=latitude,
            longitude=longitude,
        )
        db.session.add(place)
        db.session.commit()
        return place

    return _create


def test_the_api_and_checks_json_say_the_same_about_the_demo(demo_visit, api_as, client, signed_in):
    signed_in(Role.VIEWER)
    page = client.get(f"/visits/{demo_visit.id}/checks.json").json
    api = api_as(Role.VIEWER)

    findings = api.all_pages(findings_url(demo_visit))

    assert findings == page["findings"]
    # Every planted mistake is there, errors first (the holiday: Kazakhstan's Independence
    # Day, 16 December, the day of the ambassador's working stops).
    # (No one has answered the demo's invitations: declines are found once someone does,
    # tests/test_calendars_replies.py.)
    answers = {Code.HEAD_OF_DELEGATION_DECLINED, Code.ONLY_INTERPRETER_DECLINED}
    assert {f["code"] for f in findings} == set(Code) - answers
    assert [f["severity"] for f in findings] == sorted(
        (f["severity"] for f in findings), key=lambda severity: severity != "error"
    )
    errors = api.get(f"{findings_url(demo_visit)}?severity=error")
    assert json.loads(errors.headers["X-Pagination"])["total"] == page["errors"]
    assert {f["severity"] for f in errors.json} == {"error"}
    warnings = api.all_pages(f"{findings_url(demo_visit)}?severity=warning")
    assert len(warnings) == page["warnings"]


def test_the_demo_s_chamber_president_booked_by_two_visits_is_found(demo_visit, api_as):
    api = api_as(Role.VIEWER)
    response = api.get(f"{findings_url(demo_visit)}?code=person_double_booked")
    assert response.status_code == 200
    press = stop_titled(demo_visit, "Press statement")
    sister_city = stop_titled(demo_visit, "Sister-city meeting: Khorramabad and Turkistan")
    # One finding per stop of this visit that clashes with the Basra delegation's meeting.
    assert sorted(f["stop_ids"] for f in response.json) == sorted([[press.id], [sister_city.id]])
    for finding in response.json:
        assert finding["severity"] == "error"
        assert finding["message"].startswith("Mr. Bahram Sepahvand cannot be at")
        assert "for another visit" in finding["message"]


def test_a_person_in_two_places_at_once_is_an_error(
    api_as, create_visit, create_stop, add_participant
):
    visit = create_visit()
    head = add_participant(visit, "Yerlan Abenov", role=ParticipantRole.HEAD_OF_DELEGATION)
    meeting = create_stop(visit, DAY, "09:00", "10:00", title="Meeting at the governorate")
    tour = create_stop(
        visit, DAY, "09:30", "11:00", title="Tour of the castle", kind="cultural_visit"
    )
    meeting.attendees.append(head)
    tour.attendees.append(head)
    db.session.commit()
    api = api_as(Role.VIEWER)

    (finding,) = api.get(findings_url(visit)).json

    assert finding == {
        "severity": "error",
        "code": "person_double_booked",
        "message": "Yerlan Abenov cannot be at “Meeting at the governorate” (09:00–10:00) and "
        "“Tour of the castle” (09:30–11:00) at once.",
        "stop_ids": [meeting.id, tour.id],
        "person_ids": [head.person_id],  # who to move
        "venue_ids": [],
    }

    tour.attendees.remove(head)
    db.session.commit()
    assert [f["code"] for f in api.get(findings_url(visit)).json] == ["no_attendees"]


def test_a_drive_that_cannot_be_made_in_time_is_found(
    api_as, create_visit, create_stop, add_participant, venue
):
    visit = create_visit()
    head = add_participant(visit, "Yerlan Abenov", role=ParticipantRole.HEAD_OF_DELEGATION)
    khorramabad = venue("Chamber of Commerce, Khorramabad", 33.4878, 48.3558)
    borujerd = venue("Borujerd Textile Factory", 33.8973, 48.7516)  # about 60 km away
    first = create_stop(visit, DAY, "09:00", "10:00", title="At the chamber", venue=khorramabad)
    second = create_stop(visit, DAY, "10:15", "11:00", title="At the factory", venue=borujerd)
    first.attendees.append(head)
    second.attendees.append(head)
    db.session.commit()

    findings = api_as(Role.VIEWER).get(f"{findings_url(visit)}?code=not_enough_travel_time").json

    (finding,) = findings
    assert finding["severity"] == "error"  # 15 minutes for a drive of over an hour
    assert finding["stop_ids"] == [first.id, second.id]
    assert finding["message"].startswith("Yerlan Abenov: 15 min from “At the chamber”")


def test_findings_are_paged(demo_visit, api_as):
    api = api_as(Role.VIEWER)
    everything = api.all_pages(findings_url(demo_visit))
    first = api.get(f"{findings_url(demo_visit)}?page_size=2")
    second = api.get(f"{findings_url(demo_visit)}?page_size=2&page=2")
    assert first.json + second.json == everything[:4]
    meta = json.loads(first.headers["X-Pagination"])
    assert meta["total"] == len(everything) and meta["next_page"] == 2


def test_a_visit_without_stops_has_nothing_to_find(api_as, create_visit):
    visit = create_visit()
    response = api_as(Role.VIEWER).get(findings_url(visit))
    assert response.status_code == 200 and response.json == []


def test_unknown_filters_and_visits_are_refused(api_as, create_visit):
    visit = create_visit()
    api = api_as(Role.PLANNER)
    refused = api.get(f"{findings_url(visit)}?severity=fatal&code=typo")
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json["errors"]} == {"severity", "code"}
    assert api.get("/api/v1/visits/999/findings").status_code == 404
    api.delete(f"/api/v1/visits/{visit.id}")
    assert api.get(findings_url(visit)).status_code == 404
    # Findings are worked out, not stored: there is nothing to change.
    assert api.post(findings_url(visit), json={}).status_code == 405
