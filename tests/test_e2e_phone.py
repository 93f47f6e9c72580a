"""On a 390 px phone, in a real browser: the demo visit's page never scrolls sideways, and
the site's navigation folds behind one button."""

import pytest

from planner.accounts.models import Role
from tests.browser import chromium_pages, sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

# The page's width: the window's (390) when nothing scrolls sideways. A plain viewport, not
# Playwright's is_mobile, which would widen the window to the page instead.
WIDTH = "document.documentElement.scrollWidth"


@pytest.fixture
def phone(app):
    with chromium_pages(app) as new_page:
        yield new_page(viewport=PHONE)


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_demo_visit_page_fits_a_phone_with_every_menu_and_fold_open(
    language, phone, demo_visit, create_staff
):
    officer = create_staff(Role.PLANNER, locale=language)
    page = phone
    sign_in(page, officer)
    page.goto(f"/visits/{demo_visit.id}")
    assert page.evaluate("window.innerWidth") == 390
    assert page.evaluate(WIDTH) <= 390
    # The follow-ups and the participants are tables: stacked, not scrolled, on a phone.
    for table in (".table--follow-ups", ".table--people"):
        box = page.locator(table).first.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (table, box)
    # Open, every menu and every fold still fits.
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert page.evaluate(WIDTH) <= 390
    menu = page.locator(".agenda-row__menu .menu__list").first
    box = menu.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box


def test_the_site_navigation_folds_behind_a_button_on_a_phone(phone, create_staff):
    officer = create_staff(Role.PLANNER)
    page = phone
    sign_in(page, officer)
    header = page.locator(".site-header")
    folded = header.bounding_box()["height"]
    assert folded < 80  # it took 320 px when every link was shown
    venues = page.locator(".site-nav a", has_text="Venues")
    assert not venues.is_visible()
    toggle = page.get_by_role("button", name="Menu")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert venues.is_visible()
    assert page.evaluate(WIDTH) <= 390
    with page.expect_navigation():
        venues.click()
    assert page.url.endswith("/venues")
