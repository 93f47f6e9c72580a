"""/api/v1/partnerships: both sides, and a stage that moves only on the record, with a reason."""

import json

import pytest
import sqlalchemy as sa

from planner.accounts.models import Role
from planner.extensions import db
from planner.organizations.models import Organization, OrganizationKind
from planner.partnerships.models import Partnership, Stage, StageChange
from tests.conftest import count, reasons

REASON_MISSING = "Say why the stage changes."
SIDE_MISSING = "Name a city, an organization or both."


def history() -> list[tuple]:
    rows = db.session.execute(
        sa.select(StageChange.id, StageChange.to_stage, StageChange.reason).order_by(StageChange.id)
    )
    return [tuple(row) for row in rows]


@pytest.fixture
def university(app) -> Organization:
    organization = Organization(
        name="Lorestan University", kind=OrganizationKind.UNIVERSITY, country="IR"
    )
    db.session.add(organization)
    db.session.commit()
    return organization


def exchange(**changes) -> dict:
    body = {
        "title": "Lorestan University – Al-Farabi University exchange",
        "kind": "education",
        "our_city": "Khorramabad",
        "our_country": "ir",
        "partner_city": "Almaty",
        "partner_country": " kz ",
        "description": "Exchange of geology and agronomy students.",
        "stage": "exploring",
        "reason": "Raised by the rector during the ambassador's visit.",
    }
    body.update(changes)
    return body


def test_planner_records_reads_and_changes_a_partnership_with_its_first_stage(api_as, university):
    api = api_as(Role.PLANNER)
    created = api.post(
        "/api/v1/partnerships", json=exchange(our_city=None, our_organization_id=university.id)
    )
    assert created.status_code == 201, created.json
    body = created.json
    assert (body["our_country"], body["partner_country"]) == ("IR", "KZ")
    assert (body["our_city"], body["our_organization_id"]) == (None, university.id)
    assert body["stage"] == "exploring" and "reason" not in body
    url = f"/api/v1/partnerships/{body['id']}"
    assert api.get(url).json == body

    (first,) = api.get(f"{url}/stage-changes").json
    assert first["from_stage"] is None and first["to_stage"] == "exploring"
    assert first["reason"] == "Raised by the rector during the ambassador's visit."
    assert (first["changed_by_id"], first["changed_by_name"]) == (api.user.id, api.user.name)
    assert first["changed_at"].endswith("+00:00")

    changed = api.patch(url, json={"title": "Geology exchange", "partner_city": "Turkistan"})
    assert changed.status_code == 200, changed.json
    assert (changed.json["title"], changed.json["partner_city"]) == (
        "Geology exchange",
        "Turkistan",
    )
    assert changed.json["stage"] == "exploring"
    assert db.session.get(Partnership, body["id"]).title == "Geology exchange"


def test_a_partnership_starts_as_an_idea_unless_told(api_as):
    api = api_as(Role.PLANNER)
    body = exchange()
    del body["stage"]
    created = api.post("/api/v1/partnerships", json=body)
    assert created.status_code == 201, created.json
    assert created.json["stage"] == "idea"
    assert history()[0][1] == Stage.IDEA


def test_moving_the_stage_records_who_when_and_why(api_as):
    api = api_as(Role.PLANNER)
    body = api.post("/api/v1/partnerships", json=exchange()).json
    url = f"/api/v1/partnerships/{body['id']}"
    moved = api.post(
        f"{url}/stage",
        json={"stage": "letter_of_intent", "reason": "  The council approved the letter. "},
    )
    assert moved.status_code == 201, moved.json
    assert moved.json["from_stage"] == "exploring" and moved.json["to_stage"] == "letter_of_intent"
    assert moved.json["reason"] == "The council approved the letter."
    assert moved.json["changed_by_name"] == api.user.name
    assert api.get(url).json["stage"] == "letter_of_intent"
    entries = api.get(f"{url}/stage-changes").json
    assert [(e["from_stage"], e["to_stage"]) for e in entries] == [
        (None, "exploring"),
        ("exploring", "letter_of_intent"),
    ]


@pytest.mark.parametrize(
    ("move", "field", "message"),
    [
        # The form's words (tests/test_partnerships_history.py): the same rule says them.
        ({"stage": "active", "reason": "   "}, "reason", REASON_MISSING),
        ({"stage": "active", "reason": ""}, "reason", REASON_MISSING),
        ({"stage": "active"}, "reason", "Missing data for required field."),
        ({"stage": "active", "reason": None}, "reason", "Field may not be null."),
        ({"stage": "active", "reason": "Be\x00cause"}, "reason", "NUL"),
        (
            {"stage": "exploring", "reason": "Because."},
            "stage",
            "The partnership is already at the stage “Exploring”.",
        ),
        ({"stage": "nowhere", "reason": "Because."}, "stage", "Must be one of"),
        ({"stage": "active", "reason": "Because.", "changed_by_id": 1}, "changed_by_id", "Unknown"),
    ],
)
def test_a_stage_move_without_a_reason_or_to_the_same_stage_is_refused(
    api_as, move, field, message
):
    api = api_as(Role.PLANNER)
    body = api.post("/api/v1/partnerships", json=exchange()).json
    before = history()
    response = api.post(f"/api/v1/partnerships/{body['id']}/stage", json=move)
    assert response.status_code == 422, response.json
    assert message in reasons(response)[field]
    assert history() == before
    assert db.session.get(Partnership, body["id"]).stage == Stage.EXPLORING


def test_patch_refuses_the_stage_and_points_to_the_stage_route(api_as):
    api = api_as(Role.PLANNER)
    body = api.post("/api/v1/partnerships", json=exchange()).json
    before = history()
    url = f"/api/v1/partnerships/{body['id']}"
    response = api.patch(url, json={"stage": "closed", "title": "Closed quietly"})
    assert response.status_code == 422
    assert "POST /api/v1/partnerships/{id}/stage" in reasons(response)["stage"]
    for field in ("reason", "history", "created_at"):
        refused = api.patch(url, json={field: "x"})
        assert refused.status_code == 422, field
    saved = db.session.get(Partnership, body["id"])
    db.session.refresh(saved)
    assert (saved.stage, saved.title) == (Stage.EXPLORING, exchange()["title"])
    assert history() == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"our_city": "  "}, "our_organization_id", SIDE_MISSING),
        ({"partner_city": None}, "partner_organization_id", SIDE_MISSING),
        ({"our_country": "Iran"}, "our_country", "Enter a two-letter ISO country code"),
        ({"partner_country": None}, "partner_country", "Field may not be null."),
        ({"reason": " "}, "reason", REASON_MISSING),
        ({"stage": "signed"}, "stage", "Must be one of"),
        ({"kind": "friendship"}, "kind", "Must be one of"),
        ({"title": ""}, "title", "This may not be blank."),
        ({"partner_organization_id": 999}, "partner_organization_id", "no organization 999"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(api_as, changes, field, message):
    api = api_as(Role.PLANNER)
    response = api.post("/api/v1/partnerships", json=exchange(**changes))
    assert response.status_code == 422, response.json
    assert message in reasons(response)[field]
    assert count(Partnership) == 0 and count(StageChange) == 0


def test_a_change_may_not_leave_a_side_unnamed(api_as, university):
    api = api_as(Role.PLANNER)
    body = api.post("/api/v1/partnerships", json=exchange()).json
    url = f"/api/v1/partnerships/{body['id']}"
    response = api.patch(url, json={"our_city": None})
    assert response.status_code == 422
    assert reasons(response) == {"our_organization_id": SIDE_MISSING}
    assert db.session.get(Partnership, body["id"]).our_city == "Khorramabad"
    # Naming the organization instead is fine.
    swapped = api.patch(url, json={"our_city": None, "our_organization_id": university.id})
    assert swapped.status_code == 200, swapped.json


def test_list_is_paged_and_filtered_by_kind_stage_and_partner_country(api_as):
    api = api_as(Role.PLANNER)
    for number in range(7):
        api.post("/api/v1/partnerships", json=exchange(title=f"Exchange {number}", stage="idea"))
    api.post(
        "/api/v1/partnerships",
        json=exchange(title="Grinding balls", kind="trade", partner_country="TM", stage="active"),
    )
    viewer = api_as(Role.VIEWER)
    first = viewer.get("/api/v1/partnerships?page_size=5")
    assert json.loads(first.headers["X-Pagination"])["total"] == 8
    assert [p["title"] for p in viewer.get("/api/v1/partnerships?kind=trade").json] == [
        "Grinding balls"
    ]
    assert len(viewer.get("/api/v1/partnerships?stage=idea").json) == 7
    assert len(viewer.get("/api/v1/partnerships?country=tm").json) == 1
    assert viewer.get("/api/v1/partnerships?stage=signed").status_code == 422


def test_a_partnership_is_never_deleted_it_is_closed(api_as):
    api = api_as(Role.PLANNER)
    body = api.post("/api/v1/partnerships", json=exchange()).json
    response = api.delete(f"/api/v1/partnerships/{body['id']}")
    assert response.status_code == 405
    assert count(Partnership) == 1
    closed = api.post(
        f"/api/v1/partnerships/{body['id']}/stage",
        json={"stage": "closed", "reason": "The university withdrew."},
    )
    assert closed.status_code == 201


def test_missing_partnership_is_404_everywhere(api_as):
    api = api_as(Role.PLANNER)
    assert api.get(f"/api/v1/partnerships/{2**63}").status_code == 404
    assert api.get("/api/v1/partnerships/999").status_code == 404
    assert api.get("/api/v1/partnerships/999/stage-changes").status_code == 404
    move = {"stage": "active", "reason": "Because."}
    assert api.post("/api/v1/partnerships/999/stage", json=move).status_code == 404
    assert api.patch("/api/v1/partnerships/999", json={"title": "x"}).status_code == 404


def test_viewer_reads_but_cannot_change_or_move(api_as):
    body = api_as(Role.PLANNER).post("/api/v1/partnerships", json=exchange()).json
    viewer = api_as(Role.VIEWER)
    url = f"/api/v1/partnerships/{body['id']}"
    assert viewer.get(url).status_code == 200
    assert viewer.get(f"{url}/stage-changes").status_code == 200
    assert viewer.post("/api/v1/partnerships", json=exchange()).status_code == 403
    assert viewer.patch(url, json={"title": "Changed"}).status_code == 403
    move = {"stage": "active", "reason": "Because."}
    assert viewer.post(f"{url}/stage", json=move).status_code == 403
    assert count(Partnership) == 1 and len(history()) == 1
    assert db.session.get(Partnership, body["id"]).stage == Stage.EXPLORING
