"""/api/v1/visits/{visit_id}/stops: the itinerary through the API, with the stop form's rules
and its optimistic locking."""

import json
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from planner.accounts.models import Role
from planner.calendars.models import Departure
from planner.extensions import db
from planner.itinerary.models import Stop, StopStatus
from planner.venues.models import Venue, VenueKind
from tests.conftest import reasons

DAY = date(2026, 12, 15)
PROBLEM = "application/problem+json"


def castle_visit(**overrides) -> dict:
    body = {
        "kind": "cultural_visit",
        "title": "Visit to Falak-ol-Aflak castle",
        "starts_at": "2026-12-15T10:45:00+03:30",
        "ends_at": "2026-12-15T08:35:00Z",  # 12:05 in Tehran: any offset will do
        "public_description": "A guided tour of the Sassanid castle.",
        "staff_notes": "Director greets at the gate.",
        "status": "confirmed",
    }
    body.update(overrides)
    return body


def stops_url(visit, stop=None, action=None) -> str:
    url = f"/api/v1/visits/{visit.id}/stops"
    if stop is not None:
        url += f"/{stop if isinstance(stop, int) else stop.id}"
    return f"{url}/{action}" if action else url


def stop_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Stop.id)))


def saved(stop_id: int) -> Stop:
    db.session.expire_all()
    return db.session.get(Stop, stop_id)


def test_planner_adds_reads_changes_bins_and_restores_a_stop(
    api_as, create_visit, add_participant, castle
):
    visit = create_visit()
    ambassador = add_participant(visit, "Nurlan Zhaksylykov")
    api = api_as(Role.PLANNER)

    created = api.post(
        stops_url(visit), json=castle_visit(venue_id=castle.id, attendee_ids=[ambassador.id])
    )
    assert created.status_code == 201, created.json
    body = created.json
    # Given back in the stop's zone, whatever offset it was sent with.
    assert body["starts_at"] == "2026-12-15T10:45:00+03:30"
    assert body["ends_at"] == "2026-12-15T12:05:00+03:30"
    assert body["timezone"] == "Asia/Tehran"
    assert (body["venue_id"], body["attendee_ids"]) == (castle.id, [ambassador.id])
    assert body["visit_id"] == visit.id and body["calendar_uid"].endswith("@pishvaz")
    stop = saved(body["id"])
    assert stop.starts_at == datetime(2026, 12, 15, 7, 15, tzinfo=UTC)
    assert stop.updated_by_id == api.user.id

    url = stops_url(visit, body["id"])
    assert api.get(url).json == body

    changed = api.patch(
        url,
        json={"version": body["version"], "title": " Castle and museum ", "staff_notes": ""},
    )
    assert changed.status_code == 200, changed.json
    assert changed.json["title"] == "Castle and museum"
    assert changed.json["staff_notes"] is None
    assert changed.json["starts_at"] == body["starts_at"]  # untouched by a partial change
    assert changed.json["version"] > body["version"]
    assert saved(body["id"]).title == "Castle and museum"

    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404
    assert api.get(stops_url(visit)).json == []
    assert saved(body["id"]).deleted_at is not None  # in the bin, as the page does it

    restored = api.post(stops_url(visit, body["id"], "restore"))
    assert restored.status_code == 200
    assert restored.json["title"] == "Castle and museum"
    assert saved(body["id"]).deleted_at is None
    assert [s["id"] for s in api.get(stops_url(visit)).json] == [body["id"]]
    # Only a stop in the bin can be restored.
    assert api.post(stops_url(visit, body["id"], "restore")).status_code == 404


def test_times_are_given_in_the_zone_of_the_stop_s_venue(api_as, create_visit):
    visit = create_visit()
    embassy = Venue(name="Embassy", kind=VenueKind.OTHER, timezone="Asia/Almaty")
    db.session.add(embassy)
    db.session.commit()
    api = api_as(Role.PLANNER)
    body = api.post(stops_url(visit), json=castle_visit(venue_id=embassy.id)).json
    assert body["timezone"] == "Asia/Almaty"
    assert body["starts_at"] == "2026-12-15T12:15:00+05:00"  # 10:45 in Tehran


def test_list_by_day_in_the_visit_s_zone(api_as, create_visit, create_stop):
    visit = create_visit()
    dinner = create_stop(visit, DAY, "20:00", "22:00", title="Dinner")
    breakfast = create_stop(visit, DAY, "08:00", "09:00", title="Breakfast")
    # 00:30 in Tehran on the 16th is still the 15th in UTC: it belongs to the 16th.
    late_tea = create_stop(visit, DAY + timedelta(days=1), "00:30", "01:00", title="Late tea")
    binned = create_stop(visit, DAY, "12:00", "13:00", title="Binned lunch")
    binned.deleted_at = datetime.now(UTC)
    cancelled = create_stop(visit, DAY, "15:00", "16:00", title="Tour", status=StopStatus.CANCELLED)
    create_stop(create_visit(title="Another visit"), DAY, "09:00", "10:00", title="Elsewhere")
    db.session.commit()
    assert late_tea.starts_at.date() == DAY

    api = api_as(Role.VIEWER)

    def titles(query=""):
        response = api.get(stops_url(visit) + query)
        assert response.status_code == 200, response.json
        return [stop["title"] for stop in response.json]

    assert titles() == ["Breakfast", "Tour", "Dinner", "Late tea"]  # by start, bin left out
    assert titles("?day=2026-12-15") == ["Breakfast", "Tour", "Dinner"]
    assert titles("?day=2026-12-16") == ["Late tea"]
    assert titles("?status=cancelled") == [cancelled.title]
    assert titles("?day=2026-12-15&status=planned") == ["Breakfast", "Dinner"]
    # from and to are instants: from 20:00 Tehran (inclusive) to before 00:30 the next day.
    assert titles("?from=2026-12-15T20:00:00%2B03:30&to=2026-12-15T21:00:00Z") == ["Dinner"]

    page = api.get(stops_url(visit) + "?page_size=2")
    assert json.loads(page.headers["X-Pagination"])["total"] == 4
    assert [s["id"] for s in page.json] == [breakfast.id, cancelled.id]

    naive = api.get(stops_url(visit) + "?from=2026-12-15T20:00:00")
    assert "from" in reasons(naive) and naive.json["errors"][0]["in"] == "query"
    assert "date" in reasons(api.get(stops_url(visit) + "?day=15-12-2026"))["day"].lower()
    assert dinner.id in [s["id"] for s in api.all_pages(stops_url(visit))]


def test_a_visit_in_the_bin_or_a_stop_of_another_visit_is_not_found(
    api_as, create_visit, create_stop
):
    visit, other = create_visit(), create_visit(title="Other")
    stop = create_stop(other, DAY, "09:00", "10:00")
    api = api_as(Role.PLANNER)
    assert api.get(stops_url(visit, stop)).status_code == 404
    assert api.patch(stops_url(visit, stop), json={"version": stop.version}).status_code == 404
    assert api.delete(stops_url(visit, stop)).status_code == 404
    other.deleted_at = datetime.now(UTC)
    db.session.commit()
    assert api.get(stops_url(other)).status_code == 404
    assert api.get(stops_url(other, stop)).status_code == 404
    assert api.post(stops_url(other), json=castle_visit()).status_code == 404
    assert saved(stop.id).deleted_at is None


def test_viewer_reads_but_cannot_change(api_as, create_visit, create_stop):
    visit = create_visit()
    stop = create_stop(visit, DAY, "09:00", "10:00", title="Meeting")
    viewer = api_as(Role.VIEWER)
    assert viewer.get(stops_url(visit, stop)).json["title"] == "Meeting"
    assert viewer.post(stops_url(visit), json=castle_visit()).status_code == 403
    refused = viewer.patch(stops_url(visit, stop), json={"version": stop.version, "title": "X"})
    assert refused.status_code == 403 and refused.content_type == PROBLEM
    assert viewer.delete(stops_url(visit, stop)).status_code == 403
    assert viewer.post(stops_url(visit, stop, "duplicate")).status_code == 403
    assert viewer.post(stops_url(visit, stop, "shift"), json={"minutes": 30}).status_code == 403
    stop.deleted_at = datetime.now(UTC)
    db.session.commit()
    assert viewer.post(stops_url(visit, stop, "restore")).status_code == 403
    assert stop_count() == 1
    kept = saved(stop.id)
    assert (kept.title, kept.deleted_at is not None) == ("Meeting", True)


def test_a_time_without_its_offset_is_refused(api_as, create_visit, create_stop):
    visit = create_visit()
    api = api_as(Role.PLANNER)
    response = api.post(stops_url(visit), json=castle_visit(starts_at="2026-12-15T10:45:00"))
    assert "UTC offset" in reasons(response)["starts_at"]
    response = api.post(stops_url(visit), json=castle_visit(ends_at="9999-12-31T23:59:00-05:00"))
    assert "between the years" in reasons(response)["ends_at"]  # not an overflow and a 500
    assert stop_count() == 0

    stop = create_stop(visit, DAY, "09:00", "10:00")
    response = api.patch(
        stops_url(visit, stop), json={"version": stop.version, "ends_at": "2026-12-15T11:00"}
    )
    assert "UTC offset" in reasons(response)["ends_at"]
    assert saved(stop.id).ends_at == datetime(2026, 12, 15, 6, 30, tzinfo=UTC)  # 10:00 Tehran


def test_a_stop_must_end_after_it_starts_in_the_form_s_words(api_as, create_visit, create_stop):
    visit = create_visit()
    api = api_as(Role.PLANNER)
    response = api.post(stops_url(visit), json=castle_visit(ends_at="2026-12-15T10:00:00+03:30"))
    assert reasons(response) == {"ends_at": "A stop must end after it starts."}
    assert stop_count() == 0

    # A change of one time is checked against the other, as the stop would be once saved.
    stop = create_stop(visit, DAY, "09:00", "10:00")
    url, version = stops_url(visit, stop), stop.version
    response = api.patch(url, json={"version": version, "starts_at": "2026-12-15T06:45:00Z"})
    assert reasons(response) == {"ends_at": "A stop must end after it starts."}
    response = api.patch(url, json={"version": version, "ends_at": "2026-12-15T09:00:00+03:30"})
    assert reasons(response) == {"ends_at": "A stop must end after it starts."}
    kept = saved(stop.id)
    assert (kept.starts_at, kept.ends_at, kept.version) == (
        datetime(2026, 12, 15, 5, 30, tzinfo=UTC),
        datetime(2026, 12, 15, 6, 30, tzinfo=UTC),
        version,
    )


def test_a_stop_may_end_the_next_day_but_not_later(api_as, create_visit):
    visit = create_visit()
    api = api_as(Role.PLANNER)
    too_long = api.post(
        stops_url(visit),
        json=castle_visit(
            starts_at="2026-12-15T22:00:00+03:30", ends_at="2026-12-17T01:00:00+03:30"
        ),
    )
    assert reasons(too_long) == {"ends_at": "A stop can end on its day or the next day."}
    assert stop_count() == 0
    overnight = api.post(
        stops_url(visit),
        json=castle_visit(
            starts_at="2026-12-15T22:00:00+03:30", ends_at="2026-12-16T01:00:00+03:30"
        ),
    )
    assert overnight.status_code == 201, overnight.json


def test_an_unknown_or_binned_venue_is_refused_in_the_form_s_words(
    api_as, create_visit, create_stop, castle
):
    visit = create_visit()
    api = api_as(Role.PLANNER)
    unknown = api.post(stops_url(visit), json=castle_visit(venue_id=9999))
    assert reasons(unknown) == {
        "venue_id": "This venue does not exist or was deleted; choose another."
    }
    castle.deleted_at = datetime.now(UTC)
    db.session.commit()
    binned = api.post(stops_url(visit), json=castle_visit(venue_id=castle.id))
    assert reasons(binned) == {
        "venue_id": "Falak-ol-Aflak castle was deleted; choose another venue or restore it."
    }
    assert stop_count() == 0

    stop = create_stop(visit, DAY, "09:00", "10:00")
    response = api.patch(
        stops_url(visit, stop), json={"version": stop.version, "venue_id": castle.id}
    )
    assert "was deleted" in reasons(response)["venue_id"]
    assert saved(stop.id).venue_id is None


def test_only_the_visit_s_own_participants_can_attend(
    api_as, create_visit, create_stop, add_participant
):
    visit, other = create_visit(), create_visit(title="Other")
    guest = add_participant(visit, "Guest")
    stranger = add_participant(other, "Stranger")
    api = api_as(Role.PLANNER)
    response = api.post(stops_url(visit), json=castle_visit(attendee_ids=[guest.id, stranger.id]))
    assert str(stranger.id) in reasons(response)["attendee_ids"]
    assert stop_count() == 0

    stop = create_stop(visit, DAY, "09:00", "10:00")
    response = api.patch(
        stops_url(visit, stop), json={"version": stop.version, "attendee_ids": [stranger.id]}
    )
    assert set(reasons(response)) == {"attendee_ids"}
    assert saved(stop.id).attendees == []


def test_a_refused_change_keeps_what_was_saved(api_as, create_visit, create_stop):
    visit = create_visit()
    stop = create_stop(visit, DAY, "09:00", "10:00", title="Meeting")
    version = stop.version
    api = api_as(Role.PLANNER)
    response = api.patch(
        stops_url(visit, stop),
        json={
            "version": version,
            "title": "Renamed",
            "status": "confirmed",
            "venue_id": 9999,
            "ends_at": "2026-12-15T08:00:00+03:30",
        },
    )
    assert set(reasons(response)) == {"venue_id", "ends_at"}
    kept = saved(stop.id)
    assert (kept.title, kept.status, kept.version) == ("Meeting", StopStatus.PLANNED, version)

    unknown = api.patch(stops_url(visit, stop), json={"version": version, "id": 5})
    assert reasons(unknown) == {"id": "Unknown field."}


def test_a_change_without_a_version_is_refused(api_as, create_visit, create_stop):
    visit = create_visit()
    stop = create_stop(visit, DAY, "09:00", "10:00", title="Meeting")
    api = api_as(Role.PLANNER)
    response = api.patch(stops_url(visit, stop), json={"title": "Renamed"})
    assert set(reasons(response)) == {"version"}
    assert saved(stop.id).title == "Meeting"


def test_a_change_from_an_old_version_is_refused_with_the_stop_as_it_is_now(
    api_as, create_visit, create_stop
):
    visit = create_visit()
    stop = create_stop(visit, DAY, "10:45", "12:05", title="Castle visit", staff_notes="Gate 2")
    leila, sara = api_as(Role.PLANNER), api_as(Role.PLANNER)
    url = stops_url(visit, stop)
    read_by_sara = sara.get(url).json

    # Leila moves the visit half an hour later and saves first.
    moved = leila.patch(
        url,
        json={
            "version": leila.get(url).json["version"],
            "starts_at": "2026-12-15T11:15:00+03:30",
            "ends_at": "2026-12-15T12:35:00+03:30",
        },
    )
    assert moved.status_code == 200, moved.json

    # Sara, working from the version she read, rewrites the notes and keeps the old time.
    response = sara.patch(
        url,
        json={
            "version": read_by_sara["version"],
            "staff_notes": "Gate 1, not gate 2",
            "starts_at": read_by_sara["starts_at"],
        },
    )
    assert response.status_code == 409
    assert response.content_type == PROBLEM
    problem = response.json
    assert problem["current"] == moved.json  # with its new version
    assert problem["current"]["version"] > read_by_sara["version"]
    assert f"version {moved.json['version']}" in problem["detail"]
    changes = {change["field"]: change for change in problem["changes"]}
    assert changes == {
        "staff_notes": {
            "field": "staff_notes",
            "yours": "Gate 1, not gate 2",
            "current": "Gate 2",
        },
        "starts_at": {
            "field": "starts_at",
            "yours": "2026-12-15T10:45:00+03:30",
            "current": "2026-12-15T11:15:00+03:30",
        },
    }
    kept = saved(stop.id)
    assert kept.staff_notes == "Gate 2"  # nothing of Sara's was saved
    assert kept.starts_at == datetime(2026, 12, 15, 7, 45, tzinfo=UTC)  # Leila's 11:15

    # Sent again with the version she now knows, her notes are saved next to Leila's time.
    retry = sara.patch(
        url, json={"version": problem["current"]["version"], "staff_notes": "Gate 1, not gate 2"}
    )
    assert retry.status_code == 200
    kept = saved(stop.id)
    assert (kept.staff_notes, kept.starts_at) == (
        "Gate 1, not gate 2",
        datetime(2026, 12, 15, 7, 45, tzinfo=UTC),
    )


def test_the_second_of_two_changes_from_the_same_version_is_refused(
    api_as, create_visit, create_stop
):
    visit = create_visit()
    stop = create_stop(visit, DAY, "09:00", "10:00", title="Meeting")
    api = api_as(Role.PLANNER)
    url, version = stops_url(visit, stop), stop.version
    assert api.patch(url, json={"version": version, "title": "First"}).status_code == 200
    second = api.patch(url, json={"version": version, "title": "Second"})
    assert second.status_code == 409
    assert second.json["current"]["title"] == "First"
    assert second.json["changes"] == [{"field": "title", "yours": "Second", "current": "First"}]
    assert saved(stop.id).title == "First"


def test_a_change_of_attendees_is_saved_like_the_page_saves_it(
    api_as, create_visit, create_stop, add_participant
):
    visit = create_visit()
    guest, interpreter = add_participant(visit, "Guest"), add_participant(visit, "Interpreter")
    stop = create_stop(visit, DAY, "09:00", "10:00")
    stop.attendees = [guest, interpreter]
    db.session.commit()
    sequence = saved(stop.id).sequence
    api = api_as(Role.PLANNER)
    response = api.patch(
        stops_url(visit, stop),
        json={"version": saved(stop.id).version, "attendee_ids": [guest.id, guest.id]},
    )
    assert response.status_code == 200, response.json
    assert response.json["attendee_ids"] == [guest.id]
    kept = saved(stop.id)
    assert kept.sequence == sequence + 1  # calendars replace their copy
    # Who left the stop is recorded, as after an edit on the page.
    departures = db.session.scalars(sa.select(Departure)).all()
    assert [(d.stop_id, d.participant_id) for d in departures] == [(stop.id, interpreter.id)]


def test_duplicate_follows_the_original(api_as, create_visit, create_stop, add_participant):
    visit = create_visit()
    guest = add_participant(visit, "Guest")
    stop = create_stop(visit, DAY, "10:00", "10:30", title="Factory tour")
    stop.attendees.append(guest)
    db.session.commit()
    api = api_as(Role.PLANNER)
    copy = api.post(stops_url(visit, stop, "duplicate"))
    assert copy.status_code == 201, copy.json
    assert copy.json["starts_at"] == "2026-12-15T10:30:00+03:30"
    assert copy.json["ends_at"] == "2026-12-15T11:00:00+03:30"
    assert copy.json["attendee_ids"] == [guest.id]
    assert copy.json["calendar_uid"] != stop.calendar_uid
    assert stop_count() == 2


def test_shift_moves_the_rest_of_the_day(api_as, create_visit, create_stop):
    visit = create_visit()
    morning = create_stop(visit, DAY, "09:00", "10:00", title="Morning")
    lunch = create_stop(visit, DAY, "13:00", "14:15", title="Lunch")
    dinner = create_stop(visit, DAY, "19:30", "21:30", title="Dinner")
    tomorrow = create_stop(visit, DAY + timedelta(days=1), "09:00", "10:00", title="Tomorrow")
    before = {s.id: s.starts_at for s in (morning, lunch, dinner, tomorrow)}
    api = api_as(Role.PLANNER)
    url = stops_url(visit, lunch, "shift")

    too_far = api.post(url, json={"minutes": 800})
    assert reasons(too_far) == {"minutes": "Between -720 and 720 minutes."}
    assert saved(lunch.id).starts_at == before[lunch.id]

    response = api.post(url, json={"minutes": 30})
    assert response.status_code == 200, response.json
    assert [s["title"] for s in response.json] == ["Lunch", "Dinner"]
    assert response.json[0]["starts_at"] == "2026-12-15T13:30:00+03:30"
    half_hour = timedelta(minutes=30)
    assert saved(dinner.id).starts_at == before[dinner.id] + half_hour
    assert saved(morning.id).starts_at == before[morning.id]
    assert saved(tomorrow.id).starts_at == before[tomorrow.id]


def test_a_new_stop_without_an_end_lasts_its_kind_s_usual_length(api_as, create_visit):
    visit = create_visit()
    api = api_as(Role.PLANNER)
    body = castle_visit(kind="meal", title="Lunch")
    del body["ends_at"]
    created = api.post(stops_url(visit), json=body)
    assert created.status_code == 201, created.json
    assert created.json["ends_at"] == "2026-12-15T12:15:00+03:30"  # a meal: 90 minutes
