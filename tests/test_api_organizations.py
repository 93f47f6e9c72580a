"""/api/v1/organizations: create, read, update, delete, with the same rules as the pages."""

import json

import sqlalchemy as sa

from planner.accounts.models import Role
from planner.extensions import db
from planner.organizations.models import Organization
from planner.people.models import Person

CHAMBER = {
    "name": "Chamber of Commerce of Khuzestan",
    "name_native": "اتاق بازرگانی خوزستان",
    "kind": "chamber_of_commerce",
    "country": "ir",
    "city": "Ahvaz",
    "website": "https://ahvazcci.ir",
}


def test_planner_creates_reads_changes_and_deletes(api_as):
    api = api_as(Role.PLANNER)
    created = api.post("/api/v1/organizations", json=CHAMBER)
    assert created.status_code == 201, created.json
    body = created.json
    assert body["country"] == "IR"  # upper-cased, as the form does
    assert body["name_native"] == "اتاق بازرگانی خوزستان"
    url = f"/api/v1/organizations/{body['id']}"

    assert api.get(url).json == body
    changed = api.patch(url, json={"city": "  Abadan ", "sector": ""})
    assert changed.status_code == 200
    assert changed.json["city"] == "Abadan"
    assert changed.json["sector"] is None
    assert changed.json["name"] == CHAMBER["name"]  # untouched by a partial change
    assert db.session.get(Organization, body["id"]).city == "Abadan"

    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404
    assert db.session.get(Organization, body["id"]) is None


def test_list_is_paged_and_filtered(api_as):
    api = api_as(Role.VIEWER)
    for number in range(30):
        db.session.add(Organization(name=f"Company {number:02}", kind="company", country="KZ"))
    db.session.add(Organization(name="Embassy of Iran", kind="embassy", country="IR"))
    db.session.commit()

    first = api.get("/api/v1/organizations?page_size=10")
    assert first.status_code == 200
    assert [o["name"] for o in first.json][:2] == ["Company 00", "Company 01"]
    meta = json.loads(first.headers["X-Pagination"])
    assert meta["total"] == 31 and meta["total_pages"] == 4 and meta["next_page"] == 2
    assert len(api.all_pages("/api/v1/organizations")) == 31

    embassies = api.get("/api/v1/organizations?kind=embassy").json
    assert [o["name"] for o in embassies] == ["Embassy of Iran"]
    assert len(api.get("/api/v1/organizations?country=ir").json) == 1
    assert len(api.get("/api/v1/organizations?q=company%201").json) == 10

    refused = api.get("/api/v1/organizations?kind=palace")
    assert refused.status_code == 422
    assert refused.json["errors"][0]["field"] == "kind"
    assert refused.json["errors"][0]["in"] == "query"


def test_bad_input_names_each_field_and_saves_nothing(api_as):
    api = api_as(Role.PLANNER)
    response = api.post(
        "/api/v1/organizations",
        json={"name": "   ", "kind": "palace", "country": "XX", "website": "ahvazcci.ir", "x": 1},
    )
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    reasons = {error["field"]: error["reason"] for error in response.json["errors"]}
    assert set(reasons) == {"name", "kind", "country", "website", "x"}
    # The same words as the form, because the same rule says them.
    assert reasons["country"] == "Enter a two-letter ISO country code, e.g. IR or KZ."
    assert reasons["website"] == "Enter a full address, e.g. https://example.com"
    assert reasons["x"] == "Unknown field."
    assert db.session.scalar(sa.select(sa.func.count(Organization.id))) == 0

    missing = api.post("/api/v1/organizations", json={})
    assert {error["field"] for error in missing.json["errors"]} == {"name", "kind", "country"}

    not_json = api.post(
        "/api/v1/organizations", data="{name:", headers={"Content-Type": "application/json"}
    )
    assert not_json.status_code == 400
    assert not_json.json["type"] == "about:blank" and not_json.json["status"] == 400


def test_a_refused_change_keeps_what_was_saved(api_as):
    api = api_as(Role.PLANNER)
    body = api.post("/api/v1/organizations", json=CHAMBER).json
    response = api.patch(
        f"/api/v1/organizations/{body['id']}", json={"city": "Susa", "country": "Iran"}
    )
    assert response.status_code == 422
    saved = db.session.get(Organization, body["id"])
    db.session.refresh(saved)
    assert (saved.city, saved.country) == ("Ahvaz", "IR")


def test_deleting_keeps_the_people_and_drops_the_link(api_as):
    api = api_as(Role.PLANNER)
    body = api.post("/api/v1/organizations", json=CHAMBER).json
    person = Person(
        full_name_latin="Reza Karimi", full_name_native="رضا کریمی", organization_id=body["id"]
    )
    db.session.add(person)
    db.session.commit()
    assert api.delete(f"/api/v1/organizations/{body['id']}").status_code == 204
    db.session.expire_all()
    assert db.session.get(Person, person.id).organization_id is None


def test_viewer_reads_but_cannot_change(api_as):
    planner = api_as(Role.PLANNER)
    body = planner.post("/api/v1/organizations", json=CHAMBER).json
    viewer = api_as(Role.VIEWER)
    url = f"/api/v1/organizations/{body['id']}"
    assert viewer.get(url).status_code == 200
    assert viewer.post("/api/v1/organizations", json=CHAMBER).status_code == 403
    assert viewer.patch(url, json={"city": "Dezful"}).status_code == 403
    assert viewer.delete(url).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Organization.id))) == 1


def test_input_the_database_cannot_hold_is_refused_before_it(api_as):
    """What PostgreSQL would refuse with an error is answered as the client's mistake."""
    api = api_as(Role.PLANNER)
    nul = api.post("/api/v1/organizations", json={**CHAMBER, "city": "Ah\u0000vaz"})
    assert nul.status_code == 422 and nul.json["errors"][0]["field"] == "city"
    assert api.get("/api/v1/organizations?q=a%00b").status_code == 422
    huge_page = api.get("/api/v1/organizations?page=999999999999")
    assert huge_page.status_code == 200 and huge_page.json == []
    assert api.get("/api/v1/organizations/99999999999999").status_code == 404
