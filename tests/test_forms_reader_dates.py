"""Dates in the reader's calendar: Persian pages take and show Jalali dates, English pages
Gregorian ones, and a stop's day is chosen among the visit's days."""

from datetime import date
from html import unescape

import pytest
import sqlalchemy as sa

from planner.accounts.models import Role
from planner.extensions import db
from planner.forms import parse_reader_date
from planner.itinerary.models import Stop
from planner.visits.models import Visit
from tests.conftest import chosen


def visit_form(**changes) -> dict:
    data = {
        "title": "Nowruz visit of the Governor of Kostanay Region",
        "visiting_country": "KZ",
        "host_region": "Lorestan",
        "host_city": "Khorramabad",
        "start_date": "2026-03-21",
        "end_date": "2026-03-23",
        "timezone": "Asia/Tehran",
        "delegation_timezone": "Asia/Almaty",
        "status": "proposed",
    }
    data.update(changes)
    return data


def stop_form(**changes) -> dict:
    data = {
        "kind": "official_meeting",
        "title": "Talks at the chamber",
        "day": "2026-12-16",
        "starts": "10:00",
        "ends": "11:00",
        "end_day": "",
        "venue_id": "0",
        "status": "confirmed",
    }
    data.update(changes)
    return data


def saved_visit() -> Visit | None:
    return db.session.scalars(sa.select(Visit)).one_or_none()


@pytest.fixture
def persian_planner(signed_in):
    user = signed_in(Role.PLANNER)
    user.locale = "fa"
    db.session.commit()
    return user


@pytest.mark.parametrize(
    ("first", "last"),
    [
        ("۱۴۰۵/۰۱/۰۱", "۱۴۰۵/۰۱/۰۳"),  # Persian digits, as a Persian keyboard types them
        ("1405/1/1", "1405-01-03"),  # Latin digits, either separator
        ("١٤٠٥.١.١", "١٤٠٥/١/٣"),  # Arabic-Indic digits
    ],
)
def test_a_visit_created_on_the_persian_page_takes_jalali_dates(
    client, persian_planner, first, last
):
    response = client.post("/visits/new", data=visit_form(start_date=first, end_date=last))

    assert response.status_code == 302, response.text
    visit = saved_visit()
    assert (visit.start_date, visit.end_date) == (date(2026, 3, 21), date(2026, 3, 23))


@pytest.mark.parametrize(
    "impossible",
    [
        "1405/13/01",  # no thirteenth month
        "۱۴۰۴/۱۲/۳۰",  # 1404 is not a leap year: Esfand has 29 days
        "1404/12/31",
        "1405/01",
        "tomorrow",
    ],
)
def test_an_impossible_jalali_date_is_refused_on_the_page_and_nothing_is_saved(
    client, persian_planner, impossible
):
    response = client.post("/visits/new", data=visit_form(start_date=impossible))

    assert response.status_code == 400  # the form again, with what is wrong
    page = unescape(response.text)
    assert "چنین روزی در تقویم نیست" in page or "تاریخ را به صورت سال/ماه/روز وارد کنید" in page
    assert impossible in page  # what was typed is shown back to correct
    assert saved_visit() is None


def test_the_persian_form_is_a_box_for_jalali_digits_and_shows_the_stored_date_in_jalali(
    client, persian_planner, create_visit
):
    visit = create_visit(start_date=date(2026, 3, 21), end_date=date(2026, 3, 23))

    page = client.get(f"/visits/{visit.id}/edit").text

    assert 'value="۱۴۰۵/۰۱/۰۱"' in page and 'value="۱۴۰۵/۰۱/۰۳"' in page
    field = next(tag for tag in page.split("<input") if 'name="start_date"' in tag)
    assert 'type="text"' in field and 'inputmode="numeric"' in field and 'dir="ltr"' in field
    assert 'placeholder="۱۴۰۵/۰۱/۰۱"' in field

    response = client.post(
        f"/visits/{visit.id}/edit",
        data=visit_form(start_date="۱۴۰۵/۰۱/۰۲", end_date="۱۴۰۵/۰۱/۰۳"),
    )
    assert response.status_code == 302, response.text
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).start_date == date(2026, 3, 22)


def test_the_english_page_keeps_the_browser_s_iso_dates(client, signed_in, create_visit):
    signed_in(Role.PLANNER)
    visit = create_visit(start_date=date(2026, 3, 21), end_date=date(2026, 3, 23))
    page = client.get(f"/visits/{visit.id}/edit").text
    field = next(tag for tag in page.split("<input") if 'name="start_date"' in tag)
    assert 'type="date"' in field and 'value="2026-03-21"' in field

    assert client.post("/visits/new", data=visit_form()).status_code == 302
    assert db.session.scalars(sa.select(Visit).filter(Visit.id != visit.id)).one().start_date == (
        date(2026, 3, 21)
    )
    refused = client.post("/visits/new", data=visit_form(title="Jalali", start_date="1405/01/01"))
    assert refused.status_code == 400 and "Not a valid date value." in refused.text


def test_a_stop_s_day_is_chosen_among_the_visit_s_days_labelled_in_the_reader_s_calendar(
    client, signed_in, create_visit
):
    user = signed_in(Role.PLANNER)
    visit = create_visit(start_date=date(2026, 3, 19), end_date=date(2026, 3, 22))
    url = f"/visits/{visit.id}/stops/new"

    english = unescape(client.get(url).text)
    assert '<select class="input" id="day" name="day"' in english
    assert '<option value="2026-03-21">Day 3 — Saturday 21 March 2026</option>' in english
    assert '<option value="2026-03-23">' not in english

    user.locale = "fa"
    db.session.commit()
    persian = unescape(client.get(url).text)
    assert '<option value="2026-03-21">روز ۳ — شنبه ۱ فروردین ۱۴۰۵</option>' in persian

    # The options' values are ISO dates, as the English page always sent.
    response = client.post(url, data=stop_form(day="2026-03-21"))
    assert response.status_code == 302, response.text
    stop = db.session.scalars(sa.select(Stop)).one()
    edit = client.get(f"/visits/{visit.id}/stops/{stop.id}/edit").text
    assert chosen(edit, "day") == ["2026-03-21"]


def test_a_stop_left_outside_the_visit_s_days_keeps_its_day_in_the_select(
    client, signed_in, create_visit, create_stop
):
    signed_in(Role.PLANNER)
    visit = create_visit(start_date=date(2026, 3, 19), end_date=date(2026, 3, 22))
    stop = create_stop(visit, date(2026, 3, 25), "09:00", "10:00")

    edit = unescape(client.get(f"/visits/{visit.id}/stops/{stop.id}/edit").text)

    assert chosen(edit, "day") == ["2026-03-25"]
    assert "Wednesday 25 March 2026</option>" in edit


def test_a_long_visit_takes_a_stop_s_day_as_a_date(client, signed_in, create_visit):
    signed_in(Role.PLANNER)
    visit = create_visit(start_date=date(2026, 1, 1), end_date=date(2026, 3, 31))
    page = client.get(f"/visits/{visit.id}/stops/new").text
    field = next(tag for tag in page.split("<input") if 'name="day"' in tag)
    assert 'type="date"' in field


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("۱۴۰۵/۰۱/۰۱", date(2026, 3, 21)),
        (" 1403/12/30 ", date(2025, 3, 20)),  # 1403 is a leap year
        ("1405 / 1 / 1", date(2026, 3, 21)),
        ("2026-03-21", date(2026, 3, 21)),  # an ISO date, as the day select sends it
    ],
)
def test_jalali_dates_are_read_in_any_digits(app, typed, day):
    with app.test_request_context():
        assert parse_reader_date(typed) == day
