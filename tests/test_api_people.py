"""/api/v1/people: create, read, update, delete, with the same rules as the person form."""

import json

import sqlalchemy as sa

from planner.accounts.models import Role
from planner.extensions import db
from planner.organizations.models import Organization, OrganizationKind
from planner.people.models import Person

AMBASSADOR = {
    "full_name_latin": "Yerlan Abenov",
    "full_name_native": "Ерлан Әбенов",
    "honorific": "H.E.",
    "position": "Ambassador of Kazakhstan to Iran",
    "nationality": "kz",
    "languages": ["KK", " ru ", "en", "kk"],
    "email": "ambassador@embassy.example",
    "phone": "+98 21 0000 0000",
    "dietary_needs": "Halal",
    "access_needs": "",
}


def add_organization(name: str = "Embassy of Kazakhstan") -> Organization:
    organization = Organization(name=name, kind=OrganizationKind.EMBASSY, country="KZ")
    db.session.add(organization)
    db.session.commit()
    return organization


def add_person(name: str, **values) -> Person:
    values.setdefault("full_name_native", name)
    person = Person(full_name_latin=name, **values)
    db.session.add(person)
    db.session.commit()
    return person


def people_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Person.id)))


def test_planner_adds_reads_changes_and_deletes_a_person(api_as):
    embassy = add_organization()
    api = api_as(Role.PLANNER)
    created = api.post("/api/v1/people", json={**AMBASSADOR, "organization_id": embassy.id})
    assert created.status_code == 201, created.json
    body = created.json
    assert body["display_name"] == "H.E. Yerlan Abenov"
    assert body["languages"] == ["en", "kk", "ru"]  # lower-case, sorted, each once
    assert body["nationality"] == "KZ"
    assert body["organization_id"] == embassy.id
    assert body["access_needs"] is None  # blank is stored as nothing, as the form does
    url = f"/api/v1/people/{body['id']}"
    assert api.get(url).json == body

    changed = api.patch(url, json={"position": "  Former ambassador ", "languages": ["FA"]})
    assert changed.status_code == 200, changed.json
    assert changed.json["position"] == "Former ambassador"
    assert changed.json["languages"] == ["fa"]
    assert changed.json["full_name_native"] == "Ерлан Әбенов"  # untouched by a partial change
    # A name in their own script cleared is the Latin name again, as on the form.
    cleared = api.patch(url, json={"full_name_native": "", "full_name_latin": "Erlan Abenov"})
    assert cleared.json["full_name_native"] == "Erlan Abenov"
    db.session.expire_all()
    assert db.session.get(Person, body["id"]).languages == ["fa"]

    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404
    assert people_count() == 0


def test_native_name_defaults_to_the_latin_one(api_as):
    api = api_as(Role.PLANNER)
    response = api.post("/api/v1/people", json={"full_name_latin": "Spare Driver"})
    assert response.status_code == 201, response.json
    assert response.json["full_name_native"] == "Spare Driver"
    assert response.json["languages"] == []
    assert response.json["nationality"] is None


def test_list_is_paged_and_finds_people_by_either_name_nationality_and_organization(api_as):
    chamber = add_organization("Lorestan Chamber")
    add_person("Yerlan Abenov", full_name_native="Ерлан Әбенов", nationality="KZ")
    add_person("Reza Karimi", full_name_native="رضا کریمی", nationality="IR", organization=chamber)
    add_person("Aigerim Sadykova", nationality="KZ")
    for number in range(30):
        add_person(f"Staff {number:02}")
    api = api_as(Role.VIEWER)

    first = api.get("/api/v1/people?page_size=10")
    assert first.status_code == 200
    assert [p["full_name_latin"] for p in first.json][:2] == ["Aigerim Sadykova", "Reza Karimi"]
    meta = json.loads(first.headers["X-Pagination"])
    assert meta["total"] == 33 and meta["total_pages"] == 4
    assert len(api.all_pages("/api/v1/people")) == 33

    def names(query: str) -> list[str]:
        response = api.get(f"/api/v1/people?{query}")
        assert response.status_code == 200, response.json
        return [person["full_name_latin"] for person in response.json]

    assert names("q=Ерлан") == ["Yerlan Abenov"]
    assert names("q=کریمی") == ["Reza Karimi"]
    assert names("q=abenov") == ["Yerlan Abenov"]
    assert names("nationality=kz") == ["Aigerim Sadykova", "Yerlan Abenov"]
    assert names(f"organization_id={chamber.id}") == ["Reza Karimi"]
    assert names("q=Staff&nationality=KZ") == []

    refused = api.get("/api/v1/people?organization_id=chamber")
    assert refused.status_code == 422
    assert refused.json["errors"][0] == {
        "field": "organization_id",
        "reason": "Not a valid integer.",
        "in": "query",
    }


def test_bad_input_names_each_field_with_the_form_s_words_and_saves_nothing(api_as):
    api = api_as(Role.PLANNER)
    response = api.post(
        "/api/v1/people",
        json={
            **AMBASSADOR,
            "full_name_latin": " ",
            "nationality": "Kazakh",
            "languages": ["kk", "xx", "English"],
            "email": "ambassador at embassy",
            "honorific": "H" * 61,
        },
    )
    assert response.status_code == 422
    reasons = {error["field"]: error["reason"] for error in response.json["errors"]}
    assert set(reasons) == {"full_name_latin", "nationality", "languages", "email", "honorific"}
    assert reasons["nationality"] == "Enter a two-letter ISO country code, e.g. IR or KZ."
    assert reasons["languages"] == (
        "Not a two-letter ISO 639-1 language code: xx, english. For example kk, ru, fa, en."
    )

    not_a_list = api.post("/api/v1/people", json={**AMBASSADOR, "languages": "kk, ru"})
    assert not_a_list.status_code == 422
    assert not_a_list.json["errors"][0]["field"] == "languages"

    no_organization = api.post("/api/v1/people", json={**AMBASSADOR, "organization_id": 999})
    assert no_organization.status_code == 422
    assert no_organization.json["errors"] == [
        {"field": "organization_id", "reason": "There is no organization 999.", "in": "body"}
    ]

    missing = api.post("/api/v1/people", json={})
    assert [error["field"] for error in missing.json["errors"]] == ["full_name_latin"]
    assert people_count() == 0


def test_a_refused_change_keeps_what_was_saved(api_as):
    person = add_person("Reza Karimi", nationality="IR", languages=["fa"])
    api = api_as(Role.PLANNER)
    url = f"/api/v1/people/{person.id}"
    for change in (
        {"position": "President", "languages": ["persian"]},
        {"position": "President", "organization_id": 12345},
        {"position": "President", "full_name_latin": None},
    ):
        response = api.patch(url, json=change)
        assert response.status_code == 422, change
    db.session.expire_all()
    saved = db.session.get(Person, person.id)
    assert (saved.position, saved.languages, saved.full_name_latin) == (
        None,
        ["fa"],
        "Reza Karimi",
    )


def test_person_in_a_visit_is_kept_and_the_refusal_says_where(
    create_visit, add_participant, api_as
):
    visit = create_visit(title="Visit of the Ambassador of Kazakhstan")
    person_id = add_participant(visit, "Yerlan Abenov").person_id
    api = api_as(Role.PLANNER)
    response = api.delete(f"/api/v1/people/{person_id}")
    assert response.status_code == 409
    assert response.content_type == "application/problem+json"
    detail = response.json["detail"]
    assert "Yerlan Abenov takes part in visits and cannot be deleted." in detail
    assert f"Visit of the Ambassador of Kazakhstan (visit {visit.id})" in detail
    db.session.expire_all()
    assert db.session.get(Person, person_id) is not None


def test_viewer_reads_but_cannot_change(api_as):
    person = add_person("Reza Karimi")
    viewer = api_as(Role.VIEWER)
    url = f"/api/v1/people/{person.id}"
    assert viewer.get(url).json["full_name_latin"] == "Reza Karimi"
    assert viewer.get("/api/v1/people/999").status_code == 404
    assert viewer.post("/api/v1/people", json=AMBASSADOR).status_code == 403
    assert viewer.patch(url, json={"position": "Spy"}).status_code == 403
    assert viewer.delete(url).status_code == 403
    db.session.expire_all()
    assert people_count() == 1
    assert db.session.get(Person, person.id).position is None
