"""People: the delegation, the hosts and the support staff, kept on file between visits."""

import sqlalchemy as sa

from planner.accounts.models import Role
from planner.extensions import db
from planner.organizations.models import Organization, OrganizationKind
from planner.people.models import Person
from tests.conftest import chosen

AMBASSADOR = {
    "full_name_latin": "Yerlan Abenov",
    "full_name_native": "Ерлан Әбенов",
    "honorific": "H.E.",
    "position": "Ambassador of Kazakhstan to Iran",
    "organization_id": "",
    "nationality": "KZ",
    "languages": ["kk", "ru", "en"],
    "email": "ambassador@embassy.example",
    "phone": "+98 21 0000 0000",
    "dietary_needs": "Halal",
    "access_needs": "",
}


def add_person(name: str, **values) -> Person:
    values.setdefault("full_name_native", name)
    person = Person(full_name_latin=name, **values)
    db.session.add(person)
    db.session.commit()
    return person


def people_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Person.id)))


def test_planner_adds_the_ambassador_with_the_languages_he_speaks(client, signed_in):
    embassy = Organization(
        name="Embassy of Kazakhstan", kind=OrganizationKind.EMBASSY, country="KZ"
    )
    db.session.add(embassy)
    db.session.commit()
    signed_in(Role.PLANNER)
    response = client.post("/people/new", data={**AMBASSADOR, "organization_id": str(embassy.id)})
    assert response.status_code == 302, response.text
    person = db.session.scalar(sa.select(Person))
    assert person.display_name == "H.E. Yerlan Abenov"
    assert person.languages == ["en", "kk", "ru"]
    assert person.nationality == "KZ"
    assert person.organization_id == embassy.id
    assert person.access_needs is None
    page = client.get(response.location).text
    assert "Ерлан Әбенов" in page and "Kazakhstan" in page
    assert "Kazakh" in page and "Russian" in page  # the codes read back as languages
    edit_page = client.get(f"/people/{person.id}/edit").text
    assert chosen(edit_page, "languages") == ["en", "kk", "ru"]
    assert "Chosen:" in edit_page and "Kazakh (kk)" in edit_page


def test_native_name_defaults_to_the_latin_one(client, signed_in):
    signed_in(Role.PLANNER)
    response = client.post(
        "/people/new", data={**AMBASSADOR, "full_name_native": "", "languages": ""}
    )
    assert response.status_code == 302, response.text
    person = db.session.scalar(sa.select(Person))
    assert person.full_name_native == "Yerlan Abenov" and person.languages == []


def test_bad_language_code_is_refused_and_nothing_saved(client, signed_in):
    signed_in(Role.PLANNER)
    response = client.post("/people/new", data={**AMBASSADOR, "languages": ["kk", "xx", "english"]})
    assert response.status_code == 400
    assert "Choose the languages from the list." in response.text
    # What was sent is kept and shown, so that it can be unticked.
    assert chosen(response.text, "languages") == ["english", "xx", "kk"]
    assert "xx (not on the list)" in response.text
    assert people_count() == 0


def test_bad_nationality_and_e_mail_are_refused(client, signed_in):
    signed_in(Role.PLANNER)
    response = client.post("/people/new", data={**AMBASSADOR, "nationality": "Kazakh"})
    assert response.status_code == 400
    assert "Choose a country from the list." in response.text
    response = client.post("/people/new", data={**AMBASSADOR, "email": "ambassador at embassy"})
    assert response.status_code == 400
    assert 'id="email-error"' in response.text
    assert people_count() == 0


def test_planner_edits_a_person(client, signed_in):
    person = add_person("Reza Karimi", languages=["fa"])
    signed_in(Role.PLANNER)
    response = client.post(
        f"/people/{person.id}/edit",
        data={
            "full_name_latin": "Reza Karimi",
            "full_name_native": "رضا کریمی",
            "position": "President of the chamber",
            "languages": ["fa", "en"],
            "nationality": "IR",
        },
    )
    assert response.status_code == 302, response.text
    db.session.expire_all()
    person = db.session.get(Person, person.id)
    assert person.full_name_native == "رضا کریمی"
    assert person.languages == ["en", "fa"]


def test_list_finds_people_by_either_name_nationality_and_organization(client, signed_in):
    chamber = Organization(
        name="Lorestan Chamber", kind=OrganizationKind.CHAMBER_OF_COMMERCE, country="IR"
    )
    db.session.add(chamber)
    add_person("Yerlan Abenov", full_name_native="Ерлан Әбенов", nationality="KZ")
    add_person("Reza Karimi", full_name_native="رضا کریمی", nationality="IR", organization=chamber)
    add_person("Aigerim Sadykova", nationality="KZ")
    signed_in(Role.VIEWER)
    page = client.get("/people").text
    assert "Yerlan Abenov" in page and "Reza Karimi" in page and "Aigerim" in page
    page = client.get("/people?q=Ерлан").text
    assert "Yerlan Abenov" in page and "Reza Karimi" not in page
    page = client.get("/people?q=کریمی").text
    assert "Reza Karimi" in page and "Yerlan" not in page
    page = client.get("/people?nationality=kz").text
    assert "Yerlan Abenov" in page and "Aigerim" in page and "Reza Karimi" not in page
    page = client.get(f"/people?organization={chamber.id}").text
    assert "Reza Karimi" in page and "Yerlan" not in page
    assert client.get("/people?organization=chamber").status_code == 400


def test_person_page_lists_the_visits_they_take_part_in(
    create_visit, add_participant, client, signed_in
):
    visit = create_visit(title="Visit of the Ambassador of Kazakhstan")
    interpreter = add_participant(visit, "Dana Interpreter", languages=["kk", "fa"])
    signed_in(Role.VIEWER)
    page = client.get(f"/people/{interpreter.person_id}").text
    assert "Visit of the Ambassador of Kazakhstan" in page
    assert f'href="/visits/{visit.id}"' in page


def test_person_in_a_visit_cannot_be_deleted(create_visit, add_participant, client, signed_in):
    visit = create_visit(title="Visit of the Ambassador of Kazakhstan")
    participant = add_participant(visit, "Yerlan Abenov")
    person_id = participant.person_id
    signed_in(Role.PLANNER)
    page = client.get(f"/people/{person_id}/delete").text
    assert "cannot be deleted" in page and "Visit of the Ambassador of Kazakhstan" in page
    assert "Delete the person" not in page
    response = client.post(f"/people/{person_id}/delete")
    assert response.status_code == 409
    assert "takes part in visits and cannot be deleted" in response.text
    assert "Visit of the Ambassador of Kazakhstan" in response.text
    db.session.expire_all()
    assert db.session.get(Person, person_id) is not None


def test_person_in_no_visit_is_deleted(client, signed_in):
    person = add_person("Spare Driver")
    signed_in(Role.PLANNER)
    assert "Delete the person" in client.get(f"/people/{person.id}/delete").text
    assert client.post(f"/people/{person.id}/delete").status_code == 302
    db.session.expire_all()
    assert people_count() == 0


def test_viewer_cannot_add_change_or_delete_people(client, signed_in):
    person = add_person("Reza Karimi")
    signed_in(Role.VIEWER)
    assert "Edit" not in client.get(f"/people/{person.id}").text
    assert client.post("/people/new", data=AMBASSADOR).status_code == 403
    assert client.post(f"/people/{person.id}/edit", data=AMBASSADOR).status_code == 403
    assert client.post(f"/people/{person.id}/delete").status_code == 403
    db.session.expire_all()
    assert people_count() == 1
    assert db.session.get(Person, person.id).full_name_latin == "Reza Karimi"
