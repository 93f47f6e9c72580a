"""Planners build and change the programme through the stop pages."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from planner.accounts.models import Role
from planner.extensions import db
from planner.itinerary.models import Stop, StopKind
from planner.itinerary.operations import shift_from
from planner.visits.models import ParticipantRole, Side

DAY = date(2026, 12, 15)


def stop_form(**overrides) -> dict:
    data = {
        "kind": "cultural_visit",
        "title": "Visit to Falak-ol-Aflak castle",
        "day": DAY.isoformat(),
        "starts": "10:45",
        "ends": "12:05",
        "end_day": "",
        "venue_id": "0",
        "public_description": "A guided tour of the Sassanid castle.",
        "staff_notes": "Director greets at the gate.",
        "status": "confirmed",
    }
    data.update(overrides)
    return data


def stop_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Stop.id)))


def hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page) or re.search(
        rf'id="{name}" name="{name}" type="hidden" value="([^"]*)"', page
    )
    return match.group(1).replace("&#34;", '"').replace("&quot;", '"')


def test_planner_adds_a_stop_in_local_time(
    create_visit, add_participant, castle, client, signed_in
):
    visit = create_visit()
    ambassador = add_participant(
        visit, "Nurlan Zhaksylykov", role=ParticipantRole.HEAD_OF_DELEGATION
    )
    signed_in(Role.PLANNER)
    response = client.post(
        f"/visits/{visit.id}/stops/new",
        data=stop_form(venue_id=str(castle.id), attendee_ids=[str(ambassador.id)]),
    )
    assert response.status_code == 302, response.text
    stop = db.session.scalars(sa.select(Stop)).one()
    assert stop.starts_at == datetime(2026, 12, 15, 7, 15, tzinfo=UTC)  # 10:45 Tehran
    assert stop.venue_id == castle.id
    assert [p.id for p in stop.attendees] == [ambassador.id]
    assert stop.updated_by.role == Role.PLANNER
    assert response.location.endswith(f"#stop-{stop.id}")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"ends": "10:00"}, "ends", "must end after it starts"),
        ({"starts": "25:00"}, "starts", "Not a valid time"),
        ({"title": "   "}, "title", "This field is required"),
        ({"venue_id": "9999"}, "venue_id", "Not a valid choice"),
        ({"end_day": "2026-12-20"}, "end_day", "its day or the next day"),
    ],
)
def test_stop_form_refuses_bad_input_and_saves_nothing(
    change, field, message, create_visit, client, signed_in
):
    visit = create_visit()
    signed_in(Role.PLANNER)
    response = client.post(f"/visits/{visit.id}/stops/new", data=stop_form(**change))
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.text
    assert message in response.text
    assert stop_count() == 0


def test_a_stop_on_a_deleted_venue_is_refused(create_visit, create_stop, castle, client, signed_in):
    visit = create_visit()
    stop = create_stop(visit, DAY, "10:45", "12:05", venue=castle)
    castle.deleted_at = datetime.now(UTC)
    db.session.commit()
    signed_in(Role.PLANNER)
    # A new stop cannot pick it: it is not offered.
    response = client.post(f"/visits/{visit.id}/stops/new", data=stop_form(venue_id=str(castle.id)))
    assert response.status_code == 400 and stop_count() == 1
    # An existing stop that still points at it must move elsewhere before it can be saved.
    response = client.post(
        f"/visits/{visit.id}/stops/{stop.id}/edit",
        data=stop_form(venue_id=str(castle.id), version=str(stop.version)),
    )
    assert response.status_code == 400
    assert "was deleted" in response.text


def test_moving_a_stop_raises_its_calendar_sequence_but_renaming_does_not(
    create_visit, create_stop, client, signed_in
):
    visit = create_visit()
    stop = create_stop(visit, DAY, "10:45", "12:05", kind=StopKind.CULTURAL_VISIT)
    signed_in(Role.PLANNER)
    client.post(
        f"/visits/{visit.id}/stops/{stop.id}/edit",
        data=stop_form(title="Castle and museum", status="planned", version=str(stop.version)),
    )
    db.session.expire_all()
    stop = db.session.get(Stop, stop.id)
    assert (stop.title, stop.sequence) == ("Castle and museum", 0)
    for change in ({"starts": "11:00"}, {"status": "confirmed"}):
        sequence = stop.sequence
        client.post(
            f"/visits/{visit.id}/stops/{stop.id}/edit",
            data=stop_form(
                title="Castle and museum",
                **{"status": "planned", "starts": "11:00", **change},
                version=str(stop.version),
            ),
        )
        db.session.expire_all()
        stop = db.session.get(Stop, stop.id)
        assert stop.sequence == sequence + 1, change


def test_deleting_a_stop_asks_first_and_can_be_undone(create_visit, create_stop, client, signed_in):
    visit = create_visit()
    stop = create_stop(visit, DAY, "10:45", "12:05", title="Castle visit")
    signed_in(Role.PLANNER)
    confirm = client.get(f"/visits/{visit.id}/stops/{stop.id}/delete")
    assert confirm.status_code == 200 and "Move to the bin" in confirm.text
    assert db.session.get(Stop, stop.id).deleted_at is None

    deleted = client.post(f"/visits/{visit.id}/stops/{stop.id}/delete", follow_redirects=True)
    assert "is in the bin" in deleted.text
    assert "Castle visit" not in client.get(f"/visits/{visit.id}").text
    assert "Castle visit" in client.get(f"/visits/{visit.id}/stops/bin").text

    client.post(f"/visits/{visit.id}/stops/{stop.id}/restore")
    db.session.expire_all()
    assert db.session.get(Stop, stop.id).deleted_at is None
    assert "Castle visit" in client.get(f"/visits/{visit.id}").text


def test_duplicate_follows_the_original_with_its_own_calendar_identity(
    create_visit, create_stop, add_participant, client, signed_in
):
    visit = create_visit()
    guest = add_participant(visit, "Guest")
    stop = create_stop(visit, DAY, "10:00", "10:30", title="Factory tour")
    stop.attendees.append(guest)
    db.session.commit()
    signed_in(Role.PLANNER)
    response = client.post(f"/visits/{visit.id}/stops/{stop.id}/duplicate")
    copy = db.session.scalars(sa.select(Stop).where(Stop.id != stop.id)).one()
    assert response.location.endswith(f"/stops/{copy.id}/edit")
    assert copy.starts_at == stop.ends_at and copy.ends_at - copy.starts_at == timedelta(minutes=30)
    assert copy.calendar_uid != stop.calendar_uid
    assert copy.attendees == [guest]


def test_everything_after_lunch_moves_thirty_minutes(create_visit, create_stop, client, signed_in):
    visit = create_visit()
    morning = create_stop(visit, DAY, "09:00", "10:00", title="Morning")
    lunch = create_stop(visit, DAY, "13:00", "14:15", title="Lunch")
    tour = create_stop(visit, DAY, "14:45", "15:45", title="Tour")
    dinner = create_stop(visit, DAY, "19:30", "21:30", title="Dinner")
    tomorrow = create_stop(visit, DAY + timedelta(days=1), "09:00", "10:00", title="Tomorrow")
    before = {s.id: (s.starts_at, s.ends_at) for s in (morning, lunch, tour, dinner, tomorrow)}
    signed_in(Role.PLANNER)
    preview = client.get(f"/visits/{visit.id}/stops/{lunch.id}/shift").text
    assert "3 stops will move" in preview
    client.post(f"/visits/{visit.id}/stops/{lunch.id}/shift", data={"minutes": "30"})
    db.session.expire_all()
    half_hour = timedelta(minutes=30)
    for stop_id, (starts, ends) in before.items():
        stop = db.session.get(Stop, stop_id)
        moved = stop_id in (lunch.id, tour.id, dinner.id)
        assert stop.starts_at == starts + (half_hour if moved else timedelta())
        assert stop.ends_at - stop.starts_at == ends - starts


def test_shifting_across_midnight_keeps_lengths_and_leaves_the_next_day_alone(
    create_visit, create_stop, create_staff
):
    visit = create_visit()
    dinner = create_stop(visit, DAY, "21:00", "22:00", title="Dinner")
    walk = create_stop(visit, DAY, "22:30", "23:30", title="Night walk")
    breakfast = create_stop(visit, DAY + timedelta(days=1), "00:30", "01:00", title="Late tea")
    planner = create_staff(Role.PLANNER)
    moved = shift_from(db.session, dinner, 45, acting=planner)
    db.session.commit()
    assert {s.id for s in moved} == {dinner.id, walk.id}
    assert walk.ends_at == datetime(2026, 12, 15, 20, 45, tzinfo=UTC)  # 00:15 on the 16th, Tehran
    assert walk.ends_at - walk.starts_at == timedelta(hours=1)
    assert breakfast.starts_at == datetime(2026, 12, 15, 21, 0, tzinfo=UTC)  # unchanged
    # The walk still starts on the 15th, so a second shift of that day moves it again.
    assert {s.id for s in shift_from(db.session, dinner, -15, acting=planner)} == {
        dinner.id,
        walk.id,
    }


def test_shift_refuses_a_missing_number(create_visit, create_stop, client, signed_in):
    visit = create_visit()
    stop = create_stop(visit, DAY, "09:00", "10:00")
    signed_in(Role.PLANNER)
    response = client.post(f"/visits/{visit.id}/stops/{stop.id}/shift", data={"minutes": "soon"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Stop, stop.id).starts_at == stop.starts_at


def test_attendee_presets(create_visit, create_stop, add_participant, client, signed_in):
    visit = create_visit()
    guest = add_participant(visit, "Guest")
    host = add_participant(visit, "Host", side=Side.HOST, role=ParticipantRole.HOST)
    driver = add_participant(visit, "Driver", side=Side.SUPPORT, role=ParticipantRole.DRIVER)
    stop = create_stop(visit, DAY, "09:00", "10:00")
    signed_in(Role.PLANNER)
    expectations = {
        "delegation": {guest.id},
        "hosts": {host.id},
        "everyone": {guest.id, host.id, driver.id},
    }
    for preset, expected in expectations.items():
        client.post(f"/visits/{visit.id}/stops/{stop.id}/attendees", data={"preset": preset})
        db.session.expire_all()
        assert {p.id for p in db.session.get(Stop, stop.id).attendees} == expected
    assert (
        client.post(
            f"/visits/{visit.id}/stops/{stop.id}/attendees", data={"preset": "vip"}
        ).status_code
        == 400
    )


def test_viewer_cannot_open_the_stop_editor(create_visit, create_stop, client, signed_in):
    visit = create_visit()
    stop = create_stop(visit, DAY, "09:00", "10:00")
    signed_in(Role.VIEWER)
    assert client.get(f"/visits/{visit.id}/stops/new").status_code == 403
    assert client.get(f"/visits/{visit.id}/stops/{stop.id}/edit").status_code == 403
    page = client.get(f"/visits/{visit.id}").text
    assert f"/stops/{stop.id}/edit" not in page


def test_stop_of_another_visit_is_not_found(create_visit, create_stop, client, signed_in):
    visit, other = create_visit(), create_visit(title="Other")
    stop = create_stop(other, DAY, "09:00", "10:00")
    signed_in(Role.PLANNER)
    assert client.get(f"/visits/{visit.id}/stops/{stop.id}/edit").status_code == 404
    assert client.post(f"/visits/{visit.id}/stops/{stop.id}/delete").status_code == 404
