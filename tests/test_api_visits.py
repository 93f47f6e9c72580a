"""/api/v1/visits: create, read, list, change, bin and restore, with the visit form's rules."""

import json
from datetime import date

import pytest
import sqlalchemy as sa

from planner.accounts.models import Role
from planner.extensions import db
from planner.organizations.models import Organization, OrganizationKind
from planner.visits.models import Visit, VisitStatus

GOVERNOR = {
    "title": "Visit of the Governor of Kostanay Region",
    "visiting_country": "kz",
    "host_region": "Lorestan",
    "host_city": "Khorramabad",
    "start_date": "2027-03-01",
    "end_date": "2027-03-03",
    "timezone": "Asia/Tehran",
    "delegation_timezone": "Asia/Almaty",
    "status": "proposed",
    "purpose": "Grain imports and flour exports.",
}


def visit_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Visit.id)))


@pytest.fixture
def chamber(app):
    organization = Organization(
        name="Lorestan Chamber of Commerce",
        kind=OrganizationKind.CHAMBER_OF_COMMERCE,
        country="IR",
    )
    db.session.add(organization)
    db.session.commit()
    return organization


def saved(visit_id: int) -> Visit:
    db.session.expire_all()
    return db.session.get(Visit, visit_id)


def test_planner_creates_reads_changes_bins_and_restores(api_as, chamber):
    api = api_as(Role.PLANNER)
    created = api.post("/api/v1/visits", json={**GOVERNOR, "host_organization_id": chamber.id})
    assert created.status_code == 201, created.json
    body = created.json
    assert body["visiting_country"] == "KZ"  # upper-cased, as the form does
    assert (body["start_date"], body["end_date"]) == ("2027-03-01", "2027-03-03")
    assert body["host_organization_id"] == chamber.id
    assert body["visiting_organization_id"] is None and body["notes"] is None
    assert body["created_at"].endswith("+00:00")
    url = f"/api/v1/visits/{body['id']}"
    assert api.get(url).json == body

    changed = api.patch(url, json={"end_date": "2027-03-04", "status": "confirmed", "notes": " "})
    assert changed.status_code == 200, changed.json
    assert changed.json["end_date"] == "2027-03-04" and changed.json["status"] == "confirmed"
    assert changed.json["title"] == GOVERNOR["title"]  # untouched by a partial change
    visit = saved(body["id"])
    assert (visit.end_date, visit.status, visit.notes) == (
        date(2027, 3, 4),
        VisitStatus.CONFIRMED,
        None,
    )

    assert api.delete(url).status_code == 204
    assert saved(body["id"]).deleted_at is not None  # in the bin, as the page does it
    assert api.get(url).status_code == 404
    assert api.patch(url, json={"title": "Gone"}).status_code == 404
    assert api.get("/api/v1/visits").json == []

    restored = api.post(f"{url}/restore")
    assert restored.status_code == 200
    assert restored.json["end_date"] == "2027-03-04"
    assert saved(body["id"]).deleted_at is None
    assert api.get(url).status_code == 200
    assert api.post(f"{url}/restore").status_code == 200  # not in the bin: nothing to do
    assert api.post("/api/v1/visits/999/restore").status_code == 404


def test_binning_keeps_the_programme_for_the_restore(api_as, create_visit, create_stop):
    visit = create_visit()
    stop = create_stop(visit, date(2026, 12, 15), "09:00", "10:00")
    api = api_as(Role.PLANNER)
    assert api.delete(f"/api/v1/visits/{visit.id}").status_code == 204
    assert api.post(f"/api/v1/visits/{visit.id}/restore").status_code == 200
    assert [s.id for s in saved(visit.id).live_stops] == [stop.id]


def test_list_is_paged_and_filtered_by_status_and_by_the_days_a_visit_overlaps(
    api_as, create_visit
):
    api = api_as(Role.VIEWER)
    for number in range(30):
        create_visit(
            title=f"Visit {number:02}",
            start_date=date(2027, 1, 1 + number),
            end_date=date(2027, 1, 1 + number),
        )
    create_visit(
        title="Autumn",
        start_date=date(2026, 10, 30),
        end_date=date(2026, 11, 2),
        status=VisitStatus.DRAFT,
    )
    create_visit(title="December", start_date=date(2026, 12, 15), end_date=date(2026, 12, 16))
    binned = create_visit(title="Binned", start_date=date(2026, 11, 1), end_date=date(2026, 11, 1))
    api_as(Role.PLANNER).delete(f"/api/v1/visits/{binned.id}")

    first = api.get("/api/v1/visits?page_size=10")
    assert first.status_code == 200
    assert [v["title"] for v in first.json][:3] == ["Autumn", "December", "Visit 00"]
    meta = json.loads(first.headers["X-Pagination"])
    assert meta["total"] == 32 and meta["total_pages"] == 4
    assert len(api.all_pages("/api/v1/visits")) == 32

    def titles(query: str) -> list[str]:
        response = api.get(f"/api/v1/visits?{query}")
        assert response.status_code == 200, response.json
        return [v["title"] for v in response.json]

    assert titles("status=draft") == ["Autumn"]
    # Every visit with a day in November 2026: Autumn began in October; Binned is left out.
    assert titles("from=2026-11-01&to=2026-11-30") == ["Autumn"]
    assert titles("from=2026-11-02&to=2026-12-15") == ["Autumn", "December"]
    assert titles("from=2026-11-03&to=2026-12-14") == []
    assert titles("to=2026-12-31") == ["Autumn", "December"]
    assert titles("from=2027-01-29") == ["Visit 28", "Visit 29"]

    refused = api.get("/api/v1/visits?from=1.11.2026&status=planned")
    assert refused.status_code == 422
    assert {(e["field"], e["in"]) for e in refused.json["errors"]} == {
        ("from", "query"),
        ("status", "query"),
    }


def test_bad_input_names_each_field_with_the_forms_words_and_saves_nothing(api_as):
    api = api_as(Role.PLANNER)
    response = api.post(
        "/api/v1/visits",
        json={
            **GOVERNOR,
            "title": "  ",
            "visiting_country": "XX",
            "timezone": "Tehran/Asia",
            "delegation_timezone": "Almaty",
            "start_date": "2027-03-05",
            "end_date": "2027-03-04",
            "status": "postponed",
            "languages": ["kk"],
        },
    )
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    reasons = {error["field"]: error["reason"] for error in response.json["errors"]}
    assert set(reasons) == {
        "title",
        "visiting_country",
        "timezone",
        "delegation_timezone",
        "end_date",
        "status",
        "languages",
    }
    assert (
        reasons["timezone"]
        == "“Tehran/Asia” is an unknown time zone. Use a name such as Asia/Tehran."
    )
    assert reasons["delegation_timezone"].startswith("“Almaty” is an unknown time zone")
    assert reasons["end_date"] == "The visit cannot end before it starts."
    assert reasons["visiting_country"] == "Enter a two-letter ISO country code, e.g. IR or KZ."
    assert visit_count() == 0

    missing = api.post("/api/v1/visits", json={})
    assert {e["field"] for e in missing.json["errors"]} == {
        "title",
        "visiting_country",
        "start_date",
        "end_date",
        "timezone",
    }

    unknown_host = api.post("/api/v1/visits", json={**GOVERNOR, "host_organization_id": 404})
    assert unknown_host.status_code == 422
    assert unknown_host.json["errors"] == [
        {"field": "host_organization_id", "reason": "There is no organization 404.", "in": "body"}
    ]
    assert visit_count() == 0


def test_the_page_and_the_api_refuse_the_same_dates_in_the_same_words(api_as, client, signed_in):
    signed_in(Role.PLANNER)
    page = client.post(
        "/visits/new",
        data={**GOVERNOR, "start_date": "2027-03-05", "end_date": "2027-03-04"},
    )
    assert page.status_code == 400
    api = api_as(Role.PLANNER)
    response = api.post(
        "/api/v1/visits", json={**GOVERNOR, "start_date": "2027-03-05", "end_date": "2027-03-04"}
    )
    (error,) = response.json["errors"]
    assert error["field"] == "end_date"
    assert error["reason"] in page.text


def test_a_change_of_one_date_is_checked_against_the_saved_other(api_as, create_visit):
    visit = create_visit()  # 15-16 December 2026
    api = api_as(Role.PLANNER)
    url = f"/api/v1/visits/{visit.id}"

    response = api.patch(url, json={"end_date": "2026-12-14", "title": "Shorter"})

    assert response.status_code == 422
    assert response.json["errors"] == [
        {"field": "end_date", "reason": "The visit cannot end before it starts.", "in": "body"}
    ]
    visit = saved(visit.id)
    assert (visit.end_date, visit.title) == (
        date(2026, 12, 16),
        "Visit of the Ambassador of Kazakhstan",
    )
    assert api.patch(url, json={"start_date": "2026-12-17"}).status_code == 422
    assert api.patch(url, json={"start_date": "2026-12-16"}).status_code == 200


def test_a_refused_change_keeps_what_was_saved(api_as, create_visit):
    visit = create_visit()
    api = api_as(Role.PLANNER)
    response = api.patch(
        f"/api/v1/visits/{visit.id}",
        json={"host_city": "Dorud", "visiting_organization_id": 12345},
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "visiting_organization_id"
    assert saved(visit.id).host_city == "Khorramabad"


def test_viewer_reads_but_cannot_change(api_as, create_visit):
    visit = create_visit()
    viewer = api_as(Role.VIEWER)
    url = f"/api/v1/visits/{visit.id}"
    assert viewer.get(url).json["title"] == visit.title
    assert len(viewer.get("/api/v1/visits").json) == 1
    assert viewer.post("/api/v1/visits", json=GOVERNOR).status_code == 403
    assert viewer.patch(url, json={"title": "Changed"}).status_code == 403
    assert viewer.delete(url).status_code == 403
    assert viewer.post(f"{url}/restore").status_code == 403
    visit = saved(visit.id)
    assert (visit.title, visit.deleted_at) == ("Visit of the Ambassador of Kazakhstan", None)
    assert visit_count() == 1


def test_a_blank_or_unknown_country_is_refused(api_as):
    api = api_as(Role.PLANNER)
    for country, reason in (("", "This may not be blank."), ("Kazakhstan", "two-letter ISO")):
        response = api.post("/api/v1/visits", json={**GOVERNOR, "visiting_country": country})
        assert response.status_code == 422, country
        (error,) = response.json["errors"]
        assert error["field"] == "visiting_country" and reason in error["reason"]
    assert visit_count() == 0
