"""/api/v1/venues: venues with their weekly hours, closed dates and drive times, with the
same rules as the venue form."""

import json
from datetime import date, time

import sqlalchemy as sa

from planner.accounts.models import Role
from planner.extensions import db
from planner.venues.models import OpeningHours, TravelTime, Venue, VenueClosure, VenueKind
from tests.conftest import reasons

SATURDAY, SUNDAY, MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY = 5, 6, 0, 1, 2, 3, 4
WORKING_DAY = [{"opens": "08:00", "closes": "12:00"}, {"opens": "13:30", "closes": "17:00"}]
# The foundry's week: Saturday to Wednesday with a lunch break, a short Thursday, Friday closed.
FOUNDRY_WEEK = {
    "saturday": WORKING_DAY,
    "sunday": WORKING_DAY,
    "monday": WORKING_DAY,
    "tuesday": WORKING_DAY,
    "wednesday": WORKING_DAY,
    "thursday": [{"opens": "08:00", "closes": "12:30"}],
}
FOUNDRY = {
    "name": "Shapurkhast Alloy Casting foundry",
    "name_native": "کارخانه ریخته‌گری شاپورخواست",
    "kind": "factory",
    "address": "Khorramabad Industrial Estate, Khorramabad–Kuhdasht road",
    "city": "Khorramabad",
    "latitude": 33.495,
    "longitude": 48.3,
    "timezone": "Asia/Tehran",
    "capacity": 30,
    "access_notes": "Helmets and safety glasses at the gate.",
    "opening_hours": FOUNDRY_WEEK,
}


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


def test_planner_adds_a_factory_with_its_working_week_and_reads_it_back(api_as):
    api = api_as(Role.PLANNER)
    created = api.post("/api/v1/venues", json=FOUNDRY)
    assert created.status_code == 201, created.json
    body = created.json
    assert body["always_open"] is False and body["deleted_at"] is None
    assert body["opening_hours"] == {**FOUNDRY_WEEK, "friday": []}
    assert (body["latitude"], body["longitude"], body["capacity"]) == (33.495, 48.3, 30)
    assert api.get(f"/api/v1/venues/{body['id']}").json == body

    hours = stored_hours(body["id"])
    assert FRIDAY not in hours
    assert hours[THURSDAY] == [(time(8), time(12, 30))]
    assert hours[SATURDAY] == [(time(8), time(12)), (time(13, 30), time(17))]


def test_hotel_open_at_all_hours_keeps_no_opening_hours(api_as):
    api = api_as(Role.PLANNER)
    hotel = {**FOUNDRY, "name": "Zagros Hotel", "kind": "hotel", "always_open": True}
    del hotel["opening_hours"]
    response = api.post("/api/v1/venues", json=hotel)
    assert response.status_code == 201, response.json
    assert response.json["always_open"] is True
    assert all(day == [] for day in response.json["opening_hours"].values())
    assert stored_hours(response.json["id"]) == {}


def test_the_form_s_rules_on_hours_are_the_api_s_in_the_same_words(api_as):
    api = api_as(Role.PLANNER)

    def refused(**changes) -> dict[str, str]:
        return reasons(api.post("/api/v1/venues", json={**FOUNDRY, **changes}))

    late = refused(opening_hours={"saturday": [{"opens": "17:00", "closes": "08:00"}]})
    assert late == {
        "opening_hours.saturday.0.closes": "It must close after it opens. For hours past "
        "midnight, close at 23:59 and open the next day at 00:00."
    }
    overlapping = [{"opens": "08:00", "closes": "13:00"}, {"opens": "12:00", "closes": "17:00"}]
    assert refused(opening_hours={"sunday": overlapping}) == {
        "opening_hours.sunday": "The two opening times overlap."
    }
    half = refused(opening_hours={"monday": [{"opens": "08:00"}]})
    assert list(half) == ["opening_hours.monday.0.closes"]
    assert "opening_hours.monday.0.opens" in refused(
        opening_hours={"monday": [{"opens": "8 am", "closes": "12:00"}]}
    )
    assert "opening_hours.fryday" in refused(opening_hours={"fryday": WORKING_DAY})
    assert refused(opening_hours={}) == {
        "always_open": "Closed every day? Tick this if the venue has no fixed opening hours."
    }
    assert refused(always_open=True) == {
        "always_open": "Untick this, or clear the opening times below: it cannot be both."
    }
    assert venue_count() == 0
    assert db.session.scalar(sa.select(sa.func.count(OpeningHours.id))) == 0


def test_bad_venue_fields_are_named_and_nothing_saved(api_as):
    api = api_as(Role.PLANNER)
    bad = reasons(
        api.post(
            "/api/v1/venues",
            json={
                **FOUNDRY,
                "name": "",
                "kind": "castle",
                "latitude": 200,
                "timezone": "Asia/Khorramabad",
                "capacity": 0,
                "colour": "red",
            },
        )
    )
    assert bad.pop("kind").startswith("Must be one of: office, factory")
    assert bad == {
        "name": "This may not be blank.",
        "latitude": "Enter a number from -90 to 90.",
        "timezone": "“Asia/Khorramabad” is an unknown time zone. Use a name such as Asia/Tehran.",
        "capacity": "Enter a number above zero.",
        "colour": "Unknown field.",
    }
    assert reasons(api.post("/api/v1/venues", json={**FOUNDRY, "longitude": None})) == {
        "longitude": "Give both the latitude and the longitude, or neither."
    }
    assert reasons(api.post("/api/v1/venues", json={**FOUNDRY, "organization_id": 7})) == {
        "organization_id": "There is no organization 7."
    }
    missing = reasons(api.post("/api/v1/venues", json={}))
    assert set(missing) == {"name", "kind", "timezone"}
    assert venue_count() == 0


def test_a_partial_change_is_checked_against_what_is_stored(api_as):
    api = api_as(Role.PLANNER)
    body = api.post("/api/v1/venues", json=FOUNDRY).json
    url = f"/api/v1/venues/{body['id']}"

    moved = api.patch(url, json={"latitude": 33.5, "capacity": None})
    assert moved.status_code == 200, moved.json
    assert (moved.json["latitude"], moved.json["longitude"]) == (33.5, 48.3)
    assert moved.json["capacity"] is None
    assert moved.json["opening_hours"] == body["opening_hours"]  # the week is kept

    assert reasons(api.patch(url, json={"latitude": None, "name": "Renamed"})) == {
        "latitude": "Give both the latitude and the longitude, or neither."
    }
    assert "always_open" in reasons(api.patch(url, json={"opening_hours": {}}))
    assert "always_open" in reasons(
        api.patch(url, json={"always_open": False, "opening_hours": {}})
    )
    half = api.patch(url, json={"opening_hours": {"friday": [{"closes": "12:00"}]}})
    assert list(reasons(half)) == ["opening_hours.friday.0.opens"]
    db.session.expire_all()
    venue = db.session.get(Venue, body["id"])
    assert (venue.name, venue.latitude) == (FOUNDRY["name"], 33.5)
    assert stored_hours(venue.id)[THURSDAY] == [(time(8), time(12, 30))]

    friday_only = api.patch(
        url, json={"opening_hours": {"friday": [{"opens": "09:00", "closes": "11:00:30"}]}}
    )
    assert friday_only.status_code == 200, friday_only.json
    assert friday_only.json["opening_hours"]["friday"] == [{"opens": "09:00", "closes": "11:00:30"}]
    assert friday_only.json["opening_hours"]["saturday"] == []  # the week sent replaces the week
    always = api.patch(url, json={"always_open": True})
    assert always.json["always_open"] is True
    assert stored_hours(body["id"]) == {}
    closed = api.patch(url, json={"always_open": False})
    assert reasons(closed) == {
        "always_open": "Closed every day? Tick this if the venue has no fixed opening hours."
    }


def test_list_is_paged_and_filtered_by_name_kind_and_city(api_as):
    add_venue("Falak-ol-Aflak Castle", kind=VenueKind.CULTURAL_SITE, name_native="قلعه فلک‌الافلاک")
    add_venue("Kiyo Flour factory", kind=VenueKind.FACTORY, address="Kiyo road")
    add_venue("Borujerd Grand Mosque", kind=VenueKind.CULTURAL_SITE, city="Borujerd")
    for number in range(25):
        add_venue(f"Office {number:02}")
    api = api_as(Role.VIEWER)

    first = api.get("/api/v1/venues?page_size=10")
    assert [venue["name"] for venue in first.json][:2] == [
        "Borujerd Grand Mosque",
        "Falak-ol-Aflak Castle",
    ]
    meta = json.loads(first.headers["X-Pagination"])
    assert meta["total"] == 28 and meta["total_pages"] == 3
    assert len(api.all_pages("/api/v1/venues")) == 28

    def names(query: str) -> list[str]:
        response = api.get(f"/api/v1/venues?{query}")
        assert response.status_code == 200, response.json
        return [venue["name"] for venue in response.json]

    assert names("kind=cultural_site") == ["Borujerd Grand Mosque", "Falak-ol-Aflak Castle"]
    assert names("kind=cultural_site&city=Khorramabad") == ["Falak-ol-Aflak Castle"]
    assert names("q=فلک") == ["Falak-ol-Aflak Castle"]
    assert names("q=kiyo road") == ["Kiyo Flour factory"]  # the address too, as on the page
    assert api.get("/api/v1/venues?kind=castle").json["errors"][0]["field"] == "kind"


def test_deleting_moves_to_the_bin_and_restore_brings_it_back(api_as):
    castle = add_venue("Falak-ol-Aflak Castle")
    hotel = add_venue("Zagros Hotel")
    api = api_as(Role.PLANNER)
    url = f"/api/v1/venues/{castle.id}"

    assert api.delete(url).status_code == 204
    db.session.expire_all()
    assert db.session.get(Venue, castle.id).deleted_at is not None
    assert [venue["name"] for venue in api.get("/api/v1/venues").json] == ["Zagros Hotel"]
    binned = api.get("/api/v1/venues?deleted=true").json
    assert [venue["name"] for venue in binned] == ["Falak-ol-Aflak Castle"]
    assert binned[0]["deleted_at"].endswith("+00:00")
    gone = api.get(url)
    assert gone.status_code == 404 and "restore it first" in gone.json["detail"]
    assert api.patch(url, json={"name": "Renamed"}).status_code == 404
    assert api.get(f"{url}/closures").status_code == 404
    assert api.delete(url).status_code == 404
    # A venue in the bin takes no new drive times, as it takes no new stops.
    refused = api.post(
        f"/api/v1/venues/{hotel.id}/drive-times", json={"other_venue_id": castle.id, "minutes": 9}
    )
    assert reasons(refused) == {"other_venue_id": f"There is no venue {castle.id}."}

    restored = api.post(f"{url}/restore")
    assert restored.status_code == 200, restored.json
    assert restored.json["deleted_at"] is None
    names = [venue["name"] for venue in api.get("/api/v1/venues").json]
    assert names == ["Falak-ol-Aflak Castle", "Zagros Hotel"]
    assert api.get("/api/v1/venues?deleted=true").json == []
    assert api.delete("/api/v1/venues/999").status_code == 404


def test_closed_dates_are_added_listed_and_removed(api_as):
    castle = add_venue("Falak-ol-Aflak Castle")
    api = api_as(Role.PLANNER)
    url = f"/api/v1/venues/{castle.id}/closures"
    added = api.post(url, json={"day": "2026-03-21", "reason": " Nowruz "})
    assert added.status_code == 201, added.json
    assert added.json == {"id": added.json["id"], "day": "2026-03-21", "reason": "Nowruz"}
    api.post(url, json={"day": "2026-03-20"})
    assert [closure["day"] for closure in api.get(url).json] == ["2026-03-20", "2026-03-21"]

    assert reasons(api.post(url, json={"day": "2026-03-21"})) == {
        "day": "This date is already marked as closed."
    }
    assert "day" in reasons(api.post(url, json={"day": "21/03"}))
    assert db.session.scalar(sa.select(sa.func.count(VenueClosure.id))) == 2

    other = add_venue("Zagros Hotel")
    closure_id = added.json["id"]
    assert api.delete(f"/api/v1/venues/{other.id}/closures/{closure_id}").status_code == 404
    assert api.delete(f"{url}/{closure_id}").status_code == 204
    assert [closure["day"] for closure in api.get(url).json] == ["2026-03-20"]
    assert api.get("/api/v1/venues/999/closures").status_code == 404


def test_drive_time_is_stored_once_per_pair_whichever_end_it_is_entered_from(api_as):
    castle = add_venue("Falak-ol-Aflak Castle")
    foundry = add_venue("Shapurkhast foundry", kind=VenueKind.FACTORY)
    api = api_as(Role.PLANNER)
    response = api.post(
        f"/api/v1/venues/{foundry.id}/drive-times",
        json={"other_venue_id": castle.id, "minutes": 25, "note": "Rush hour"},
    )
    assert response.status_code == 201, response.json
    assert response.json == {
        "id": response.json["id"],
        "other_venue_id": castle.id,
        "other_venue_name": "Falak-ol-Aflak Castle",
        "minutes": 25,
        "note": "Rush hour",
    }
    travel = db.session.scalar(sa.select(TravelTime))
    assert (travel.first_venue_id, travel.second_venue_id) == (castle.id, foundry.id)
    seen_from_castle = api.get(f"/api/v1/venues/{castle.id}/drive-times").json
    assert [(row["other_venue_name"], row["minutes"]) for row in seen_from_castle] == [
        ("Shapurkhast foundry", 25)
    ]

    again = api.post(
        f"/api/v1/venues/{castle.id}/drive-times",
        json={"other_venue_id": foundry.id, "minutes": 20},
    )
    assert again.json["id"] == response.json["id"]
    db.session.expire_all()
    rows = db.session.scalars(sa.select(TravelTime)).all()
    assert [(row.minutes, row.note) for row in rows] == [(20, None)]

    url = f"/api/v1/venues/{castle.id}/drive-times"
    for minutes in (0, -5, "ten", 24 * 60 + 1):
        refused = api.post(url, json={"other_venue_id": foundry.id, "minutes": minutes})
        assert list(reasons(refused)) == ["minutes"], minutes
    assert reasons(api.post(url, json={"other_venue_id": castle.id, "minutes": 5})) == {
        "other_venue_id": "A drive time links two different venues: choose another one."
    }
    assert reasons(api.post(url, json={"other_venue_id": 999, "minutes": 5})) == {
        "other_venue_id": "There is no venue 999."
    }
    assert db.session.scalar(sa.select(TravelTime.minutes)) == 20

    other = add_venue("Zagros Hotel")
    drive_id = rows[0].id
    assert api.delete(f"/api/v1/venues/{other.id}/drive-times/{drive_id}").status_code == 404
    assert api.delete(f"/api/v1/venues/{foundry.id}/drive-times/{drive_id}").status_code == 204
    assert api.get(url).json == []


def test_viewer_reads_venues_but_cannot_change_them(api_as):
    castle = add_venue("Falak-ol-Aflak Castle")
    hotel = add_venue("Zagros Hotel")
    db.session.add(VenueClosure(venue=castle, day=date(2026, 3, 21)))
    db.session.add(TravelTime.between(castle.id, hotel.id, 10))
    db.session.commit()
    closure_id = db.session.scalar(sa.select(VenueClosure.id))
    travel_id = db.session.scalar(sa.select(TravelTime.id))
    viewer = api_as(Role.VIEWER)
    url = f"/api/v1/venues/{castle.id}"
    assert viewer.get(url).json["name"] == "Falak-ol-Aflak Castle"
    assert len(viewer.get(f"{url}/closures").json) == 1
    assert viewer.get(f"{url}/drive-times").json[0]["minutes"] == 10

    changes = [
        ("POST", "/api/v1/venues", FOUNDRY),
        ("PATCH", url, {"name": "Renamed"}),
        ("DELETE", url, None),
        ("POST", f"{url}/restore", None),
        ("POST", f"{url}/closures", {"day": "2026-04-01"}),
        ("DELETE", f"{url}/closures/{closure_id}", None),
        ("POST", f"{url}/drive-times", {"other_venue_id": hotel.id, "minutes": 9}),
        ("DELETE", f"{url}/drive-times/{travel_id}", None),
    ]
    for method, change_url, body in changes:
        assert viewer.open(change_url, method, json=body).status_code == 403, (method, change_url)
    db.session.expire_all()
    assert venue_count() == 2
    castle = db.session.get(Venue, castle.id)
    assert castle.name == "Falak-ol-Aflak Castle" and castle.deleted_at is None
    assert [closure.day for closure in castle.closures] == [date(2026, 3, 21)]
    assert db.session.scalar(sa.select(TravelTime.minutes)) == 10
