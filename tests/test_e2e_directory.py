"""In a real browser: a planner adds the directory's entries by choosing countries and languages
by name, with JavaScript and without it, in English and in Persian."""

import pytest
import sqlalchemy as sa

from planner.accounts.models import Role
from planner.extensions import db
from planner.organizations.models import Organization
from planner.people.models import Person
from tests.browser import chromium_pages, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def new_page(app):
    """new_page(**options): a Chromium page on the app served live (options: Playwright's)."""
    with chromium_pages(app) as new_page:
        yield new_page


def test_planner_chooses_china_and_the_ambassador_s_languages_by_name(new_page, create_staff):
    page = new_page()
    sign_in(page, create_staff(Role.PLANNER))

    page.goto("/organizations/new")
    page.fill("input[name=name]", "Bank of China")
    page.select_option("select[name=kind]", "company")
    page.select_option("select[name=country]", label="China (CN)")
    page.click("button[type=submit].button--primary")
    page.wait_for_url("**/organizations")
    assert db.session.scalars(sa.select(Organization.country)).one() == "CN"
    assert "China" in page.inner_text("table")

    page.goto("/people/new")
    page.fill("input[name=full_name_latin]", "Yerlan Abenov")
    page.select_option("select[name=nationality]", label="Kazakhstan (KZ)")
    page.get_by_label("Russian (ru)", exact=True).check()
    page.get_by_label("Kazakh (kk)", exact=True).check()
    # What is ticked is said above the long list, as it is ticked.
    assert page.inner_text(".field__chosen") == "Chosen: Kazakh (kk), Russian (ru)"
    page.click("button[type=submit].button--primary")
    page.wait_for_url("**/people/*")
    person = db.session.scalars(sa.select(Person)).one()
    assert (person.nationality, person.languages) == ("KZ", ["kk", "ru"])
    facts = page.inner_text(".facts")
    assert "Kazakhstan" in facts and "Kazakh" in facts and "Russian" in facts


def test_a_persian_planner_without_javascript_chooses_by_persian_names(new_page, create_staff):
    planner = create_staff(Role.PLANNER)
    planner.locale = "fa"
    db.session.commit()
    page = new_page(java_script_enabled=False)
    sign_in(page, planner)

    page.goto("/people/new")
    assert page.get_attribute("html", "dir") == "rtl"
    page.fill("input[name=full_name_latin]", "Dana Sarsenbayeva")
    page.select_option("select[name=nationality]", label="قزاقستان (KZ)")
    for name in ("قزاقی (kk)", "فارسی (fa)"):
        page.get_by_label(name, exact=True).check()
    page.click("button[type=submit].button--primary")
    page.wait_for_url("**/people/*")
    person = db.session.scalars(sa.select(Person)).one()
    assert (person.nationality, person.languages) == ("KZ", ["fa", "kk"])
    facts = page.inner_text(".facts")
    assert "قزاقستان" in facts and "قزاقی" in facts and "فارسی" in facts
