"""In a real browser: the pickers filter as one types, in either script, and send what the
plain control sends (static/js/picker.js)."""

import pytest
import sqlalchemy as sa

from planner.accounts.models import Role
from planner.extensions import db
from planner.organizations.models import Organization, OrganizationKind
from planner.people.models import Person
from planner.visits.models import Participant
from tests.browser import chromium_pages, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def new_page(app):
    with chromium_pages(app) as new_page:
        yield new_page


def shown_options(page, select: str) -> list[str]:
    return page.eval_on_selector_all(f"{select} option", "options => options.map(o => o.text)")


def filter_of(page, control_id: str):
    return page.locator(f"input.picker__search[aria-controls={control_id}]")


def test_typing_persian_on_an_english_page_finds_turkey_and_enter_chooses_it(
    new_page, create_staff
):
    page = new_page()
    sign_in(page, create_staff(Role.PLANNER))
    page.goto("/organizations/new")
    page.fill("input[name=name]", "Turkish Exporters Assembly")
    page.select_option("select[name=kind]", "chamber_of_commerce")
    search = filter_of(page, "country")
    search.fill("تر")
    shown = shown_options(page, "select[name=country]")
    assert "Türkiye (TR)" in shown and "China (CN)" not in shown
    # Nothing is chosen behind the reader's back: the empty choice stays until they choose.
    assert page.input_value("select[name=country]") == ""
    assert page.inner_text(".picker__status") == f"{len(shown) - 1} of 250 shown"
    search.fill("Turk")  # CLDR says Türkiye: the accent is folded away
    search.press("Enter")  # chooses the first match; the form is not sent
    assert page.url.endswith("/organizations/new")
    assert page.input_value("select[name=country]") == "TR"
    page.click("button[type=submit].button--primary")
    page.wait_for_url("**/organizations")
    assert db.session.scalars(sa.select(Organization.country)).one() == "TR"


def test_typing_latin_on_a_persian_page_finds_turkey_and_the_kazakh_language(
    new_page, create_staff
):
    planner = create_staff(Role.PLANNER, locale="fa")
    page = new_page()
    sign_in(page, planner)
    page.goto("/people/new")
    page.fill("input[name=full_name_latin]", "Ayse Demir")
    filter_of(page, "nationality").fill("Tur")
    assert "ترکیه (TR)" in shown_options(page, "select[name=nationality]")
    page.select_option("select[name=nationality]", "TR")
    filter_of(page, "languages-list").fill("kaz")
    visible = page.locator("#languages li:visible")
    assert visible.all_inner_texts() == ["قزاقی (kk)"]
    visible.get_by_label("قزاقی (kk)").check()
    filter_of(page, "languages-list").fill("ترکی")
    page.get_by_label("ترکی استانبولی (tr)", exact=True).check()
    page.click("button[type=submit].button--primary")
    page.wait_for_url("**/people/*")
    person = db.session.scalars(sa.select(Person)).one()
    assert (person.nationality, person.languages) == ("TR", ["kk", "tr"])


def test_people_venues_and_attendees_are_found_by_their_persian_or_latin_name(
    new_page, create_staff, demo_visit
):
    organization = Organization(
        name="Lorestan Tile Works",
        name_native="کاشی لرستان",
        kind=OrganizationKind.COMPANY,
        country="IR",
    )
    db.session.add(
        Person(
            full_name_latin="Mina Sepahvand",
            full_name_native="مینا سپهوند",
            organization=organization,
            languages=["fa"],
        )
    )
    db.session.commit()
    page = new_page()
    sign_in(page, create_staff(Role.PLANNER))

    page.goto(f"/visits/{demo_visit.id}/participants/new")
    filter_of(page, "person").fill("مینا")
    assert shown_options(page, "select[name=person]") == [
        "— Choose a person —",
        "Mina Sepahvand (Lorestan Tile Works)",
    ]
    filter_of(page, "person").press("Enter")
    page.select_option("select[name=side]", "host")
    page.select_option("select[name=role]", "host")
    page.click("button[type=submit].button--primary")
    page.wait_for_url(f"**/visits/{demo_visit.id}*")
    added = db.session.scalars(
        sa.select(Participant).join(Person).where(Person.full_name_latin == "Mina Sepahvand")
    ).one()
    assert added.visit_id == demo_visit.id

    page.goto(f"/visits/{demo_visit.id}/stops/new")
    filter_of(page, "venue_id").fill("فلک")
    assert shown_options(page, "select[name=venue_id]") == [
        "— No venue —",
        "Falak-ol-Aflak Castle — Khorramabad",
    ]
    filter_of(page, "attendees-list").fill("سپهوند")
    names = page.locator("#attendees li:visible label").all_inner_texts()
    assert names and all("Sepahvand" in name for name in names)


def test_without_javascript_the_plain_select_is_all_there_is(new_page, create_staff):
    page = new_page(java_script_enabled=False)
    sign_in(page, create_staff(Role.PLANNER))
    page.goto("/organizations/new")
    assert page.locator(".picker__search").count() == 0
    assert "Türkiye (TR)" in shown_options(page, "select[name=country]")
