"""End to end in a real browser: a protocol officer signs in and reads the ambassador's visit."""

import pytest

from planner.accounts.models import Role
from tests.browser import chromium_pages
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_page(app):
    with chromium_pages(app) as new_page:
        yield new_page()


def test_officer_signs_in_and_reads_the_demo_programme(browser_page, demo_visit, create_staff):
    officer = create_staff(Role.PLANNER)
    page = browser_page
    page.goto(f"/visits/{demo_visit.id}")
    assert page.url.endswith(f"/sign-in?next=/visits/{demo_visit.id}")
    page.fill("input[name=email]", officer.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/visits/{demo_visit.id}")
    assert demo_visit.title in page.title() or demo_visit.title in page.content()
    body = page.inner_text("body")
    assert "Falak-ol-Aflak" in body
    assert "Head of delegation" in body
    # The stylesheet and the font load from our own server: nothing from a CDN.
    stylesheet = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert stylesheet
    requests = page.evaluate("performance.getEntriesByType('resource').map(entry => entry.name)")
    assert all(url.startswith(page.url.split("/visits")[0]) for url in requests), requests
