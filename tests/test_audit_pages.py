"""Reading the history (per visit, per record, across the office), putting a value back
from it, and the security events an administrator reads."""

import logging

import pytest
import sqlalchemy as sa

from planner.accounts.models import Role
from planner.audit.models import AuditEntry, SecurityEvent
from planner.extensions import db
from planner.itinerary.models import Stop
from planner.visits.models import Visit
from tests.conftest import PASSWORD, shown
from tests.test_audit_trail import edit_form, entries_about


def security_events(kind: str) -> list[SecurityEvent]:
    query = sa.select(SecurityEvent).where(SecurityEvent.kind == kind)
    return list(db.session.scalars(query.order_by(SecurityEvent.id)))


def test_the_visit_history_shows_who_changed_which_field(client, signed_in, visit):
    planner = signed_in(Role.PLANNER)
    client.post(f"/visits/{visit.id}/edit", data=edit_form(visit, end_date="2026-12-17"))
    page = client.get(f"/visits/{visit.id}/history")
    assert page.status_code == 200
    text = shown(page.text)
    assert planner.name in text
    assert "End date" in text and "16 Dec 2026" in text and "17 Dec 2026" in text
    assert f'href="/visits/{visit.id}/history"' in client.get(f"/visits/{visit.id}").text


def test_the_history_reads_in_persian(client, create_staff, auth, visit):
    planner = create_staff(Role.PLANNER, locale="fa")
    auth.login(planner)
    client.post(f"/visits/{visit.id}/edit", data=edit_form(visit, end_date="2026-12-17"))
    text = client.get(f"/visits/{visit.id}/history").text
    assert "تاریخ پایان" in text  # "End date"
    assert "<bdi>۱۴۰۵/۰۹/۲۶</bdi>" in text  # 17 December 2026, in the reader's calendar


def test_a_person_venue_and_organization_link_to_their_history(
    client, signed_in, person, castle, sides
):
    signed_in(Role.VIEWER)
    someone = person("Yerlan Abenov")
    assert "/history/people/" in client.get(f"/people/{someone.id}").text
    assert "/history/venues/" in client.get(f"/venues/{castle.id}").text
    assert client.get(f"/history/people/{someone.id}").status_code == 200
    assert client.get(f"/history/users/{someone.id}").status_code == 403  # staff: admins only


def test_an_administrator_reads_the_office_history_and_a_viewer_is_refused(
    client, signed_in, auth, create_staff, visit
):
    planner = create_staff(Role.PLANNER)
    auth.login(planner)
    client.post(f"/visits/{visit.id}/edit", data=edit_form(visit, title="Renamed visit"))
    auth.logout()
    signed_in(Role.ADMIN)
    page = client.get(f"/history?user={planner.id}&type=visits")
    assert page.status_code == 200
    assert "Renamed visit" in shown(page.text)
    assert "Renamed visit" not in shown(client.get("/history?type=people").text)
    assert client.get("/history?type=nonsense").status_code == 400
    assert client.get("/history?from=yesterday").status_code == 400
    auth.logout()
    signed_in(Role.VIEWER)
    assert client.get("/history").status_code == 403
    assert client.get("/security-events").status_code == 403


def test_putting_a_title_back_is_an_edit_that_is_audited(client, signed_in, visit):
    planner = signed_in(Role.PLANNER)
    client.post(f"/visits/{visit.id}/edit", data=edit_form(visit, title="A wrong title"))
    [change] = [e for e in entries_about("visits", visit.id) if e.action == "update"]
    response = client.post(f"/history/{change.id}/put-back", data={"field": "title"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).title == "Visit of the Ambassador of Kazakhstan"
    restored = entries_about("visits", visit.id)[-1]
    assert restored.id > change.id and restored.user_id == planner.id
    assert restored.changes == {"title": ["A wrong title", "Visit of the Ambassador of Kazakhstan"]}


def test_putting_back_goes_through_the_rules(client, signed_in, visit):
    """The old start date after the end date moved earlier: the visit's rule refuses it."""
    signed_in(Role.PLANNER)
    client.post(
        f"/visits/{visit.id}/edit",
        data=edit_form(visit, start_date="2026-12-10", end_date="2026-12-11"),
    )
    [change] = [e for e in entries_about("visits", visit.id) if e.action == "update"]
    response = client.post(f"/history/{change.id}/put-back", data={"field": "start_date"})
    assert response.status_code == 302
    db.session.expire_all()
    assert str(db.session.get(Visit, visit.id).start_date) == "2026-12-10"
    assert "cannot end before it starts" in client.get(response.location).text


def test_a_stop_changed_since_the_history_was_read_is_not_overwritten(
    client, signed_in, pasta_tour, create_staff
):
    from planner.itinerary.operations import update_stop  # noqa: PLC0415

    signed_in(Role.PLANNER)
    other = create_staff(Role.PLANNER)
    update_stop(
        db.session, pasta_tour, acting=other, expected_version=pasta_tour.version, title="New"
    )
    db.session.commit()
    change = entries_about("stops", pasta_tour.id)[-1]
    seen = pasta_tour.version
    update_stop(db.session, pasta_tour, acting=other, expected_version=seen, title="Newer")
    db.session.commit()
    response = client.post(
        f"/history/{change.id}/put-back", data={"field": "title", "version": str(seen)}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Stop, pasta_tour.id).title == "Newer"


def test_a_viewer_cannot_put_a_value_back(client, signed_in, create_staff, visit):
    from planner.visits.operations import update_visit  # noqa: PLC0415

    update_visit(db.session, visit, acting=create_staff(Role.PLANNER), title="Changed")
    db.session.commit()
    change = entries_about("visits", visit.id)[-1]
    signed_in(Role.VIEWER)
    assert client.post(f"/history/{change.id}/put-back", data={"field": "title"}).status_code == 403


def test_a_binned_visit_links_to_its_restore(client, signed_in, visit):
    signed_in(Role.PLANNER)
    client.post(f"/visits/{visit.id}/delete")
    page = client.get(f"/history/visits/{visit.id}")
    assert f'action="/visits/{visit.id}/restore"' in page.text


def test_sign_in_and_sign_out_are_security_events(client, auth, create_staff, caplog):
    user = create_staff(Role.PLANNER)
    with caplog.at_level(logging.INFO, logger="pishvaz.security"):
        auth.login(user)
        auth.logout()
    assert [e.user_id for e in security_events("sign_in")] == [user.id]
    assert [e.user_id for e in security_events("sign_out")] == [user.id]
    assert any(r.getMessage().startswith(f"sign_in user={user.id} ") for r in caplog.records)


def test_an_api_token_made_and_revoked_is_a_security_event(client, signed_in):
    user = signed_in(Role.VIEWER)
    client.post("/profile/api-tokens", data={"token-name": "laptop"})
    [created] = security_events("api_token_created")
    assert created.user_id == user.id and "laptop" in created.detail
    token_id = db.session.scalar(sa.text("SELECT max(id) FROM api_tokens"))
    client.post(f"/profile/api-tokens/{token_id}/revoke")
    assert len(security_events("api_token_revoked")) == 1


@pytest.mark.committed
def test_a_failed_sign_in_is_kept_though_its_request_rolls_back(client, auth, create_staff, caplog):
    user = create_staff(Role.PLANNER)
    with caplog.at_level(logging.INFO, logger="pishvaz.security"):
        response = auth.login(user.email, "not the password at all")
    assert response.status_code == 401
    [event] = security_events("sign_in_failed")
    assert (event.user_id, event.email) == (user.id, user.email)
    assert event.address == "127.0.0.1"
    assert "not the password" not in str(vars(event))
    assert all("not the password" not in r.getMessage() for r in caplog.records)
    unknown = auth.login("nobody@office.example", PASSWORD)
    assert unknown.status_code == 401
    assert security_events("sign_in_failed")[-1].email == "nobody@office.example"


@pytest.mark.committed
def test_a_refusal_is_kept_and_an_administrator_reads_it(client, auth, create_staff):
    viewer = create_staff(Role.VIEWER)
    auth.login(viewer)
    assert client.post("/visits/new", data={}).status_code == 403
    [event] = security_events("refused")
    assert (event.user_id, event.detail) == (viewer.id, "POST /visits/new")
    auth.logout()
    auth.login(create_staff(Role.ADMIN))
    page = client.get("/security-events")
    assert page.status_code == 200
    assert "POST /visits/new" in page.text and viewer.name in page.text


@pytest.mark.committed
def test_a_refusal_through_the_api_is_kept(api_as):
    api = api_as(Role.VIEWER)
    assert api.post("/api/v1/visits", json={}).status_code == 403
    [event] = security_events("refused")
    assert (event.user_id, event.detail) == (api.user.id, "POST /api/v1/visits")


def test_entries_are_paged_newest_first(client, signed_in, visit, create_staff):
    from planner.audit.operations import PAGE_SIZE  # noqa: PLC0415
    from planner.visits.operations import update_visit  # noqa: PLC0415

    planner = create_staff(Role.PLANNER)
    for number in range(PAGE_SIZE + 1):
        update_visit(db.session, visit, acting=planner, title=f"Title {number}")
    db.session.commit()
    signed_in(Role.VIEWER)
    first = shown(client.get(f"/visits/{visit.id}/history").text)
    assert f"Title {PAGE_SIZE}" in first and "Visit of the Ambassador" not in first
    second = shown(client.get(f"/visits/{visit.id}/history?page=2").text)
    assert "Visit of the Ambassador" in second
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) > PAGE_SIZE
