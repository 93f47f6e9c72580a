"""In Chromium: the venue form's "same hours every day" and "same as the day before", and the
stop form filling the end from the start with the kind's usual length."""

from datetime import time

import pytest
import sqlalchemy as sa

from planner.accounts.models import Role
from planner.extensions import db
from planner.venues.models import Venue
from planner.venues.operations import weekly_hours
from tests.browser import chromium_pages
from tests.test_e2e_directory import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def new_page(app):
    with chromium_pages(app) as new_page:
        yield new_page


def test_a_factory_s_week_is_typed_once_and_copied(new_page, create_staff):
    page = new_page()
    sign_in(page, create_staff(Role.PLANNER))
    page.goto("/venues/new")
    page.fill("input[name=name]", "Kiyo Flour and Pasta Company")
    page.select_option("select[name=kind]", "factory")
    # Saturday, the first day of the Iranian week, for the whole week ...
    page.fill("input[name='hours-0-opens_1']", "07:00")
    page.fill("input[name='hours-0-closes_1']", "15:00")
    page.click("button[data-same-every-day]")
    assert page.input_value("input[name='hours-6-closes_1']") == "15:00"
    # ... but a short Thursday (the sixth row), and Friday closed like nothing before it.
    page.fill("input[name='hours-5-closes_1']", "12:00")
    page.fill("input[name='hours-6-opens_1']", "")
    page.fill("input[name='hours-6-closes_1']", "")
    page.check("input[name='hours-6-closed']")
    # Wednesday had Saturday's hours: the same as the day before, in one click.
    page.fill("input[name='hours-4-closes_1']", "14:00")
    page.click("[data-weekday-row]:nth-child(5) button[data-copy-day-before]")
    assert page.input_value("input[name='hours-4-closes_1']") == "15:00"
    page.click("button[type=submit].button--primary")
    page.wait_for_url("**/venues/*")

    venue = db.session.scalars(sa.select(Venue)).one()
    full, short = [(time(7), time(15))], [(time(7), time(12))]
    # Weekdays from Monday = 0: Saturday 5 ... Thursday 3; Friday (4) closed.
    assert weekly_hours(venue) == {5: full, 6: full, 0: full, 1: full, 2: full, 3: short}


def test_the_end_of_a_stop_follows_its_start_until_the_planner_types_one(
    new_page, create_staff, visit
):
    page = new_page()
    sign_in(page, create_staff(Role.PLANNER))
    page.goto(f"/visits/{visit.id}/stops/new")
    page.select_option("select[name=kind]", "meal")
    page.fill("input[name=starts]", "12:30")
    assert page.input_value("input[name=ends]") == "14:00"  # a meal: 90 minutes
    page.select_option("select[name=kind]", "press")
    assert page.input_value("input[name=ends]") == "13:00"
    page.fill("input[name=ends]", "13:15")
    page.fill("input[name=starts]", "12:45")
    assert page.input_value("input[name=ends]") == "13:15"  # typed: kept
