"""Venues: the places on a programme, with their hours, closed dates and drive times."""

import re
from datetime import date, time

import sqlalchemy as sa

from planner.accounts.models import Role
from planner.extensions import db
from planner.venues.forms import WEEK_FROM_SATURDAY
from planner.venues.models import OpeningHours, TravelTime, Venue, VenueClosure, VenueKind
from planner.venues.operations import active_venues

SATURDAY, SUNDAY, MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY = 5, 6, 0, 1, 2, 3, 4

# The foundry's week: Saturday to Wednesday with a lunch break, a short Thursday, Friday closed.
FOUNDRY_HOURS = {
    SATURDAY: [("08:00", "12:00"), ("13:30", "17:00")],
    SUNDAY: [("08:00", "12:00"), ("13:30", "17:00")],
    MONDAY: [("08:00", "12:00"), ("13:30", "17:00")],
    TUESDAY: [("08:00", "12:00"), ("13:30", "17:00")],
    WEDNESDAY: [("08:00", "12:00"), ("13:30", "17:00")],
    THURSDAY: [("08:00", "12:30")],
}


def hours_fields(hours: dict[int, list[tuple[str, str]]], closed=()) -> dict:
    """The weekly table as the venue form posts it, one row per weekday from Saturday."""
    data = {}
    for row, weekday in enumerate(WEEK_FROM_SATURDAY):
        for number, (opens, closes) in enumerate(hours.get(weekday, []), start=1):
            data[f"hours-{row}-opens_{number}"] = opens
            data[f"hours-{row}-closes_{number}"] = closes
        if weekday in closed:
            data[f"hours-{row}-closed"] = "y"
    return data


def foundry_form(hours=FOUNDRY_HOURS, **overrides) -> dict:
    data = {
        "name": "Shapurkhast Alloy Casting foundry",
        "name_native": "کارخانه ریخته‌گری شاپورخواست",
        "kind": "factory",
        "organization_id": "",
        "address": "Khorramabad Industrial Estate, Khorramabad–Kuhdasht road",
        "city": "Khorramabad",
        "latitude": "33.4950",
        "longitude": "48.3000",
        "timezone": "Asia/Tehran",
        "capacity": "30",
        "access_notes": "Helmets and safety glasses at the gate.",
        **hours_fields(hours, closed=(FRIDAY,)),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def add_venue(name: str, **values) -> Venue:
    fields = {"kind": VenueKind.OFFICE, "timezone": "Asia/Tehran", "city": "Khorramabad"}
    fields.update(values)
    venue = Venue(name=name, **fields)
    db.session.add(venue)
    db.session.commit()
    return venue


def venue_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Venue.id)))


def stored_hours(venue_id: int) -> dict[int, list[tuple[time, time]]]:
    hours: dict[int, list] = {}
    for row in db.session.scalars(
        sa.select(OpeningHours)
        .where(OpeningHours.venue_id == venue_id)
        .order_by(OpeningHours.weekday, OpeningHours.opens)
    ):
        hours.setdefault(row.weekday, []).append((row.opens, row.closes))
    return hours


def input_values(page: str) -> dict[str, str]:
    return dict(re.findall(r'<input[^>]*? name="([^"]+)"[^>]*? value="([^"]*)"', page))


def test_planner_adds_a_factory_with_its_working_week(client, signed_in):
    signed_in(Role.PLANNER)
    response = client.post("/venues/new", data=foundry_form())
    assert response.status_code == 302, response.text
    venue = db.session.scalar(sa.select(Venue))
    assert (venue.latitude, venue.longitude, venue.capacity) == (33.495, 48.3, 30)
    assert venue.timezone == "Asia/Tehran" and venue.deleted_at is None
    hours = stored_hours(venue.id)
    assert FRIDAY not in hours
    assert hours[THURSDAY] == [(time(8), time(12, 30))]
    assert hours[SATURDAY] == [(time(8), time(12)), (time(13, 30), time(17))]
    page = client.get(response.location).text
    assert "Shapurkhast Alloy Casting foundry" in page
    assert "13:30–17:00" in page and "Closed" in page
    assert page.index("Saturday") < page.index("Friday")  # the Iranian week


def test_opening_hours_round_trip_through_the_edit_form(client, signed_in):
    signed_in(Role.PLANNER)
    client.post("/venues/new", data=foundry_form())
    venue = db.session.scalar(sa.select(Venue))
    page = client.get(f"/venues/{venue.id}/edit").text
    values = input_values(page)
    sent = hours_fields(FOUNDRY_HOURS)
    assert {key: values.get(key) for key in sent} == sent
    friday_row = WEEK_FROM_SATURDAY.index(FRIDAY)
    assert re.search(rf'checked id="hours-{friday_row}-closed"', page)
    assert not re.search(r'checked id="always_open"', page)
    # Saving the form unchanged changes nothing.
    client.post(f"/venues/{venue.id}/edit", data=foundry_form())
    db.session.expire_all()
    assert stored_hours(venue.id)[MONDAY] == [(time(8), time(12)), (time(13, 30), time(17))]
    assert len(db.session.scalars(sa.select(OpeningHours)).all()) == 11


def test_hotel_open_at_all_hours_keeps_no_opening_hours(client, signed_in):
    signed_in(Role.PLANNER)
    response = client.post(
        "/venues/new",
        data=foundry_form(hours={}, name="Zagros Hotel", kind="hotel", always_open="y"),
    )
    assert response.status_code == 302, response.text
    venue = db.session.scalar(sa.select(Venue))
    assert stored_hours(venue.id) == {}
    assert "Open at all hours" in client.get(f"/venues/{venue.id}").text
    assert re.search(r'checked id="always_open"', client.get(f"/venues/{venue.id}/edit").text)


def test_a_venue_closed_every_day_must_say_it_is_open_at_all_hours(client, signed_in):
    signed_in(Role.PLANNER)
    response = client.post("/venues/new", data=foundry_form(hours={}))
    assert response.status_code == 400
    assert "no fixed opening hours" in response.text
    response = client.post("/venues/new", data=foundry_form(always_open="y"))
    assert response.status_code == 400
    assert "cannot be both" in response.text
    assert venue_count() == 0


def test_latitude_of_200_is_refused_and_nothing_saved(client, signed_in):
    signed_in(Role.PLANNER)
    response = client.post("/venues/new", data=foundry_form(latitude="200"))
    assert response.status_code == 400
    assert "Enter a number from -90 to 90" in response.text
    assert 'value="200"' in response.text  # what the planner typed is still there
    assert input_values(response.text)["hours-0-opens_2"] == "13:30"  # and so are the hours
    assert venue_count() == 0


def test_latitude_without_longitude_is_refused(client, signed_in):
    signed_in(Role.PLANNER)
    response = client.post("/venues/new", data=foundry_form(longitude=""))
    assert response.status_code == 400
    assert "both the latitude and the longitude, or neither" in response.text
    assert venue_count() == 0


def test_unknown_time_zone_is_refused(client, signed_in):
    signed_in(Role.PLANNER)
    for zone in ("GMT+3", "Tehran", "Asia/Khorramabad"):
        response = client.post("/venues/new", data=foundry_form(timezone=zone))
        assert response.status_code == 400, zone
        assert "unknown time zone" in response.text
        assert f'value="{zone}"' in response.text
    assert venue_count() == 0


def test_time_zone_defaults_to_the_office_zone(client, signed_in):
    signed_in(Role.PLANNER)
    page = client.get("/venues/new").text
    assert input_values(page)["timezone"] == "Asia/Tehran"
    assert 'value="Asia/Almaty"' in page  # offered in the list of zones


def test_closing_before_opening_is_refused(client, signed_in):
    signed_in(Role.PLANNER)
    response = client.post("/venues/new", data=foundry_form(hours={SATURDAY: [("17:00", "08:00")]}))
    assert response.status_code == 400
    assert "It must close after it opens" in response.text
    assert venue_count() == 0
    assert db.session.scalar(sa.select(sa.func.count(OpeningHours.id))) == 0


def test_overlapping_intervals_and_half_intervals_are_refused(client, signed_in):
    signed_in(Role.PLANNER)
    overlapping = {SUNDAY: [("08:00", "13:00"), ("12:00", "17:00")]}
    response = client.post("/venues/new", data=foundry_form(hours=overlapping))
    assert response.status_code == 400
    assert "The two opening times overlap" in response.text
    half = foundry_form(**{"hours-0-closes_1": ""})
    response = client.post("/venues/new", data=half)
    assert response.status_code == 400
    assert "Enter both the opening and the closing time" in response.text
    closed_with_hours = foundry_form(**{"hours-0-closed": "y"})
    response = client.post("/venues/new", data=closed_with_hours)
    assert response.status_code == 400
    assert "A closed day has no opening times" in response.text
    assert venue_count() == 0


def test_invalid_edit_changes_nothing(client, signed_in):
    venue = add_venue("Lorestan Chamber of Commerce", capacity=120)
    signed_in(Role.PLANNER)
    response = client.post(
        f"/venues/{venue.id}/edit",
        data=foundry_form(name="Renamed", capacity="0"),
    )
    assert response.status_code == 400
    assert "Enter a number above zero" in response.text
    db.session.expire_all()
    venue = db.session.get(Venue, venue.id)
    assert venue.name == "Lorestan Chamber of Commerce" and venue.capacity == 120
    assert stored_hours(venue.id) == {}


def test_list_searches_and_filters_by_kind_and_city(client, signed_in):
    add_venue("Falak-ol-Aflak Castle", kind=VenueKind.CULTURAL_SITE, name_native="قلعه فلک‌الافلاک")
    add_venue("Kiyo Flour factory", kind=VenueKind.FACTORY)
    add_venue("Borujerd Grand Mosque", kind=VenueKind.CULTURAL_SITE, city="Borujerd")
    signed_in(Role.VIEWER)
    page = client.get("/venues").text
    assert "Falak-ol-Aflak" in page and "Kiyo Flour" in page and "Borujerd Grand" in page
    page = client.get("/venues?kind=cultural_site").text
    assert "Falak-ol-Aflak" in page and "Kiyo Flour" not in page
    page = client.get("/venues?kind=cultural_site&city=Khorramabad").text
    assert "Falak-ol-Aflak" in page and "Borujerd Grand" not in page
    page = client.get("/venues?q=فلک").text
    assert "Falak-ol-Aflak" in page and "Kiyo Flour" not in page


def test_deleted_venue_leaves_the_list_and_the_stop_choices_until_restored(client, signed_in):
    castle = add_venue("Falak-ol-Aflak Castle")
    add_venue("Zagros Hotel")
    signed_in(Role.PLANNER)
    assert (
        "Move <bdi>Falak-ol-Aflak Castle</bdi> to the bin?"
        in client.get(f"/venues/{castle.id}/delete").text
    )
    assert client.post(f"/venues/{castle.id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.get(Venue, castle.id).deleted_at is not None
    assert [venue.name for venue in active_venues(db.session)] == ["Zagros Hotel"]
    castle_link = f'href="/venues/{castle.id}"'
    assert castle_link not in client.get("/venues").text
    assert castle_link in client.get("/venues/bin").text
    assert "is in the bin since" in client.get(f"/venues/{castle.id}").text

    assert client.post(f"/venues/{castle.id}/restore").status_code == 302
    db.session.expire_all()
    names = [venue.name for venue in active_venues(db.session)]
    assert names == ["Falak-ol-Aflak Castle", "Zagros Hotel"]
    assert castle_link in client.get("/venues").text
    assert castle_link not in client.get("/venues/bin").text


def test_closed_dates_are_added_and_removed_on_the_venue_page(client, signed_in):
    castle = add_venue("Falak-ol-Aflak Castle")
    signed_in(Role.PLANNER)
    response = client.post(
        f"/venues/{castle.id}/closures",
        data={"closure-day": "2026-03-21", "closure-reason": "Nowruz"},
    )
    assert response.status_code == 302, response.text
    closure = db.session.scalar(sa.select(VenueClosure))
    assert (closure.day, closure.reason) == (date(2026, 3, 21), "Nowruz")
    page = client.get(f"/venues/{castle.id}").text
    assert "Saturday, 21 March 2026" in page and "Nowruz" in page

    again = client.post(f"/venues/{castle.id}/closures", data={"closure-day": "2026-03-21"})
    assert again.status_code == 400
    assert "already marked as closed" in again.text
    no_date = client.post(f"/venues/{castle.id}/closures", data={"closure-day": "21/03"})
    assert no_date.status_code == 400

    other = add_venue("Zagros Hotel")
    assert client.post(f"/venues/{other.id}/closures/{closure.id}/remove").status_code == 404
    assert client.post(f"/venues/{castle.id}/closures/{closure.id}/remove").status_code == 302
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(VenueClosure.id))) == 0


def test_drive_time_is_stored_once_per_pair_whichever_end_it_is_entered_from(client, signed_in):
    castle = add_venue("Falak-ol-Aflak Castle")
    foundry = add_venue("Shapurkhast foundry", kind=VenueKind.FACTORY)
    signed_in(Role.PLANNER)
    response = client.post(
        f"/venues/{foundry.id}/drive-times",
        data={
            "drive-other_venue_id": str(castle.id),
            "drive-minutes": "25",
            "drive-note": "Rush hour",
        },
    )
    assert response.status_code == 302, response.text
    travel = db.session.scalar(sa.select(TravelTime))
    assert (travel.first_venue_id, travel.second_venue_id) == (castle.id, foundry.id)
    assert (travel.minutes, travel.note) == (25, "Rush hour")
    assert "25 minutes" in client.get(f"/venues/{castle.id}").text  # seen from both ends

    client.post(
        f"/venues/{castle.id}/drive-times",
        data={"drive-other_venue_id": str(foundry.id), "drive-minutes": "20"},
    )
    db.session.expire_all()
    rows = db.session.scalars(sa.select(TravelTime)).all()
    assert [(row.minutes, row.note) for row in rows] == [(20, None)]

    for minutes in ("0", "-5", "ten"):
        response = client.post(
            f"/venues/{castle.id}/drive-times",
            data={"drive-other_venue_id": str(foundry.id), "drive-minutes": minutes},
        )
        assert response.status_code == 400, minutes
    itself = client.post(
        f"/venues/{castle.id}/drive-times",
        data={"drive-other_venue_id": str(castle.id), "drive-minutes": "5"},
    )
    assert itself.status_code == 400

    assert client.post(f"/venues/{castle.id}/drive-times/{rows[0].id}/remove").status_code == 302
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(TravelTime.id))) == 0


def test_viewer_reads_venues_but_cannot_change_them(client, signed_in):
    castle = add_venue("Falak-ol-Aflak Castle")
    hotel = add_venue("Zagros Hotel")
    db.session.add(VenueClosure(venue=castle, day=date(2026, 3, 21)))
    db.session.add(TravelTime.between(castle.id, hotel.id, 10))
    db.session.commit()
    closure_id = db.session.scalar(sa.select(VenueClosure.id))
    travel_id = db.session.scalar(sa.select(TravelTime.id))
    signed_in(Role.VIEWER)
    page = client.get(f"/venues/{castle.id}").text
    assert "Falak-ol-Aflak Castle" in page and "Remove" not in page
    posts = [
        ("/venues/new", foundry_form()),
        (f"/venues/{castle.id}/edit", foundry_form(name="Renamed")),
        (f"/venues/{castle.id}/delete", {}),
        (f"/venues/{castle.id}/restore", {}),
        (f"/venues/{castle.id}/closures", {"closure-day": "2026-04-01"}),
        (f"/venues/{castle.id}/closures/{closure_id}/remove", {}),
        (
            f"/venues/{castle.id}/drive-times",
            {"drive-other_venue_id": hotel.id, "drive-minutes": 9},
        ),
        (f"/venues/{castle.id}/drive-times/{travel_id}/remove", {}),
    ]
    for url, data in posts:
        assert client.post(url, data=data).status_code == 403, url
    db.session.expire_all()
    assert venue_count() == 2
    castle = db.session.get(Venue, castle.id)
    assert castle.name == "Falak-ol-Aflak Castle" and castle.deleted_at is None
    assert [closure.day for closure in castle.closures] == [date(2026, 3, 21)]
    assert db.session.scalar(sa.select(TravelTime.minutes)) == 10


def test_persian_reader_sees_weekday_names_and_hours_in_persian(client, signed_in):
    venue = add_venue("Lorestan Chamber of Commerce")
    venue.opening_hours = [OpeningHours(weekday=SATURDAY, opens=time(7, 30), closes=time(16, 30))]
    db.session.commit()
    user = signed_in(Role.VIEWER)
    user.locale = "fa"
    db.session.commit()
    page = client.get(f"/venues/{venue.id}").text
    assert "شنبه" in page and "جمعه" in page
    assert "۰۷:۳۰–۱۶:۳۰" in page
