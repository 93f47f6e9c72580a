"""The visit list a page at a time, with its filters and search, as staff use it."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from planner.accounts.models import Role
from planner.extensions import db
from planner.organizations.models import Organization, OrganizationKind
from planner.visits.models import Visit, VisitStatus
from tests.conftest import Auth

TODAY = date(2026, 12, 1)


def add_visits(count: int, first_day: date = TODAY, title: str = "", **values) -> list[Visit]:
    """`count` visits a day apart from the day after `first_day`, titled `title` or
    "Visit 0001" and on; confirmed visits from Kazakhstan unless `values` say otherwise."""
    values = {"visiting_country": "KZ", "status": VisitStatus.CONFIRMED, **values}
    visits = [
        Visit(
            title=title or f"Visit {number:04}",
            start_date=first_day + timedelta(days=number),
            end_date=first_day + timedelta(days=number),
            timezone="Asia/Tehran",
            **values,
        )
        for number in range(1, count + 1)
    ]
    db.session.add_all(visits)
    db.session.commit()
    return visits


def titles(page: str) -> list[str]:
    return re.findall(r'class="table__title"[^>]*><bdi>([^<]+)</bdi>', page)


@pytest.fixture
def viewer(frozen_clock, signed_in):
    frozen_clock(datetime(2026, 12, 1, 8, tzinfo=UTC))
    return signed_in(Role.VIEWER)


def test_the_list_shows_fifty_visits_a_page_and_the_51st_on_page_two(viewer, client):
    add_visits(120)
    first = client.get("/").text
    assert titles(first) == [f"Visit {number:04}" for number in range(1, 51)]
    assert "Page 1 of 3" in first
    second = client.get("/?page=2").text
    assert titles(second)[0] == "Visit 0051"
    assert "Page 2 of 3" in second
    assert 'href="/?page=1"' in second and 'href="/?page=3"' in second


def test_upcoming_visits_come_first_soonest_first_then_past_ones_newest_first(viewer, client):
    add_visits(2, TODAY - timedelta(days=30), title="Past")  # 29 and 28 days ago
    db.session.add_all(
        [
            Visit(
                title=title,
                visiting_country="KZ",
                start_date=day,
                end_date=day,
                timezone="Asia/Tehran",
            )
            for title, day in [
                ("Long ago", TODAY - timedelta(days=400)),
                ("Later", TODAY + timedelta(days=60)),
                ("Soon", TODAY + timedelta(days=3)),
                ("Last month", TODAY - timedelta(days=20)),
            ]
        ]
    )
    db.session.commit()
    assert titles(client.get("/").text) == [
        "Soon",
        "Later",
        "Last month",
        "Past",
        "Past",
        "Long ago",
    ]


def test_page_links_keep_the_filters_and_the_search(viewer, client):
    add_visits(60, title="Trade mission")
    page = client.get("/?status=confirmed&q=trade&country=KZ&period=upcoming").text
    nav = page.split('class="pager"', 1)[1].split("</nav>", 1)[0]
    assert "Page 1 of 2" in nav
    link = re.search(r'rel="next" href="([^"]+)"', nav)[1].replace("&amp;", "&")
    for part in ("status=confirmed", "q=trade", "country=KZ", "period=upcoming", "page=2"):
        assert part in link
    assert len(titles(client.get(link).text)) == 10


def test_a_page_past_the_last_is_not_found_and_a_page_that_cannot_be_is_a_bad_request(
    viewer, client
):
    add_visits(3)
    assert client.get("/?page=1").status_code == 200
    assert client.get("/?page=2").status_code == 404
    for page in ("0", "-1", "two", "1.5", "9" * 20, "١"):
        assert client.get(f"/?page={page}").status_code == 400, page


def test_one_page_of_visits_has_no_page_links(viewer, client):
    add_visits(3)
    assert 'class="pager"' not in client.get("/").text


def test_search_finds_a_persian_title_by_persian_and_a_latin_one_whatever_its_case(viewer, client):
    add_visits(1, title="دیدار سفیر قزاقستان")
    add_visits(1, title="Visit of the Ambassador of Kazakhstan")
    assert titles(client.get("/?q=سفیر").text) == ["دیدار سفیر قزاقستان"]
    assert titles(client.get("/?q=ambassador OF").text) == ["Visit of the Ambassador of Kazakhstan"]
    page = client.get("/?q=Basra").text
    assert titles(page) == [] and "Nothing matches the search" in page


def test_filters_by_period_country_and_status(viewer, client):
    add_visits(1, TODAY - timedelta(days=10), title="Over")
    add_visits(1, title="Coming")
    add_visits(1, title="From Iraq", visiting_country="IQ")
    add_visits(1, title="Only a draft", status=VisitStatus.DRAFT)
    assert titles(client.get("/?period=past").text) == ["Over"]
    assert "Over" not in titles(client.get("/?period=upcoming").text)
    assert titles(client.get("/?country=iq").text) == ["From Iraq"]
    assert titles(client.get("/?status=draft").text) == ["Only a draft"]


def test_what_nobody_could_mean_in_the_address_is_a_bad_request_not_an_error(viewer, client):
    add_visits(1)
    assert client.get("/?q=a%00b").status_code == 400
    assert client.get("/?period=someday").status_code == 400
    assert client.get("/?status=nonsense").status_code == 400
    assert client.get("/?q=" + "x" * 5000).status_code == 200
    assert client.get("/?country=" + "Z" * 5000).status_code == 200


def test_persian_pages_count_the_pages_in_persian_digits(viewer, client, app):
    viewer.locale = "fa"
    db.session.commit()
    add_visits(60)
    page = client.get("/?page=2").text
    nav = page.split('class="pager"', 1)[1].split("</nav>", 1)[0]
    assert "صفحه‌ی ۲ از ۲" in nav


# --- The list kept between requests -------------------------------------------------------


def test_the_kept_list_follows_every_change_to_what_it_shows(
    signed_in, client, frozen_clock, query_counter
):
    frozen_clock(datetime(2026, 12, 2, 19, tzinfo=UTC))  # 22:30 in Tehran on the 2nd
    signed_in(Role.VIEWER)
    ministry = Organization(
        name="Ministry of Industry", kind=OrganizationKind.GOVERNMENT_OFFICE, country="KZ"
    )
    first, second = add_visits(2, visiting_organization=ministry)
    assert titles(client.get("/").text) == ["Visit 0001", "Visit 0002"]
    # Asked again with nothing changed, the visits are not read again.
    with query_counter() as statements:
        client.get("/")
    assert not [sql for sql in statements if "FROM visits" in sql]

    first.title, second.status = "Visit one, renamed", VisitStatus.CANCELLED
    db.session.commit()
    page = client.get("/").text
    assert titles(page) == ["Visit one, renamed", "Visit 0002"]
    assert "badge--cancelled" in page
    ministry.name = "Ministry of Industry and Infrastructure"
    db.session.commit()
    assert "Ministry of Industry and Infrastructure" in client.get("/").text
    add_visits(1, TODAY + timedelta(days=5), title="A new visit")
    assert "A new visit" in titles(client.get("/").text)
    second.deleted_at = datetime(2026, 12, 1, 8, tzinfo=UTC)
    db.session.commit()
    assert "Visit 0002" not in titles(client.get("/").text)
    # Each address is its own list.
    assert titles(client.get("/?q=renamed").text) == ["Visit one, renamed"]

    # The office's day turns (a minute after Tehran's midnight): the first visit, on the 2nd,
    # is over.
    assert "Past visits" not in client.get("/").text
    frozen_clock(datetime(2026, 12, 2, 20, 31, tzinfo=UTC))
    assert "Past visits" in client.get("/").text


def test_the_kept_list_is_each_readers_own(app, create_staff, frozen_clock):
    frozen_clock(datetime(2026, 12, 1, 8, tzinfo=UTC))
    viewer, planner = create_staff(Role.VIEWER), create_staff(Role.PLANNER, locale="fa")
    add_visits(1)
    pages = {}
    for user in (viewer, planner):
        reader = app.test_client()
        assert Auth(reader).login(user).status_code == 302
        pages[user] = reader.get("/").text
    assert "New visit" not in pages[viewer] and "/visits/new" not in pages[viewer]
    assert "/visits/new" in pages[planner] and 'dir="rtl"' in pages[planner]
    assert "Visits that" not in pages[planner] and "Visit 0001" in pages[planner]
