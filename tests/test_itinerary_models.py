"""Stops keep their times in UTC and can never end before they start."""

import re
from datetime import UTC, date, datetime, time

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, StatementError

from planner.clock import utc_now
from planner.extensions import db
from planner.itinerary.models import EndBeforeStart, Stop, StopKind, StopStatus
from planner.timefmt import local_to_utc

DAY = date(2026, 12, 15)


def test_database_refuses_a_stop_that_ends_before_it_starts(create_visit, create_stop):
    stop = create_stop(create_visit(), DAY, "09:30", "10:30")
    # Straight to the database, past every check in Python.
    with pytest.raises(IntegrityError):
        db.session.execute(
            sa.text("UPDATE stops SET ends_at = starts_at WHERE id = :id"), {"id": stop.id}
        )
        db.session.flush()
    db.session.rollback()


def test_database_refuses_inserting_a_stop_that_ends_before_it_starts(create_visit):
    visit = create_visit()
    row = {
        "visit_id": visit.id,
        "kind": "meal",
        "title": "Lunch",
        # Plain values, as SQLite stores them; PostgreSQL gets them with their zone below.
        "starts_at": datetime(2026, 12, 15, 9, 0),  # noqa: DTZ001
        "ends_at": datetime(2026, 12, 15, 8, 0),  # noqa: DTZ001
        "status": "planned",
        "calendar_uid": "x@pishvaz",
        "sequence": 0,
        "version": 1,
        "created_at": datetime(2026, 1, 1),  # noqa: DTZ001
        "updated_at": datetime(2026, 1, 1),  # noqa: DTZ001
    }
    if db.engine.dialect.name == "postgresql":
        row = {
            key: (value.replace(tzinfo=UTC) if isinstance(value, datetime) else value)
            for key, value in row.items()
        }
    columns = ", ".join(row)
    placeholders = ", ".join(f":{key}" for key in row)
    with pytest.raises(IntegrityError, match="ends_after_starts"):
        insert = f"INSERT INTO stops ({columns}) VALUES ({placeholders})"  # noqa: S608 - our names
        db.session.execute(sa.text(insert), row)
    db.session.rollback()


def test_model_refuses_end_before_start_with_a_readable_message(create_visit, create_stop):
    stop = create_stop(create_visit(), DAY, "09:30", "10:30")
    with pytest.raises(EndBeforeStart, match="must end after it starts"):
        stop.reschedule(stop.ends_at, stop.starts_at)
    stop.ends_at = stop.starts_at
    with pytest.raises(EndBeforeStart):
        db.session.flush()
    db.session.rollback()


def test_moving_a_stop_past_its_old_end_is_one_valid_step(create_visit, create_stop):
    stop = create_stop(create_visit(), DAY, "09:30", "10:30")
    stop.reschedule(
        local_to_utc(DAY, time(14, 0), "Asia/Tehran"), local_to_utc(DAY, time(15, 0), "Asia/Tehran")
    )
    db.session.commit()
    assert stop.starts_at == datetime(2026, 12, 15, 10, 30, tzinfo=UTC)


def test_naive_datetimes_never_reach_the_database(create_visit):
    visit = create_visit()
    stop = Stop(
        visit=visit,
        kind=StopKind.MEAL,
        title="Lunch",
        starts_at=datetime(2026, 12, 15, 12, 0),  # noqa: DTZ001 - the point of the test
        ends_at=datetime(2026, 12, 15, 13, 0),  # noqa: DTZ001
    )
    db.session.add(stop)
    with pytest.raises(StatementError, match="naive datetime"):
        db.session.flush()
    db.session.rollback()


def test_stop_entered_at_0930_tehran_is_stored_as_0600_utc_and_shown_as_0930(
    create_visit, create_stop, client, signed_in
):
    visit = create_visit(title="Round-trip visit")
    stop = create_stop(visit, DAY, "09:30", "10:45", title="Welcome at the chamber")
    stored = db.session.execute(
        sa.text("SELECT starts_at FROM stops WHERE id = :id"), {"id": stop.id}
    ).scalar()
    if isinstance(stored, str):  # SQLite keeps the UTC wall time as text
        stored = datetime.fromisoformat(stored).replace(tzinfo=UTC)
    assert stored.astimezone(UTC) == datetime(2026, 12, 15, 6, 0, tzinfo=UTC)

    db.session.expire_all()
    assert db.session.get(Stop, stop.id).starts_at == datetime(2026, 12, 15, 6, 0, tzinfo=UTC)

    signed_in()
    page = client.get(f"/visits/{visit.id}").text
    shown = re.sub(r"<[^>]+>", " ", page)  # what a reader sees, not the markup
    assert "09:30" in shown and "10:45" in shown
    assert "06:00" not in shown
    # The delegation's home time (Asia/Almaty, UTC+05:00) is shown beside it.
    assert "11:00" in shown


def test_calendar_uid_is_stable_and_unique(create_visit, create_stop):
    visit = create_visit()
    first = create_stop(visit, DAY, "09:00", "10:00")
    second = create_stop(visit, DAY, "10:00", "11:00")
    uid = first.calendar_uid
    first.title = "Renamed"
    db.session.commit()
    assert first.calendar_uid == uid != second.calendar_uid
    assert uid.endswith("@pishvaz")


def test_live_means_not_binned_and_active_also_not_cancelled_in_python_and_in_queries(
    create_visit, create_stop
):
    visit = create_visit()
    held = create_stop(visit, DAY, "09:00", "10:00", title="Welcome")
    called_off = create_stop(
        visit, DAY, "11:00", "12:00", title="Press", status=StopStatus.CANCELLED
    )
    binned = create_stop(visit, DAY, "13:00", "14:00", title="Lunch", deleted_at=utc_now())
    assert (held.is_live, held.is_active) == (True, True)
    assert (called_off.is_live, called_off.is_active) == (True, False)
    assert (binned.is_live, binned.is_active) == (False, False)
    assert visit.live_stops == [held, called_off] and visit.active_stops == [held]

    def titles(condition) -> list[str]:
        query = sa.select(Stop.title).where(Stop.visit_id == visit.id, condition)
        return list(db.session.scalars(query.order_by(Stop.starts_at)))

    assert titles(Stop.is_live) == ["Welcome", "Press"]
    assert titles(Stop.is_active) == ["Welcome"]
