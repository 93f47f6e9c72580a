"""The stop form in fewer steps: the end from the kind's usual length, a new venue (and who runs
it) made inside the form after a warning about likely duplicates, and the next stop's form."""

from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from planner.accounts.models import Role
from planner.clock import utc_now
from planner.extensions import db
from planner.itinerary.kinds import StopKind
from planner.itinerary.models import Stop
from planner.organizations.models import Organization
from planner.timefmt import to_local
from planner.venues.models import Venue
from tests.conftest import count, shown

DAY = date(2026, 12, 15)


def post_stop(client, visit, **fields):
    data = {
        "kind": "official_meeting",
        "title": "Meeting",
        "day": DAY.isoformat(),
        "starts": "10:00",
        "status": "planned",
        **fields,
    }
    return client.post(f"/visits/{visit.id}/stops/new", data=data)


def only_stop() -> Stop:
    return db.session.scalars(sa.select(Stop)).one()


def test_every_kind_of_stop_has_a_usual_length():
    assert {kind: kind.usual_minutes for kind in StopKind} == {
        kind: kind.usual_minutes for kind in StopKind if 15 <= kind.usual_minutes <= 180
    }
    assert StopKind.MEAL.usual_minutes == 90
    assert StopKind.TRANSFER.usual_minutes == 30


@pytest.mark.parametrize(
    ("kind", "minutes"), [("meal", 90), ("official_meeting", 60), ("transfer", 30)]
)
def test_a_stop_without_an_end_lasts_its_kind_s_usual_length(
    client, signed_in, visit, kind, minutes
):
    signed_in(Role.PLANNER)
    assert post_stop(client, visit, kind=kind, ends="").status_code == 302
    stop = only_stop()
    assert stop.ends_at - stop.starts_at == timedelta(minutes=minutes)
    assert to_local(stop.starts_at, visit.timezone).time() == time(10, 0)


def test_an_end_typed_is_kept_and_a_mistyped_one_refused(client, signed_in, visit):
    signed_in(Role.PLANNER)
    assert post_stop(client, visit, kind="meal", ends="10:20").status_code == 302
    assert only_stop().ends_at - only_stop().starts_at == timedelta(minutes=20)
    refused = post_stop(client, visit, kind="meal", ends="ten past")
    assert refused.status_code == 400 and "Not a valid time value" in refused.text
    assert count(Stop) == 1


def test_a_late_dinner_without_an_end_runs_past_midnight(client, signed_in, visit):
    signed_in(Role.PLANNER)
    assert post_stop(client, visit, kind="meal", starts="23:00").status_code == 302
    ends = to_local(only_stop().ends_at, visit.timezone)
    assert (ends.date(), ends.time()) == (DAY + timedelta(days=1), time(0, 30))


def test_the_form_tells_its_script_each_kind_s_length(client, signed_in, visit):
    signed_in(Role.PLANNER)
    form = client.get(f"/visits/{visit.id}/stops/new").text
    assert "data-usual-minutes=" in form and "&#34;meal&#34;: 90" in form
    assert "/static/js/stop-form.js" in form


def test_add_then_the_next_stop_starts_when_this_one_ends(client, signed_in, visit):
    signed_in(Role.PLANNER)
    response = post_stop(client, visit, kind="courtesy_call", another="1")
    assert response.headers["Location"] == (
        f"/visits/{visit.id}/stops/new?day=2026-12-15&starts=10:30"
    )
    form = client.get(response.headers["Location"]).text
    assert 'name="starts" required type="time" value="10:30"' in form


def new_venue(**fields) -> dict:
    return {f"new_venue-{name}": value for name, value in fields.items()}


def test_a_new_venue_and_who_runs_it_are_made_with_the_stop(client, signed_in, visit):
    signed_in(Role.PLANNER)
    response = post_stop(
        client,
        visit,
        **new_venue(
            name="Kiyo Flour and Pasta Company",
            kind="factory",
            latitude="33.4390",
            longitude="48.2790",
            opens="07:00",
            closes="15:00",
        ),
        **{"new_organization-name": "Kiyo Flour and Pasta", "new_organization-country": "IR"},
    )
    assert response.status_code == 302
    venue = only_stop().venue
    assert (venue.name, venue.timezone, venue.organization.name) == (
        "Kiyo Flour and Pasta Company",
        visit.timezone,  # the visit's zone when none is given
        "Kiyo Flour and Pasta",
    )
    assert {(h.weekday, h.opens, h.closes) for h in venue.opening_hours} == {
        (weekday, time(7, 0), time(15, 0)) for weekday in range(7)
    }


def test_a_new_venue_without_hours_is_open_at_all_hours(client, signed_in, visit):
    signed_in(Role.PLANNER)
    assert post_stop(client, visit, **new_venue(name="Hotel Parsian")).status_code == 302
    assert only_stop().venue.opening_hours == []


@pytest.mark.parametrize(
    "fields",
    [
        {"name": "FALAK OL AFLAK   Castle"},
        {"name": "The fortress", "latitude": "33.4880", "longitude": "48.3560"},  # 90 m away
    ],
)
def test_a_venue_like_one_on_file_is_asked_about_before_anything_is_made(
    client, signed_in, visit, castle, fields
):
    signed_in(Role.PLANNER)
    response = post_stop(client, visit, **new_venue(**fields))
    assert response.status_code == 200
    assert "Already on file and perhaps the same:" in shown(response.text)
    assert f'name="use_venue" value="{castle.id}"' in response.text
    assert count(Venue) == 1 and count(Stop) == 0


def test_a_venue_300_metres_away_with_another_name_is_not_asked_about(
    client, signed_in, visit, castle
):
    signed_in(Role.PLANNER)
    fields = new_venue(name="Shapouri House", latitude="33.4903", longitude="48.3551")
    assert post_stop(client, visit, **fields).status_code == 302
    assert count(Venue) == 2


def test_the_planner_uses_the_venue_on_file_or_confirms_a_new_one(client, signed_in, visit, castle):
    signed_in(Role.PLANNER)
    typed = new_venue(name="Falak-ol-Aflak castle")
    assert post_stop(client, visit, use_venue=str(castle.id), **typed).status_code == 302
    assert only_stop().venue_id == castle.id and count(Venue) == 1

    confirmed = post_stop(client, visit, title="Second", **typed, **{"new_venue-confirm": "y"})
    assert confirmed.status_code == 302
    assert count(Venue) == 2


def test_a_venue_in_the_bin_is_no_likely_duplicate(client, signed_in, visit, castle):
    castle.deleted_at = utc_now()
    db.session.commit()
    signed_in(Role.PLANNER)
    assert post_stop(client, visit, **new_venue(name="Falak-ol-Aflak castle")).status_code == 302


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"venue_id": "castle", **new_venue(name="Another")}, "Choose a venue or add a new one"),
        (new_venue(name="Somewhere", latitude="33.4"), "Give both the latitude and the longitude"),
        (new_venue(name="Somewhere", opens="08:00"), "Enter both the opening and the closing"),
        (new_venue(name="Somewhere", timezone="Mars/Olympus"), "time zone"),
        ({"new_organization-name": "Kiyo", "new_organization-country": "IR"}, "new venue"),
    ],
)
def test_an_incomplete_new_venue_saves_nothing_and_says_why(
    client, signed_in, visit, castle, fields, error
):
    if fields.get("venue_id") == "castle":
        fields = {**fields, "venue_id": str(castle.id)}
    signed_in(Role.PLANNER)
    response = post_stop(client, visit, **fields)
    assert response.status_code == 400
    assert error in response.text
    assert count(Venue) == 1 and count(Stop) == 0 and count(Organization) == 0


def test_a_stale_edit_keeps_no_new_venue(client, signed_in, visit, create_stop):
    stop = create_stop(visit, DAY, "10:00", "11:00")
    signed_in(Role.PLANNER)
    response = client.post(
        f"/visits/{visit.id}/stops/{stop.id}/edit",
        data={
            "kind": "official_meeting",
            "title": "Meeting",
            "day": DAY.isoformat(),
            "starts": "10:00",
            "ends": "11:00",
            "status": "planned",
            "version": str(stop.version - 1),
            "seen": "{}",
            **new_venue(name="Hotel Parsian"),
        },
    )
    assert response.status_code == 409
    assert count(Venue) == 0
