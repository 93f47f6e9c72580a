"""Calendar versions: every change raises exactly the feeds that show it, and a poll is cheap."""

import threading
import time
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from planner.accounts.models import Role
from planner.calendars import rendered, views
from planner.calendars.feeds import feed_token, revoke_feed
from planner.calendars.models import CalendarVersion
from planner.calendars.versions import OFFICE, OFFICE_ID, PARTICIPANT, USER, VISIT, bump
from planner.extensions import db
from planner.itinerary import operations as stops
from planner.itinerary.models import StopStatus
from planner.outcomes import operations as outcomes
from planner.people import operations as people
from planner.venues import operations as venues
from planner.venues.models import Venue, VenueKind
from planner.visits import operations as visits
from tests.conftest import Statements
from tests.icscheck import check_ics

SECRET = "test-secret"  # conftest.make_app's SECRET_KEY
DAY = date(2026, 12, 15)


def feed_url(owner) -> str:
    return f"/feeds/{feed_token(SECRET, owner)}.ics"


def versions() -> dict[tuple[str, int], int]:
    rows = db.session.execute(
        sa.select(CalendarVersion.owner_kind, CalendarVersion.owner_id, CalendarVersion.version)
    )
    return {(kind, owner_id): version for kind, owner_id, version in rows}


class World:
    """Two visits. Alice is on both (one person, two participants); Bob and Carol are on
    one each. The castle stop has Alice, the lunch Alice and Bob; Carol's visit has a stop
    of its own at another venue. Two staff users; the first owns a follow-up."""

    def __init__(self, create_visit, create_stop, add_participant, create_staff, castle):
        self.planner = create_staff(Role.PLANNER)
        self.owner, self.other_owner = create_staff(Role.PLANNER), create_staff(Role.PLANNER)
        self.visit = create_visit()
        self.other_visit = create_visit(title="Visit of the Basra chamber")
        self.alice = add_participant(self.visit, "Alice Abenova")
        self.bob = add_participant(self.visit, "Bob Bekov")
        self.carol = add_participant(self.other_visit, "Carol Cerny")
        self.alice_again = visits.add_participant(
            db.session, self.other_visit, acting=self.planner, person=self.alice.person,
            side=self.alice.side, role=self.alice.role,
        )  # fmt: skip
        self.castle = castle
        self.hotel = Venue(name="Hotel", kind=VenueKind.HOTEL, timezone="Asia/Tehran")
        db.session.add(self.hotel)
        self.castle_tour = create_stop(self.visit, DAY, "10:00", "11:00", venue=castle)
        self.castle_tour.attendees = [self.alice]
        self.lunch = create_stop(self.visit, DAY, "12:00", "13:00", title="Lunch")
        self.lunch.attendees = [self.alice, self.bob]
        self.elsewhere = create_stop(self.other_visit, DAY, "12:00", "13:00", venue=self.hotel)
        self.elsewhere.attendees = [self.carol]
        self.follow_up = outcomes.create_follow_up(
            db.session, acting=self.planner, visit=self.visit, owner_id=self.owner.id,
            due_date=date(2027, 1, 10), title="Send the minutes",
        )  # fmt: skip
        db.session.commit()


@pytest.fixture
def world(create_visit, create_stop, add_participant, create_staff, castle):
    return World(create_visit, create_stop, add_participant, create_staff, castle)


def move(w, stop, minutes=30):
    stops.update_stop(
        db.session, stop, acting=w.planner, expected_version=stop.version,
        starts_at=stop.starts_at + timedelta(minutes=minutes),
        ends_at=stop.ends_at + timedelta(minutes=minutes),
    )  # fmt: skip


def edit(w, stop, **values):
    stops.update_stop(db.session, stop, acting=w.planner, expected_version=stop.version, **values)


# (what is done, whose calendars must change): the owners as (kind, attribute of World).
CHANGES = {
    "stop time": (
        lambda w: move(w, w.castle_tour),
        [(VISIT, "visit"), (OFFICE, None), (PARTICIPANT, "alice")],
    ),
    "stop venue": (
        lambda w: edit(w, w.castle_tour, venue_id=w.hotel.id),
        [(VISIT, "visit"), (OFFICE, None), (PARTICIPANT, "alice")],
    ),
    "stop added": (
        lambda w: stops.create_stop(
            db.session,
            w.visit,
            acting=w.planner,
            attendees=[w.bob],
            kind=w.lunch.kind,
            title="Press",
            starts_at=w.lunch.ends_at,
            ends_at=w.lunch.ends_at + timedelta(hours=1),
        ),
        [(VISIT, "visit"), (OFFICE, None), (PARTICIPANT, "bob")],
    ),  # fmt: skip
    "stop restored": (
        lambda w: (
            stops.delete_stop(db.session, w.elsewhere, acting=w.planner),
            db.session.commit(),
            stops.restore_stop(db.session, w.elsewhere, acting=w.planner),
        ),
        [(VISIT, "other_visit"), (OFFICE, None), (PARTICIPANT, "carol")],
    ),
    "stop title": (
        lambda w: edit(w, w.elsewhere, title="Talks at the hotel"),
        [(VISIT, "other_visit"), (OFFICE, None), (PARTICIPANT, "carol")],
    ),
    "attendee added": (
        lambda w: edit(w, w.castle_tour, attendees=[w.alice, w.bob]),
        [(VISIT, "visit"), (OFFICE, None), (PARTICIPANT, "alice"), (PARTICIPANT, "bob")],
    ),
    "attendee removed": (
        lambda w: edit(w, w.lunch, attendees=[w.alice]),
        [(VISIT, "visit"), (OFFICE, None), (PARTICIPANT, "alice"), (PARTICIPANT, "bob")],
    ),
    "stop cancelled": (
        lambda w: edit(w, w.castle_tour, status=StopStatus.CANCELLED),
        [(VISIT, "visit"), (OFFICE, None), (PARTICIPANT, "alice")],
    ),
    "stop binned": (
        lambda w: stops.delete_stop(db.session, w.castle_tour, acting=w.planner),
        [(VISIT, "visit"), (OFFICE, None), (PARTICIPANT, "alice")],
    ),
    "visit title": (
        lambda w: visits.update_visit(db.session, w.visit, acting=w.planner, title="New title"),
        [(VISIT, "visit"), (OFFICE, None), (PARTICIPANT, "alice"), (PARTICIPANT, "bob")],
    ),
    "visit binned": (
        lambda w: visits.delete_visit(db.session, w.other_visit, acting=w.planner),
        [
            (VISIT, "other_visit"),
            (OFFICE, None),
            (PARTICIPANT, "carol"),
            (PARTICIPANT, "alice_again"),
        ],
    ),  # fmt: skip
    "visit's reminders": (
        lambda w: visits.update_visit(
            db.session, w.visit, acting=w.planner, reminder_guest_minutes=15
        ),
        [(VISIT, "visit"), (OFFICE, None), (PARTICIPANT, "alice"), (PARTICIPANT, "bob")],
    ),
    "visit's reminders off": (
        lambda w: visits.update_visit(
            db.session, w.other_visit, acting=w.planner, reminder_crew_minutes=None
        ),
        [
            (VISIT, "other_visit"),
            (OFFICE, None),
            (PARTICIPANT, "carol"),
            (PARTICIPANT, "alice_again"),
        ],
    ),  # fmt: skip
    "stop's online link": (
        lambda w: edit(w, w.lunch, online_url="https://meet.example.org/lunch"),
        [(VISIT, "visit"), (OFFICE, None), (PARTICIPANT, "alice"), (PARTICIPANT, "bob")],
    ),
    "venue renamed": (
        lambda w: venues.update_venue(
            db.session, w.castle, acting=w.planner, hours=None, name="Falak-ol-Aflak"
        ),
        [(VISIT, "visit"), (OFFICE, None), (PARTICIPANT, "alice")],
    ),
    "venue moved": (
        lambda w: venues.update_venue(
            db.session, w.hotel, acting=w.planner, hours=None, latitude=33.5, longitude=48.4
        ),
        [(VISIT, "other_visit"), (OFFICE, None), (PARTICIPANT, "carol")],
    ),
    "visit's zone": (
        lambda w: visits.update_visit(
            db.session, w.other_visit, acting=w.planner, timezone="Asia/Baghdad"
        ),
        [
            (VISIT, "other_visit"),
            (OFFICE, None),
            (PARTICIPANT, "carol"),
            (PARTICIPANT, "alice_again"),
        ],
    ),  # fmt: skip
    "person renamed": (
        lambda w: people.update_person(
            db.session, w.alice.person, acting=w.planner, full_name_latin="Alice Abenova-Kim"
        ),
        [(PARTICIPANT, "alice"), (PARTICIPANT, "alice_again")],
    ),
    "person e-mail": (
        lambda w: people.update_person(
            db.session, w.bob.person, acting=w.planner, email="bob@example.kz"
        ),
        [(PARTICIPANT, "bob")],
    ),
    "participant removed": (
        lambda w: visits.remove_participant(db.session, w.carol, acting=w.planner),
        # Carol's stop lost its only attendee: its SEQUENCE rises for the staff calendars.
        [(PARTICIPANT, "carol"), (VISIT, "other_visit"), (OFFICE, None)],
    ),
    "follow-up due date": (
        lambda w: outcomes.update_follow_up(
            db.session, w.follow_up, acting=w.planner, due_date=date(2027, 1, 20)
        ),
        [(USER, "owner")],
    ),
    "follow-up owner changed": (
        lambda w: outcomes.update_follow_up(
            db.session, w.follow_up, acting=w.planner, owner_id=w.other_owner.id
        ),
        [(USER, "owner"), (USER, "other_owner")],
    ),
    "participant's feed revoked": (
        lambda w: revoke_feed(db.session, w.bob),
        [(PARTICIPANT, "bob")],
    ),
    "staff feed revoked": (
        lambda w: revoke_feed(db.session, w.other_owner),
        [(USER, "other_owner")],
    ),
    "a sign-out elsewhere": (
        lambda w: setattr(w.owner, "session_generation", w.owner.session_generation + 1),
        [],
    ),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_change_raises_exactly_the_calendars_that_show_it(world, change):
    action, concerned = CHANGES[change]
    before = versions()
    action(world)
    db.session.flush()
    after = versions()
    raised = {key for key, version in after.items() if version > before.get(key, 0)}
    expected = {
        (kind, OFFICE_ID if name is None else getattr(world, name).id) for kind, name in concerned
    }
    assert raised == expected
    assert all(after.get(key, 0) >= version for key, version in before.items())


def test_the_version_is_raised_in_the_changes_own_transaction(world):
    key = (PARTICIPANT, world.alice.id)
    before = versions().get(key, 0)
    savepoint = db.session.begin_nested()
    move(world, world.castle_tour)
    assert versions()[key] == before + 1
    savepoint.rollback()
    assert versions().get(key, 0) == before  # a change that is not saved raises nothing


def test_a_changed_calendar_gets_a_new_etag_and_an_unchanged_one_keeps_it(world, client):
    alice, bob = (client.get(feed_url(p)).headers["ETag"] for p in (world.alice, world.bob))
    move(world, world.castle_tour)  # Alice's alone
    db.session.commit()
    assert client.get(feed_url(world.alice), headers={"If-None-Match": alice}).status_code == 200
    assert client.get(feed_url(world.bob), headers={"If-None-Match": bob}).status_code == 304


@pytest.mark.parametrize("owner", ["alice", "owner"])
def test_a_poll_with_a_current_etag_is_one_query_and_commits_nothing(world, client, owner):
    url = feed_url(getattr(world, owner))
    etag = client.get(url).headers["ETag"]
    with Statements() as statements:
        response = client.get(url, headers={"If-None-Match": etag, "Accept-Language": "en"})
    assert response.status_code == 304
    assert len(statements.sent) == 1, statements.sent
    assert statements.commits == 0

    # After a change the old ETag gets the calendar.
    move(world, world.castle_tour)
    if owner == "owner":
        outcomes.update_follow_up(
            db.session, world.follow_up, acting=world.planner, title="Minutes"
        )
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_a_200_of_an_unchanged_feed_commits_nothing_either(world, client):
    with Statements() as statements:
        assert client.get(feed_url(world.owner)).status_code == 200
    assert statements.commits == 0


@pytest.mark.parametrize(
    "owner, language", [("alice", "en"), ("owner", "en"), ("owner", "fa"), ("carol", "fa")]
)
def test_a_calendar_served_from_the_kept_copy_is_the_one_built_fresh(
    world, client, frozen_clock, monkeypatch, owner, language
):
    frozen_clock(datetime(2026, 12, 3, 9, 30, tzinfo=UTC))
    url, headers = feed_url(getattr(world, owner)), {"Accept-Language": language}
    first = client.get(url, headers=headers)
    built = views.build_calendar
    monkeypatch.setattr(views, "build_calendar", lambda *a, **k: pytest.fail("built again"))
    kept = client.get(url, headers=headers)
    rendered.calendars.clear()
    monkeypatch.setattr(views, "build_calendar", built)
    fresh = client.get(url, headers=headers)
    assert kept.status_code == fresh.status_code == 200
    assert kept.data == fresh.data == first.data
    assert kept.headers["ETag"] == fresh.headers["ETag"]
    check_ics(kept.data)


def test_each_language_is_its_own_calendar(world, client):
    english, persian = (
        client.get(feed_url(world.owner), headers={"Accept-Language": language})
        for language in ("en", "fa")
    )
    assert english.headers["ETag"] != persian.headers["ETag"]
    assert check_ics(english.data)["calname"] != check_ics(persian.data)["calname"]


def test_the_staff_feed_holds_the_stops_of_its_window_of_days(
    create_visit, create_stop, create_staff, client, frozen_clock, app
):
    frozen_clock(datetime(2026, 12, 3, 9, 30, tzinfo=UTC))  # 13:00 in Tehran
    today = date(2026, 12, 3)
    visit = create_visit(
        start_date=today - timedelta(days=40), end_date=today + timedelta(days=400)
    )

    def stop_on(days: int, start: str = "10:00", end: str = "11:00"):
        return create_stop(visit, today + timedelta(days=days), start, end, title=f"Day {days}")

    inside = [stop_on(-30, "00:30", "01:00"), stop_on(0), stop_on(365, "23:00", "23:30")]
    outside = [stop_on(-31, "23:00", "23:30"), stop_on(366, "00:30", "01:00")]
    uids = {e["uid"] for e in check_ics(client.get(feed_url(create_staff())).data)["items"]}
    assert {s.calendar_uid for s in inside} <= uids
    assert not {s.calendar_uid for s in outside} & uids

    app.config["STAFF_FEED_DAYS_BACK"] = 31
    uids = {e["uid"] for e in check_ics(client.get(feed_url(create_staff())).data)["items"]}
    assert outside[0].calendar_uid in uids


@pytest.mark.parametrize("owner", ["alice", "owner"])
def test_building_a_feed_takes_as_many_queries_for_many_stops_as_for_few(
    world, client, create_stop, owner
):
    url = feed_url(getattr(world, owner))
    # A departure for Alice, from a stop at a venue, as the ones below.
    edit(world, world.lunch, attendees=[world.bob], venue_id=world.hotel.id)
    db.session.commit()

    def statements_to_build() -> int:
        rendered.calendars.clear()
        with Statements() as statements:
            assert client.get(url).status_code == 200
        return len(statements.sent)

    few = statements_to_build()
    for hour in range(14, 18):
        venue = Venue(name=f"Venue {hour}", kind=VenueKind.HOTEL, timezone="Asia/Tehran")
        stop = create_stop(world.visit, DAY, f"{hour}:00", f"{hour}:30", venue=venue)
        stop.attendees = [world.alice, world.bob]
        db.session.commit()
        if hour % 2:
            edit(world, stop, attendees=[world.bob])  # more departures
    db.session.commit()
    assert statements_to_build() == few


@pytest.mark.committed
def test_two_writers_raising_one_version_at_once_both_count(app):
    key, engine = (OFFICE, OFFICE_ID), db.engine
    first_holds_its_row = threading.Event()

    def first() -> None:
        try:
            with engine.begin() as connection:
                bump(connection, [key])
                first_holds_its_row.set()
                time.sleep(0.3)  # the second writer is now waiting on the row
        finally:
            first_holds_its_row.set()

    writer = threading.Thread(target=first)
    writer.start()
    assert first_holds_its_row.wait(timeout=30)
    with engine.begin() as connection:
        bump(connection, [key])
    writer.join()
    assert versions()[key] == 2
