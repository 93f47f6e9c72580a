"""/api/v1/follow-ups: who does what by when, tied to something, overdue by the office's day."""

from datetime import UTC, datetime

import sqlalchemy as sa

from planner.accounts.models import Role
from planner.clock import utc_now
from planner.extensions import db
from planner.outcomes.models import FollowUp, FollowUpStatus
from tests.conftest import reasons

TIE_MISSING = "Tie the follow-up to an outcome, a visit or a partnership."


def count() -> int:
    return db.session.scalar(sa.select(sa.func.count(FollowUp.id)))


def letter(owner, **changes) -> dict:
    body = {
        "title": "Draft the twinning letter of intent",
        "owner_id": owner.id,
        "due_date": "2027-01-31",
    }
    body.update(changes)
    return body


def test_planner_adds_reads_closes_and_deletes_a_follow_up_of_an_outcome(
    api_as, create_staff, proposal
):
    api = api_as(Role.PLANNER)
    colleague = create_staff(Role.VIEWER, name="Maryam Rostami")
    created = api.post(
        "/api/v1/follow-ups",
        json=letter(colleague, outcome_id=proposal.id, notes="  Ask the mayor first. "),
    )
    assert created.status_code == 201, created.json
    body = created.json
    # Tied to the outcome, and so to its visit and partnership, as on the pages.
    assert (body["outcome_id"], body["visit_id"], body["partnership_id"]) == (
        proposal.id,
        proposal.visit_id,
        proposal.partnership_id,
    )
    assert (body["status"], body["overdue"], body["completed_at"]) == ("open", False, None)
    assert body["notes"] == "Ask the mayor first."
    url = f"/api/v1/follow-ups/{body['id']}"
    assert api.get(url).json == body

    done = api.patch(url, json={"status": "done"})
    assert done.status_code == 200, done.json
    assert done.json["status"] == "done" and done.json["completed_at"] is not None
    saved = db.session.get(FollowUp, body["id"])
    assert saved.sequence == 1  # its owner's calendar replaces the to-do

    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404
    assert count() == 0


def test_a_visit_or_a_partnership_can_have_follow_ups_of_their_own(api_as, visit, twinning):
    api = api_as(Role.PLANNER)
    of_visit = api.post("/api/v1/follow-ups", json=letter(api.user, visit_id=visit.id))
    of_partnership = api.post(
        "/api/v1/follow-ups", json=letter(api.user, partnership_id=twinning.id, status="done")
    )
    assert of_visit.status_code == 201 and of_partnership.status_code == 201
    assert of_visit.json["outcome_id"] is None and of_visit.json["partnership_id"] is None
    assert of_partnership.json["completed_at"] is not None  # created done: done now


def test_a_follow_up_tied_to_nothing_is_refused_with_the_rule_s_words(api_as, visit):
    api = api_as(Role.PLANNER)
    for body in (letter(api.user), letter(api.user, visit_id=None, outcome_id=None)):
        response = api.post("/api/v1/follow-ups", json=body)
        assert response.status_code == 422, response.json
        assert response.json["errors"] == [{"field": None, "reason": TIE_MISSING, "in": "body"}]
    assert count() == 0

    # Untying the last tie is refused too: never a 500 from the database's CHECK.
    body = api.post("/api/v1/follow-ups", json=letter(api.user, visit_id=visit.id)).json
    url = f"/api/v1/follow-ups/{body['id']}"
    response = api.patch(url, json={"visit_id": None, "title": "Untied"})
    assert response.status_code == 422
    assert response.json["errors"][0]["reason"] == TIE_MISSING
    saved = db.session.get(FollowUp, body["id"])
    db.session.refresh(saved)
    assert (saved.visit_id, saved.title) == (visit.id, "Draft the twinning letter of intent")


def test_bad_input_names_the_field_and_saves_nothing(
    api_as, create_staff, visit, create_visit, proposal
):
    api = api_as(Role.PLANNER)
    gone = create_staff(Role.PLANNER, name="Former Colleague")
    gone.active = False
    other = create_visit(title="Visit of the Turkmen trade mission")
    binned = create_visit(title="Cancelled visit", deleted_at=utc_now())
    db.session.commit()
    for changes, field, words in [
        ({"title": "  "}, "title", "This may not be blank."),
        ({"title": "x" * 201}, "title", "Longer than maximum length 200."),
        ({"owner_id": gone.id}, "owner_id", "Former Colleague is no longer active"),
        ({"owner_id": 999}, "owner_id", "There is no user 999."),
        ({"owner_id": 2**63}, "owner_id", "less than or equal to 2147483647"),
        ({"owner_id": None}, "owner_id", "Field may not be null."),
        ({"due_date": "31/01/2027"}, "due_date", "Not a valid date."),
        ({"status": "maybe"}, "status", "Must be one of"),
        ({"visit_id": 999}, "visit_id", "There is no visit 999."),
        ({"visit_id": binned.id}, "visit_id", f"There is no visit {binned.id}."),
        ({"outcome_id": 999}, "outcome_id", "There is no outcome 999."),
        ({"partnership_id": 999}, "partnership_id", "There is no partnership 999."),
        (
            {"outcome_id": proposal.id, "visit_id": other.id},
            "visit_id",
            f"Outcome {proposal.id} is of visit {visit.id}",
        ),
        ({"visit_id": visit.id, "calendar_uid": "x"}, "calendar_uid", "Unknown field."),
    ]:
        body = {"visit_id": visit.id, **letter(api.user), **changes}
        response = api.post("/api/v1/follow-ups", json=body)
        assert response.status_code == 422, changes
        assert words in reasons(response)[field], changes
    assert count() == 0


def test_a_disabled_owner_keeps_a_follow_up_but_cannot_be_given_a_new_one(
    api_as, create_staff, visit
):
    api = api_as(Role.PLANNER)
    leaving = create_staff(Role.PLANNER, name="Leaving Colleague")
    body = api.post("/api/v1/follow-ups", json=letter(leaving, visit_id=visit.id)).json
    other = api.post("/api/v1/follow-ups", json=letter(api.user, visit_id=visit.id)).json
    leaving.active = False
    db.session.commit()
    kept = api.patch(f"/api/v1/follow-ups/{body['id']}", json={"owner_id": leaving.id})
    assert kept.status_code == 200
    given = api.patch(f"/api/v1/follow-ups/{other['id']}", json={"owner_id": leaving.id})
    assert given.status_code == 422 and "no longer active" in reasons(given)["owner_id"]
    assert db.session.get(FollowUp, other["id"]).owner_id == api.user.id


def test_overdue_is_judged_by_the_office_s_day_not_utc(api_as, visit, frozen_clock):
    api = api_as(Role.PLANNER)
    for title, due, status in [
        ("Photographs", "2026-12-30", "open"),
        ("Letter", "2026-12-31", "open"),
        ("Samples", "2026-12-01", "dropped"),
    ]:
        body = letter(api.user, title=title, due_date=due, status=status, visit_id=visit.id)
        assert api.post("/api/v1/follow-ups", json=body).status_code == 201
    # 21:00 UTC on the 30th is already the 31st in Tehran: the 30th's is overdue, the 31st's
    # is due today, and a dropped one is never overdue.
    frozen_clock(datetime(2026, 12, 30, 21, 0, tzinfo=UTC))

    late = api.get("/api/v1/follow-ups?overdue=true").json
    assert [f["title"] for f in late] == ["Photographs"] and late[0]["overdue"] is True
    on_time = api.get("/api/v1/follow-ups?overdue=false").json
    assert [f["title"] for f in on_time] == ["Samples", "Letter"]
    assert [f["overdue"] for f in on_time] == [False, False]

    frozen_clock(datetime(2026, 12, 30, 20, 0, tzinfo=UTC))
    assert api.get("/api/v1/follow-ups?overdue=true").json == []


def test_list_filters_by_owner_status_dates_and_ties(
    api_as, create_staff, visit, twinning, proposal
):
    api = api_as(Role.PLANNER)
    colleague = create_staff(Role.PLANNER)
    posted = [
        letter(api.user, title="Of the outcome", outcome_id=proposal.id, due_date="2027-01-10"),
        letter(api.user, title="Of the visit", visit_id=visit.id, due_date="2027-01-20"),
        letter(colleague, title="Of the partnership", partnership_id=twinning.id, status="done"),
    ]
    for body in posted:
        assert api.post("/api/v1/follow-ups", json=body).status_code == 201

    def titles(query: str) -> list[str]:
        response = api.get(f"/api/v1/follow-ups?{query}")
        assert response.status_code == 200, response.json
        return [f["title"] for f in response.json]

    assert titles(f"owner_id={colleague.id}") == ["Of the partnership"]
    assert titles("status=open") == ["Of the outcome", "Of the visit"]
    assert titles("from=2027-01-15&to=2027-01-25") == ["Of the visit"]
    assert titles(f"visit_id={visit.id}") == ["Of the outcome", "Of the visit"]
    assert titles(f"outcome_id={proposal.id}") == ["Of the outcome"]
    assert titles(f"partnership_id={twinning.id}") == ["Of the outcome", "Of the partnership"]
    assert len(api.all_pages("/api/v1/follow-ups")) == 3
    assert api.get(f"/api/v1/follow-ups?visit_id={2**63}").status_code == 422
    refused = api.get("/api/v1/follow-ups?overdue=perhaps")
    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "overdue"


def test_viewer_reads_but_cannot_change(api_as, visit):
    planner = api_as(Role.PLANNER)
    body = planner.post("/api/v1/follow-ups", json=letter(planner.user, visit_id=visit.id)).json
    viewer = api_as(Role.VIEWER)
    url = f"/api/v1/follow-ups/{body['id']}"
    assert viewer.get(url).status_code == 200
    assert viewer.get("/api/v1/follow-ups").status_code == 200
    new = letter(viewer.user, visit_id=visit.id)
    assert viewer.post("/api/v1/follow-ups", json=new).status_code == 403
    assert viewer.patch(url, json={"status": "done"}).status_code == 403
    assert viewer.delete(url).status_code == 403
    assert count() == 1
    assert db.session.get(FollowUp, body["id"]).status == FollowUpStatus.OPEN
