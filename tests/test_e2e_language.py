"""In a real browser: the header's switcher puts the sign-in page in Persian, and the
account that signs in there keeps Persian."""

import pytest

from planner.accounts.models import Role
from planner.extensions import db
from tests.browser import chromium_pages
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_a_new_officer_switches_the_sign_in_page_to_persian_and_keeps_it(app, create_staff):
    officer = create_staff(Role.PLANNER)  # a new account: no language chosen yet
    with chromium_pages(app) as new_page:
        page = new_page(locale="en-GB")
        page.goto("/sign-in")
        assert page.get_attribute("html", "lang") == "en"
        page.get_by_role("button", name="فارسی").click()
        page.wait_for_url("**/sign-in")
        assert (page.get_attribute("html", "lang"), page.get_attribute("html", "dir")) == (
            "fa",
            "rtl",
        )
        assert page.get_by_role("button", name="فارسی").get_attribute("aria-pressed") == "true"
        page.fill("input[name=email]", officer.email)
        page.fill("input[name=password]", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url("**/")
        assert page.get_attribute("html", "lang") == "fa"
    db.session.refresh(officer)
    assert officer.locale == "fa"
