"""Every change to an audited record leaves one entry, in the change's own transaction:
who (the page's, the API's or the CLI's user), which record, the fields before and after."""

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from planner.accounts.models import Role
from planner.audit.models import AuditEntry
from planner.audit.trail import plain
from planner.extensions import db
from planner.itinerary.operations import update_stop
from planner.visits import operations as visits_operations
from planner.visits.models import Visit, VisitStatus
from tests.test_visits_editing import visit_form


def edit_form(visit, **changes) -> dict:
    """The visit's edit form as the page fills it in, with `changes`."""
    return visit_form(
        **{
            "title": visit.title,
            "start_date": "2026-12-15",
            "end_date": "2026-12-16",
            "status": "confirmed",
            "purpose": "",
            "notes": "",
            **changes,
        }
    )


def entries_about(record_type: str, record_id: int | None = None) -> list[AuditEntry]:
    query = sa.select(AuditEntry).where(AuditEntry.record_type == record_type)
    if record_id is not None:
        query = query.where(AuditEntry.record_id == record_id)
    return list(db.session.scalars(query.order_by(AuditEntry.id)))


def since(before: int) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.id > before)))


def last_id() -> int:
    return db.session.scalar(sa.select(sa.func.max(AuditEntry.id))) or 0


def test_a_visit_edited_on_its_page_leaves_one_entry_naming_the_planner(client, signed_in, visit):
    planner = signed_in(Role.PLANNER)
    before = last_id()
    response = client.post(f"/visits/{visit.id}/edit", data=edit_form(visit, end_date="2026-12-17"))
    assert response.status_code == 302, response.text
    [entry] = since(before)
    assert (entry.record_type, entry.record_id, entry.action) == ("visits", visit.id, "update")
    assert (entry.user_id, entry.source, entry.visit_id) == (planner.id, "page", visit.id)
    assert entry.changes["end_date"] == ["2026-12-16", "2026-12-17"]
    assert "title" not in entry.changes  # unchanged fields are not listed


def test_a_change_through_the_api_is_recorded_as_the_token_owner(api_as, visit):
    api = api_as(Role.PLANNER)
    before = last_id()
    response = api.patch(f"/api/v1/visits/{visit.id}", json={"status": "cancelled"})
    assert response.status_code == 200, response.json
    [entry] = since(before)
    assert (entry.user_id, entry.source, entry.action) == (api.user.id, "api", "update")
    assert entry.changes == {"status": ["confirmed", "cancelled"]}


def test_a_user_created_from_the_command_line_is_recorded_without_passwords(runner):
    before = last_id()
    result = runner.invoke(
        args=["users", "create", "officer@chamber.example", "--name", "Officer"],
        input="a very good password\n",
    )
    assert result.exit_code == 0, result.output
    [entry] = since(before)
    assert (entry.record_type, entry.action, entry.source) == ("users", "create", "cli")
    assert entry.user_id is None  # the command line signs nobody in
    assert entry.changes["email"] == [None, "officer@chamber.example"]
    assert entry.changes["role"] == [None, "viewer"]
    assert "password_hash" not in entry.changes
    assert "pbkdf2" not in str(entry.changes) and "scrypt" not in str(entry.changes)


def test_a_refused_request_leaves_no_entry(client, signed_in, visit):
    signed_in(Role.PLANNER)
    before = last_id()
    response = client.post(
        f"/visits/{visit.id}/edit",
        data=visit_form(start_date="2026-12-20", end_date="2026-12-18"),
    )
    assert response.status_code == 400
    assert since(before) == []


def test_a_failed_request_rolls_its_entries_back_with_its_changes(
    client, signed_in, visit, monkeypatch
):
    """The edit was made and flushed, then the request failed: neither the change nor its
    entry stays."""
    signed_in(Role.PLANNER)
    before = last_id()
    original = visits_operations.update_visit

    def update_then_fail(*args, **kwargs):
        original(*args, **kwargs)
        raise RuntimeError("the server fell over after the change")

    monkeypatch.setattr(visits_operations, "update_visit", update_then_fail)
    with pytest.raises(RuntimeError):
        client.post(f"/visits/{visit.id}/edit", data=edit_form(visit, end_date="2026-12-17"))
    db.session.expire_all()
    assert since(before) == []
    assert db.session.get(Visit, visit.id).end_date == date(2026, 12, 16)


def test_binning_and_restoring_are_a_delete_and_a_restore(client, signed_in, visit):
    signed_in(Role.PLANNER)
    assert client.post(f"/visits/{visit.id}/delete").status_code == 302
    assert client.post(f"/visits/{visit.id}/restore").status_code == 302
    actions = [entry.action for entry in entries_about("visits", visit.id)]
    assert actions[-2:] == ["delete", "restore"]


def test_attendees_of_a_stop_are_a_field_of_the_stop(
    pasta_tour, visit, add_participant, create_staff
):
    participant = add_participant(visit, "Yerlan Abenov")
    update_stop(
        db.session,
        pasta_tour,
        acting=create_staff(Role.PLANNER),
        expected_version=pasta_tour.version,
        attendees=[participant],
    )
    entry = entries_about("stops", pasta_tour.id)[-1]
    assert entry.changes == {"attendees": [[], [participant.id]]}
    assert entry.visit_id == visit.id


def test_values_are_kept_as_json_keeps_them():
    assert plain(date(2026, 12, 15)) == "2026-12-15"
    assert plain(Decimal("12.50")) == "12.50"
    assert plain(VisitStatus.CONFIRMED) == "confirmed"
    assert plain([VisitStatus.DRAFT]) == ["draft"]
