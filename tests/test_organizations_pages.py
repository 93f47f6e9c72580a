"""Organizations: protocol staff add, find, change and delete the bodies they work with."""

import sqlalchemy as sa

from planner.accounts.models import Role
from planner.extensions import db
from planner.organizations.models import Organization, OrganizationKind
from planner.people.models import Person
from planner.venues.models import Venue, VenueKind

CHAMBER = {
    "name": "Lorestan Chamber of Commerce",
    "name_native": "اتاق بازرگانی لرستان",
    "kind": "chamber_of_commerce",
    "country": "IR",
    "city": "Khorramabad",
    "sector": "Trade promotion",
    "products": "",
    "website": "https://lorestan-chamber.example",
}


def add_organization(**values) -> Organization:
    fields = {"name": "Saryarka Grain", "kind": OrganizationKind.COMPANY, "country": "KZ"}
    fields.update(values)
    organization = Organization(**fields)
    db.session.add(organization)
    db.session.commit()
    return organization


def organization_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Organization.id)))


def test_planner_adds_the_chamber_of_commerce(client, signed_in):
    signed_in(Role.PLANNER)
    assert client.get("/organizations/new").status_code == 200
    response = client.post("/organizations/new", data=CHAMBER)
    assert response.status_code == 302, response.text
    chamber = db.session.scalar(sa.select(Organization))
    assert chamber.name == "Lorestan Chamber of Commerce"
    assert chamber.kind == OrganizationKind.CHAMBER_OF_COMMERCE
    assert chamber.country == "IR"
    assert chamber.products is None  # an empty field is stored as nothing
    page = client.get(response.location).text
    assert "Lorestan Chamber of Commerce" in page and "is added" in page


def test_planner_edits_a_company_to_list_what_it_exports(client, signed_in):
    company = add_organization(name="Kiyo Flour", country="IR")
    signed_in(Role.PLANNER)
    page = client.get(f"/organizations/{company.id}/edit").text
    assert 'value="Kiyo Flour"' in page
    response = client.post(
        f"/organizations/{company.id}/edit",
        data={
            "name": "Kiyo Flour and Pasta",
            "kind": "company",
            "country": "IR",
            "sector": "Food",
            "products": "Flour, pasta and semolina for export.",
        },
    )
    assert response.status_code == 302, response.text
    db.session.expire_all()
    company = db.session.get(Organization, company.id)
    assert company.name == "Kiyo Flour and Pasta"
    assert company.products == "Flour, pasta and semolina for export."


def test_bad_country_code_is_refused_and_nothing_saved(client, signed_in):
    signed_in(Role.PLANNER)
    for country in ("Iran", "Ir", "ir", "XY", "1R", ""):
        response = client.post("/organizations/new", data={**CHAMBER, "country": country})
        assert response.status_code == 400, country
        assert 'class="field field--invalid"' in response.text
        assert 'value="Lorestan Chamber of Commerce"' in response.text  # the input is kept
    assert (
        "Choose a country from the list."
        in client.post("/organizations/new", data={**CHAMBER, "country": "XY"}).text
    )
    assert organization_count() == 0


def test_website_must_be_a_web_address(client, signed_in):
    signed_in(Role.PLANNER)
    for website in ("lorestan-chamber", "javascript://alert(1)"):
        response = client.post("/organizations/new", data={**CHAMBER, "website": website})
        assert response.status_code == 400, website
        assert "https://example.com" in response.text
    assert organization_count() == 0


def test_list_finds_organizations_by_name_in_either_script_and_by_kind(client, signed_in):
    add_organization(
        name="Lorestan Chamber of Commerce",
        name_native="اتاق بازرگانی لرستان",
        kind=OrganizationKind.CHAMBER_OF_COMMERCE,
        country="IR",
    )
    add_organization(name="Embassy of Kazakhstan", kind=OrganizationKind.EMBASSY)
    add_organization(name="Saryarka Grain")
    signed_in(Role.VIEWER)
    page = client.get("/organizations").text
    assert "Lorestan Chamber" in page and "Embassy of Kazakhstan" in page and "Saryarka" in page
    page = client.get("/organizations?q=chamber").text
    assert "Lorestan Chamber" in page and "Embassy of Kazakhstan" not in page
    page = client.get("/organizations?q=بازرگانی").text
    assert "Lorestan Chamber" in page and "Saryarka" not in page
    page = client.get("/organizations?kind=embassy").text
    assert "Embassy of Kazakhstan" in page and "Saryarka" not in page
    assert client.get("/organizations?q=100%25").status_code == 200
    assert client.get("/organizations?kind=palace").status_code == 400


def test_deleting_an_organization_says_who_loses_it_and_keeps_them(client, signed_in):
    chamber = add_organization(name="Lorestan Chamber of Commerce", country="IR")
    for name in ("Reza Karimi", "Maryam Ahmadi", "Ali Rostami"):
        db.session.add(Person(full_name_native=name, full_name_latin=name, organization=chamber))
    db.session.add(
        Venue(
            name="Chamber building",
            kind=VenueKind.OFFICE,
            timezone="Asia/Tehran",
            organization=chamber,
        )
    )
    db.session.commit()
    signed_in(Role.PLANNER)
    page = client.get(f"/organizations/{chamber.id}/delete").text
    assert "3 people" in page and "1 venue" in page
    response = client.post(f"/organizations/{chamber.id}/delete")
    assert response.status_code == 302
    db.session.expire_all()
    assert organization_count() == 0
    people = db.session.scalars(sa.select(Person)).all()
    assert len(people) == 3 and all(person.organization_id is None for person in people)
    assert db.session.scalar(sa.select(Venue)).organization_id is None


def test_viewer_cannot_add_change_or_delete_an_organization(client, signed_in):
    company = add_organization()
    signed_in(Role.VIEWER)
    assert client.get("/organizations").status_code == 200
    assert client.post("/organizations/new", data=CHAMBER).status_code == 403
    assert (
        client.post(
            f"/organizations/{company.id}/edit", data={**CHAMBER, "name": "Renamed"}
        ).status_code
        == 403
    )
    assert client.post(f"/organizations/{company.id}/delete").status_code == 403
    db.session.expire_all()
    assert organization_count() == 1
    assert db.session.get(Organization, company.id).name == "Saryarka Grain"


def test_missing_organization_is_a_404(client, signed_in):
    signed_in(Role.PLANNER)
    assert client.get("/organizations/999/edit").status_code == 404
    assert client.post("/organizations/999/delete").status_code == 404
