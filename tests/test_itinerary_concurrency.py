"""Two planners edit the same stop: the second save is refused, shown what changed, and kept."""

import html
import re
from datetime import UTC, date, datetime

import pytest

from planner.accounts.models import Role
from planner.extensions import db
from planner.itinerary.models import Stop
from tests.conftest import PASSWORD

DAY = date(2026, 12, 15)


def form_fields(page: str) -> dict:
    """The values a browser would send back from the stop form as rendered."""
    fields = {}
    for name, value in re.findall(r'<input[^>]*?name="(\w+)"[^>]*?value="([^"]*)"', page):
        fields[name] = html.unescape(value)
    for name in ("kind", "status", "venue_id", "day"):  # the day: one of the visit's days
        select = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)
        chosen = re.search(r'<option selected value="([^"]*)"', select) or re.search(
            r'<option value="([^"]*)" selected', select
        )
        fields[name] = chosen.group(1)
    for name in ("public_description", "staff_notes"):
        fields[name] = html.unescape(
            re.search(rf'<textarea[^>]*name="{name}"[^>]*>\s*(.*?)</textarea>', page, re.S).group(1)
        )
    fields.pop("csrf_token", None)
    fields.pop("preset", None)
    return fields


@pytest.fixture
def two_planners(app, create_staff):
    clients = []
    for name in ("Leila Amiri", "Sara Tarahi"):
        user = create_staff(Role.PLANNER, name=name)
        client = app.test_client()
        assert (
            client.post("/sign-in", data={"email": user.email, "password": PASSWORD}).status_code
            == 302
        )
        clients.append(client)
    return clients


def test_second_save_is_refused_shows_the_change_and_keeps_the_input(
    create_visit, create_stop, two_planners
):
    leila, sara = two_planners
    visit = create_visit()
    stop = create_stop(visit, DAY, "10:45", "12:05", title="Castle visit", staff_notes="Gate 2")
    url = f"/visits/{visit.id}/stops/{stop.id}/edit"
    leilas_form = form_fields(leila.get(url).text)
    saras_form = form_fields(sara.get(url).text)

    # Leila moves the visit half an hour later and saves first.
    response = leila.post(url, data={**leilas_form, "starts": "11:15", "ends": "12:35"})
    assert response.status_code == 302

    # Sara, working from the old version, rewrites the staff notes.
    response = sara.post(url, data={**saras_form, "staff_notes": "Gate 1, not gate 2"})
    assert response.status_code == 409
    page = response.text
    assert "Someone else saved this stop" in page
    assert "Leila Amiri" in page
    assert "10:45" in page and "11:15" in page  # the time Leila changed, before and after
    assert "Gate 1, not gate 2" in page  # Sara's input is still in the form

    db.session.expire_all()
    saved = db.session.get(Stop, stop.id)
    assert saved.staff_notes == "Gate 2"  # nothing of Sara's was saved
    assert saved.starts_at == datetime(2026, 12, 15, 7, 45, tzinfo=UTC)  # Leila's 11:15

    # Saving the form she was given keeps Leila's new time and adds Sara's notes.
    retry = form_fields(page)
    assert retry["starts"] == "11:15"
    assert sara.post(url, data=retry).status_code == 302
    db.session.expire_all()
    saved = db.session.get(Stop, stop.id)
    assert saved.staff_notes == "Gate 1, not gate 2"
    assert saved.starts_at == datetime(2026, 12, 15, 7, 45, tzinfo=UTC)


def test_when_both_change_the_same_field_the_second_planner_decides(
    create_visit, create_stop, two_planners
):
    leila, sara = two_planners
    visit = create_visit()
    stop = create_stop(visit, DAY, "10:45", "12:05", title="Castle visit")
    url = f"/visits/{visit.id}/stops/{stop.id}/edit"
    leilas_form, saras_form = form_fields(leila.get(url).text), form_fields(sara.get(url).text)
    leila.post(url, data={**leilas_form, "title": "Castle and museum"})
    response = sara.post(url, data={**saras_form, "title": "Falak-ol-Aflak castle"})
    assert response.status_code == 409
    assert "you changed it too" in response.text
    retry = form_fields(response.text)
    assert retry["title"] == "Falak-ol-Aflak castle"
    db.session.expire_all()
    assert db.session.get(Stop, stop.id).title == "Castle and museum"
    assert sara.post(url, data=retry).status_code == 302
    db.session.expire_all()
    assert db.session.get(Stop, stop.id).title == "Falak-ol-Aflak castle"


def test_a_save_without_a_version_is_refused_not_applied(create_visit, create_stop, two_planners):
    leila, _ = two_planners
    visit = create_visit()
    stop = create_stop(visit, DAY, "10:45", "12:05", title="Castle visit")
    url = f"/visits/{visit.id}/stops/{stop.id}/edit"
    fields = form_fields(leila.get(url).text)
    fields.pop("version")
    response = leila.post(url, data={**fields, "title": "Renamed"})
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Stop, stop.id).title == "Castle visit"


@pytest.mark.committed  # the other request's commit comes through another connection
def test_a_save_that_races_past_the_version_check_is_still_refused(
    create_visit, create_stop, create_staff
):
    from sqlalchemy import text

    from planner.itinerary.operations import StaleEdit, snapshot, update_stop

    planner = create_staff(Role.PLANNER)
    visit = create_visit()
    stop = create_stop(visit, DAY, "10:45", "12:05", title="Castle visit")
    seen, version = snapshot(stop), stop.version
    # Another request commits between this request's read and its write.
    with db.engine.begin() as other:
        other.execute(
            text(
                "UPDATE stops SET title = 'Castle and museum', version = version + 1 WHERE id = :id"
            ),
            {"id": stop.id},
        )
    with pytest.raises(StaleEdit) as conflict:
        update_stop(
            db.session, stop, acting=planner, expected_version=version, seen=seen, title="Mine"
        )
    assert [change.field for change in conflict.value.changes] == ["title"]
    db.session.rollback()
    assert db.session.get(Stop, stop.id).title == "Castle and museum"
