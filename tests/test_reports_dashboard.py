"""The dashboard: what is coming, what is late, the pipeline and what visits produced."""

import re
from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from markupsafe import escape

from planner.accounts.models import Role
from planner.clock import utc_now
from planner.extensions import db
from planner.i18n import country_name
from planner.itinerary.models import Stop
from planner.outcomes.models import FollowUp, Outcome, OutcomeKind
from planner.partnerships.models import Partnership, Stage
from planner.reports import charts, queries
from planner.visits.models import VisitStatus
from tests.conftest import Auth


def section(page: str, element_id: str) -> str:
    return page.split(f'id="{element_id}"', 1)[1].split("</section>", 1)[0]


def overdue_rows(html: str) -> list[str]:
    return re.findall(r"<tr [^>]*follow-up--overdue[^>]*>", html)


def chart_numbers(page: str, chart_id: str) -> dict[str, int]:
    """The chart's data table: category -> total."""
    table = page.split(f'data-chart="{chart_id}"', 1)[1].split("</table>", 1)[0]
    return {
        category: int(total)
        for category, total in re.findall(
            r'<th scope="row">(.*?)</th>.*?<td class="num" data-total>(\d+)</td>', table, re.S
        )
    }


def add_outcome(visit, kind=OutcomeKind.OTHER, day=date(2026, 12, 15), **fields) -> Outcome:
    outcome = Outcome(visit=visit, kind=kind, summary=fields.pop("summary", "An outcome"), day=day)
    for name, value in fields.items():
        setattr(outcome, name, value)
    db.session.add(outcome)
    db.session.commit()
    return outcome


# --- The demo ---------------------------------------------------------------------------


def test_demo_dashboard_shows_the_ambassadors_visit_and_what_it_produced(
    demo_visit, client, signed_in, frozen_clock
):
    frozen_clock(datetime(2026, 12, 1, 8, tzinfo=UTC))
    signed_in(Role.VIEWER)
    response = client.get("/dashboard")
    assert response.status_code == 200
    page = response.text
    assert escape(demo_visit.title) in section(page, "upcoming")

    # Every outcome, each follow-up with its owner and due date.
    latest = section(page, "outcomes")
    for outcome in db.session.scalars(sa.select(Outcome)):
        assert escape(outcome.summary) in latest
        for follow_up in outcome.follow_ups:
            assert escape(follow_up.owner.name) in latest
            assert follow_up.due_date.isoformat() in latest

    # The country chart counts what the data holds, by the visiting country.
    expected = Counter(
        country_name(outcome.visit.visiting_country)
        for outcome in db.session.scalars(sa.select(Outcome))
    )
    assert chart_numbers(page, "chart-countries") == dict(expected)
    assert chart_numbers(page, "chart-countries") == {"Kazakhstan": 8}
    assert chart_numbers(page, "chart-years") == {"2026": 8}
    assert chart_numbers(page, "chart-months")["December 2026"] == 2  # with the Basra visit
    assert '<title id="chart-countries-title">Outcomes by partner country</title>' in page

    # The pipeline: a column per stage, in order, each partnership in its stage's column.
    stages = re.findall(r'data-stage="(\w+)"', page)
    assert stages == [stage.value for stage in Stage]
    columns = dict(
        re.findall(
            r'data-stage="(\w+)">(.*?)</li>\s*(?=<li class="pipeline__stage|</ol>)', page, re.S
        )
    )
    for partnership in db.session.scalars(sa.select(Partnership)):
        assert escape(partnership.title) in columns[partnership.stage.value]
    assert '>Exploring <span class="count">2</span>' in page
    assert '>Idea <span class="count">1</span>' in page


def test_overdue_follow_ups_appear_once_the_office_day_has_passed_their_due_date(
    demo_visit, client, signed_in, frozen_clock
):
    # The grinding-ball price list is due on 30 December. At 23:59 in Tehran it is not late.
    frozen_clock(datetime(2026, 12, 30, 20, 29, tzinfo=UTC))
    signed_in(Role.VIEWER)
    page = client.get("/dashboard").text
    assert "Nothing is overdue" in section(page, "overdue")
    assert "figure--alert" not in page
    # A minute after Tehran's midnight (20:30 UTC) it is, though the server's day is the 30th.
    frozen_clock(datetime(2026, 12, 30, 20, 31, tzinfo=UTC))
    overdue = section(client.get("/dashboard").text, "overdue")
    assert "Grinding-ball price list in Russian to the counsellor" in overdue
    assert "Kaveh Nazari" in overdue
    assert "follow-up--overdue" in overdue and "Overdue" in overdue
    assert len(overdue_rows(overdue)) == 1
    # Months later, every open follow-up is late; done ones never are.
    memorandum = db.session.scalar(sa.select(FollowUp).where(FollowUp.title.like("Send the%")))
    memorandum.status = memorandum.status.DONE
    db.session.commit()
    frozen_clock(datetime(2027, 6, 1, 8, tzinfo=UTC))
    signed_in(Role.VIEWER)  # months later: a new session
    overdue = section(client.get("/dashboard").text, "overdue")
    assert len(overdue_rows(overdue)) == 7
    assert "Send the memorandum" not in overdue


def test_this_weeks_stops_show_local_times_for_the_next_seven_days(
    demo_visit, client, signed_in, frozen_clock
):
    frozen_clock(datetime(2026, 12, 14, 6, tzinfo=UTC))
    signed_in(Role.VIEWER)
    week = section(client.get("/dashboard").text, "week")
    assert "Arrival at Khorramabad Airport" in week
    assert "Tuesday, 15 December 2026" in week
    assert ">08:30</time>" in week  # Tehran time, not UTC (05:00)
    assert "Debrief with the embassy" in week  # Thursday the 17th, still within the week
    assert "Meeting with the Basra Chamber of Commerce" in week  # another visit's stop

    # A binned stop is gone; a week after the visit there is nothing to show.
    arrival = db.session.scalar(
        sa.select(Stop).where(Stop.title == "Arrival at Khorramabad Airport")
    )
    arrival.deleted_at = utc_now()
    db.session.commit()
    assert "Arrival at Khorramabad Airport" not in section(client.get("/dashboard").text, "week")
    frozen_clock(datetime(2026, 12, 18, 6, tzinfo=UTC))
    signed_in(Role.VIEWER)  # four days later: a new session
    assert "No stops in the next 7 days" in section(client.get("/dashboard").text, "week")


def test_week_starts_at_the_office_midnight(create_visit, create_stop, app):
    visit = create_visit(start_date=date(2026, 12, 14), end_date=date(2026, 12, 22))
    create_stop(visit, date(2026, 12, 14), "00:10", "00:40", title="Just after midnight")
    create_stop(visit, date(2026, 12, 13), "23:50", "23:59", title="The evening before")
    create_stop(visit, date(2026, 12, 20), "23:00", "23:30", title="Last evening of the week")
    create_stop(visit, date(2026, 12, 21), "00:10", "00:40", title="A week later")
    titles = [s.title for s in queries.week_stops(db.session, date(2026, 12, 14), "Asia/Tehran")]
    assert titles == ["Just after midnight", "Last evening of the week"]


# --- The queries behind the charts ---------------------------------------------------------


def test_visits_per_month_counts_the_last_twelve_months_up_to_the_furthest_visit(create_visit, app):
    create_visit(title="Last spring", start_date=date(2026, 4, 2), end_date=date(2026, 4, 3))
    create_visit(title="Same month", start_date=date(2026, 4, 20), end_date=date(2026, 4, 21))
    create_visit(title="Too old", start_date=date(2025, 11, 30), end_date=date(2025, 12, 1))
    create_visit(title="Next March", start_date=date(2027, 3, 9), end_date=date(2027, 3, 10))
    create_visit(
        title="Called off",
        start_date=date(2026, 9, 1),
        end_date=date(2026, 9, 2),
        status=VisitStatus.CANCELLED,
    )
    binned = create_visit(title="Binned", start_date=date(2026, 6, 1), end_date=date(2026, 6, 2))
    binned.deleted_at = utc_now()
    db.session.commit()

    months = queries.visits_per_month(db.session, date(2026, 11, 25))
    assert months[0] == (date(2025, 12, 1), 0)
    assert months[-1] == (date(2027, 3, 1), 1)
    assert len(months) == 16
    counts = dict(months)
    assert counts[date(2026, 4, 1)] == 2
    assert counts[date(2026, 9, 1)] == 0 and counts[date(2026, 6, 1)] == 0
    assert sum(counts.values()) == 3


def test_visits_chart_reaches_at_most_a_year_ahead(create_visit, app):
    create_visit(start_date=date(2030, 1, 1), end_date=date(2030, 1, 2))
    months = queries.visits_per_month(db.session, date(2026, 11, 25))
    assert months[-1][0] == date(2027, 11, 1)
    assert len(months) == 24


def test_outcomes_by_year_and_country_leave_out_binned_visits(create_visit, app):
    kazakh = create_visit()
    iraqi = create_visit(title="Basra delegation", visiting_country="IQ")
    binned = create_visit(title="Binned", visiting_country="TR")
    add_outcome(kazakh, OutcomeKind.EXPORT_LEAD, date(2024, 3, 1))
    add_outcome(kazakh, OutcomeKind.EXPORT_LEAD, date(2026, 3, 1))
    add_outcome(kazakh, OutcomeKind.AGREEMENT, date(2026, 5, 1))
    add_outcome(iraqi, OutcomeKind.CULTURAL_EVENT, date(2026, 5, 1))
    add_outcome(binned, OutcomeKind.OTHER, date(2026, 5, 1))
    binned.deleted_at = utc_now()
    db.session.commit()

    assert queries.outcomes_by_country(db.session) == [("KZ", 3), ("IQ", 1)]
    assert queries.outcomes_by_year(db.session) == [
        (2024, {OutcomeKind.EXPORT_LEAD: 1}),
        (2025, {}),
        (
            2026,
            {OutcomeKind.AGREEMENT: 1, OutcomeKind.EXPORT_LEAD: 1, OutcomeKind.CULTURAL_EVENT: 1},
        ),
    ]


def test_value_totals_are_kept_per_currency(create_visit, app):
    visit = create_visit()
    for value, currency in (("0.10", "USD"), ("0.20", "USD"), ("1000", "EUR"), ("0.29", "USD")):
        add_outcome(
            visit, OutcomeKind.EXPORT_LEAD, estimated_value=Decimal(value), currency=currency
        )
    add_outcome(visit, OutcomeKind.EXPORT_LEAD, currency="USD")  # no value: not counted
    totals = queries.value_totals(db.session, visit.id)
    assert [(t.currency, t.count, t.total) for t in totals] == [
        ("EUR", 1, Decimal("1000.00")),
        ("USD", 3, Decimal("0.59")),
    ]
    assert all(isinstance(t.total, Decimal) for t in totals)


# --- Charts ---------------------------------------------------------------------------------


def test_column_heights_are_proportional_and_stacks_touch():
    chart = charts.columns(
        [charts.Column("2025", (2, 0)), charts.Column("2026", (3, 5))],
        [charts.Series("a", "A"), charts.Series("b", "B")],
    )
    assert [bar.value for bar in chart.bars] == [2, 3, 5]
    unit = chart.bars[0].height / 2
    assert chart.bars[1].height == pytest.approx(3 * unit)
    assert chart.bars[2].height == pytest.approx(5 * unit)
    assert chart.bars[2].y + chart.bars[2].height == pytest.approx(chart.bars[1].y)
    assert [row.total for row in chart.rows] == [2, 8]
    assert chart.stacked and not chart.is_empty


def test_longest_horizontal_bar_is_the_largest_count():
    chart = charts.horizontal_bars([("Kazakhstan", 8), ("Iraq", 2)])
    kazakhstan, iraq = chart.bars
    assert iraq.width == pytest.approx(kazakhstan.width / 4)
    assert kazakhstan.y < iraq.y


def test_nice_steps_keep_gridlines_few_and_round():
    assert [charts.nice_step(n) for n in (0, 3, 4, 9, 17, 45, 180)] == [1, 1, 1, 5, 5, 20, 50]


# --- Pages ----------------------------------------------------------------------------------


def test_empty_dashboard_says_what_will_appear(client, signed_in, frozen_clock):
    frozen_clock(datetime(2026, 11, 25, 8, tzinfo=UTC))
    signed_in(Role.VIEWER)
    response = client.get("/dashboard")
    assert response.status_code == 200
    page = response.text
    assert "No visits are planned from today on." in page
    assert "No stops in the next 7 days" in page
    assert "Nothing is overdue" in page
    assert "No outcomes recorded yet." in page
    assert "No partnerships yet." in page
    assert "New visit" not in page  # a viewer cannot plan one


def test_dashboard_speaks_persian_with_persian_digits(
    demo_visit, client, auth, create_staff, frozen_clock
):
    frozen_clock(datetime(2026, 12, 1, 8, tzinfo=UTC))
    auth.login(create_staff(Role.VIEWER, locale="fa"))
    page = client.get("/dashboard").text
    assert 'dir="rtl"' in page
    assert "دسامبر" in page  # December, from Babel's Persian month names
    assert "قزاقستان" in page  # Kazakhstan
    numbers = chart_numbers(page.replace("۸", "8"), "chart-countries")
    assert numbers == {"قزاقستان": 8}
    assert ">۸</text>" in page


def test_planner_can_start_a_visit_from_the_dashboard(client, signed_in):
    signed_in(Role.PLANNER)
    page = client.get("/dashboard").text
    assert 'href="/dashboard"' in page and 'aria-current="page"' in page
    assert "New visit" in page


# --- Long lists: the dashboard shows the first few, counts all, and links to the rest ----


def test_the_dashboard_shows_ten_overdue_follow_ups_counts_all_and_links_to_the_rest(
    visit, client, signed_in, frozen_clock
):
    frozen_clock(datetime(2027, 1, 10, 8, tzinfo=UTC))
    owner = signed_in(Role.PLANNER)
    db.session.add_all(
        FollowUp(title=f"Late letter {n:02}", owner=owner, visit=visit, due_date=date(2027, 1, n))
        for n in range(1, 10)
    )
    db.session.add_all(
        FollowUp(title=f"Older letter {n:02}", owner=owner, visit=visit, due_date=date(2026, 12, n))
        for n in range(1, 4)
    )
    db.session.commit()
    page = client.get("/dashboard").text
    overdue = section(page, "overdue")
    assert len(overdue_rows(overdue)) == 10
    assert '<span class="count count--alert">12</span>' in overdue
    assert "12 overdue, showing the 10 oldest." in overdue
    assert "Older letter 01" in overdue and "Late letter 07" in overdue
    assert "Late letter 08" not in overdue  # the two newest are on the full list
    see_all = re.search(r'href="([^"]+)">See all overdue follow-ups', overdue)[1]
    assert see_all == "/follow-ups?status=overdue"
    full = client.get(see_all).text
    assert "Late letter 08" in full and "Late letter 09" in full
    assert len(overdue_rows(full)) == 12


def test_a_dashboard_with_few_overdue_follow_ups_has_no_see_all_link(
    visit, client, signed_in, frozen_clock
):
    frozen_clock(datetime(2027, 1, 10, 8, tzinfo=UTC))
    owner = signed_in(Role.PLANNER)
    db.session.add(
        FollowUp(title="One letter", owner=owner, visit=visit, due_date=date(2027, 1, 1))
    )
    db.session.commit()
    overdue = section(client.get("/dashboard").text, "overdue")
    assert len(overdue_rows(overdue)) == 1
    assert "See all" not in overdue


def test_upcoming_visits_on_the_dashboard_link_to_the_list_of_all_upcoming(
    create_visit, client, signed_in, frozen_clock
):
    frozen_clock(datetime(2026, 12, 1, 8, tzinfo=UTC))
    for n in range(1, 9):
        create_visit(
            title=f"Trip {n}", start_date=date(2026, 12, n + 1), end_date=date(2026, 12, n + 1)
        )
    signed_in(Role.VIEWER)
    upcoming = section(client.get("/dashboard").text, "upcoming")
    assert "Trip 6" in upcoming and "Trip 7" not in upcoming
    assert "8 upcoming, showing the 6 soonest." in upcoming
    see_all = re.search(r'href="([^"]+)">See all upcoming visits', upcoming)[1]
    assert see_all == "/?period=upcoming"
    assert "Trip 8" in client.get(see_all).text


def test_a_long_overdue_list_links_to_all_of_them_a_page_at_a_time(
    visit, client, signed_in, frozen_clock
):
    frozen_clock(datetime(2027, 3, 1, 8, tzinfo=UTC))
    owner = signed_in(Role.PLANNER)
    db.session.add_all(
        FollowUp(
            title=f"Letter {n:02}", owner=owner, visit=visit, due_date=date(2027, 1, 1 + n % 28)
        )
        for n in range(60)
    )
    db.session.commit()
    overdue = section(client.get("/dashboard").text, "overdue")
    assert len(overdue_rows(overdue)) == queries.DASHBOARD_ROWS
    assert "60 overdue, showing the 10 oldest." in overdue
    see_all = re.search(r'href="([^"]+)">See all overdue follow-ups', overdue)[1]
    first = client.get(see_all).text
    assert len(overdue_rows(first)) == 50
    assert "1–50 of 60" in first
    second_url = re.search(r'rel="next" href="([^"]+)"', first)[1].replace("&amp;", "&")
    assert "status=overdue" in second_url and "page=2" in second_url
    second = client.get(second_url).text
    assert len(overdue_rows(second)) == 10
    shown = re.findall(r"Letter \d\d", first + second)
    assert set(shown) == {f"Letter {n:02}" for n in range(60)}


def test_a_busy_week_shows_its_first_stops_and_links_to_the_upcoming_visits(
    create_visit, create_stop, client, signed_in, frozen_clock
):
    frozen_clock(datetime(2026, 12, 14, 4, tzinfo=UTC))
    visit = create_visit(start_date=date(2026, 12, 14), end_date=date(2026, 12, 16))
    for n in range(queries.WEEK_STOPS_AT_MOST + 5):
        create_stop(visit, date(2026, 12, 15), f"09:{n:02}", f"09:{n + 1:02}", title=f"Stop {n:02}")
    signed_in(Role.VIEWER)
    week = section(client.get("/dashboard").text, "week")
    assert "Stop 19" in week and "Stop 20" not in week
    assert "25 stops this week, showing the first 20." in week
    see_all = re.search(r'href="([^"]+)">See the upcoming visits', week)[1]
    assert escape(visit.title) in client.get(see_all).text


# --- The sums kept between requests ---------------------------------------------------------


def test_the_kept_sums_follow_every_change_to_an_outcome_or_a_visit(
    create_visit, client, signed_in, frozen_clock, query_counter
):
    frozen_clock(datetime(2026, 12, 1, 8, tzinfo=UTC))
    kazakh = create_visit()
    iraqi = create_visit(title="Basra delegation", visiting_country="IQ")
    first = add_outcome(kazakh, summary="Grinding balls", day=date(2026, 11, 2))
    signed_in(Role.VIEWER)
    page = client.get("/dashboard").text
    assert chart_numbers(page, "chart-countries") == {"Kazakhstan": 1}

    # Asked again with nothing changed, nothing is summed again.
    with query_counter() as statements:
        client.get("/dashboard")
    assert not [sql for sql in statements if "GROUP BY" in sql and "outcomes" in sql]

    # A new outcome: counted, and the latest.
    add_outcome(iraqi, summary="Date palms", day=date(2026, 11, 20))
    page = client.get("/dashboard").text
    assert chart_numbers(page, "chart-countries") == {"Kazakhstan": 1, "Iraq": 1}
    latest = section(page, "outcomes")
    assert latest.index("Date palms") < latest.index("Grinding balls")

    # An outcome moved to another year, a visit's country corrected, a visit binned.
    first.day = date(2025, 6, 1)
    db.session.commit()
    assert chart_numbers(client.get("/dashboard").text, "chart-years") == {"2025": 1, "2026": 1}
    iraqi.visiting_country = "TR"
    db.session.commit()
    page = client.get("/dashboard").text
    assert chart_numbers(page, "chart-countries") == {"Kazakhstan": 1, "Türkiye": 1}
    iraqi.deleted_at = utc_now()
    db.session.commit()
    page = client.get("/dashboard").text
    assert chart_numbers(page, "chart-countries") == {"Kazakhstan": 1}
    assert "Date palms" not in section(page, "outcomes")

    # An outcome deleted; a visit added in the chart's months.
    db.session.delete(first)
    db.session.commit()
    create_visit(title="January trip", start_date=date(2027, 1, 5), end_date=date(2027, 1, 6))
    page = client.get("/dashboard").text
    assert "No outcomes recorded yet." in page
    assert chart_numbers(page, "chart-months")["January 2027"] == 1


def test_the_kept_pipeline_follows_every_change_to_a_partnership(
    twinning, client, signed_in, frozen_clock
):
    frozen_clock(datetime(2026, 12, 1, 8, tzinfo=UTC))
    signed_in(Role.VIEWER)

    def in_progress(page: str) -> str:
        return re.search(
            r'figure__number">(\d+)</span>\s*<span class="figure__label">Partnerships in progress',
            page,
        )[1]

    page = client.get("/dashboard").text
    assert '>Idea <span class="count">1</span>' in section(page, "pipeline")
    assert in_progress(page) == "1"
    twinning.stage = Stage.DORMANT
    db.session.commit()
    page = client.get("/dashboard").text
    assert '>Idea <span class="count">0</span>' in section(page, "pipeline")
    assert '>Dormant <span class="count">1</span>' in section(page, "pipeline")
    assert in_progress(page) == "0"
    twinning.title = "Khorramabad – Turkistan, renamed"
    db.session.commit()
    assert "renamed" in section(client.get("/dashboard").text, "pipeline")


def test_the_kept_charts_are_drawn_in_each_readers_language(
    create_visit, client, signed_in, frozen_clock, auth, create_staff
):
    frozen_clock(datetime(2026, 12, 1, 8, tzinfo=UTC))
    add_outcome(create_visit(), day=date(2026, 11, 2))
    signed_in(Role.VIEWER)
    assert "Kazakhstan" in section(client.get("/dashboard").text, "charts")
    auth.logout()
    auth.login(create_staff(Role.VIEWER, locale="fa"))
    page = client.get("/dashboard").text
    assert 'dir="rtl"' in page
    charts_fa = section(page, "charts")
    assert "Kazakhstan" not in charts_fa and "قزاقستان" in charts_fa
    assert "۲۰۲۶" in charts_fa


# --- The lists kept between requests --------------------------------------------------------


def csrf_tokens(page: str) -> set[str]:
    """The session secrets the page's CSRF tokens sign. A token is the secret, the second it
    was signed in and a signature, so two pages of one session a second apart differ only
    after the first dot."""
    return {token.split(".")[0] for token in re.findall(r'name="csrf_token" value="([^"]+)"', page)}


def test_the_kept_lists_follow_every_change_to_what_they_show(
    demo_visit, client, signed_in, frozen_clock, query_counter
):
    frozen_clock(datetime(2026, 12, 14, 6, tzinfo=UTC))
    owner = signed_in(Role.PLANNER)
    page = client.get("/dashboard").text
    assert "Arrival at Khorramabad Airport" in section(page, "week")

    # Asked again with nothing changed, the lists are not read again.
    with query_counter() as statements:
        client.get("/dashboard")
    assert not [sql for sql in statements if "FROM stops" in sql]

    # A stop renamed, its venue renamed, its visit renamed.
    arrival = db.session.scalar(
        sa.select(Stop).where(Stop.title == "Arrival at Khorramabad Airport")
    )
    arrival.title = "Arrival at the new terminal"
    db.session.commit()
    assert "Arrival at the new terminal" in section(client.get("/dashboard").text, "week")
    arrival.venue.name = "Khorramabad International Airport"
    db.session.commit()
    assert "Khorramabad International Airport" in section(client.get("/dashboard").text, "week")
    demo_visit.title = "The Ambassador's visit, renamed"
    db.session.commit()
    assert escape(demo_visit.title) in section(client.get("/dashboard").text, "upcoming")

    # A follow-up fallen due, its owner renamed, then done from the dashboard's own button.
    letter = FollowUp(
        title="Thank-you letter to the governor",
        owner=owner,
        visit=demo_visit,
        due_date=date(2026, 12, 10),
    )
    db.session.add(letter)
    db.session.commit()
    page = client.get("/dashboard").text
    assert "Thank-you letter to the governor" in section(page, "overdue")
    # The navigation's count of the reader's own, here and on the (kept) visit list alike.
    badge = '<span class="nav-badge nav-badge--overdue">1<span'
    assert badge in page and badge in client.get("/").text
    owner.name = "Shirin Renamed"
    db.session.commit()
    overdue = section(client.get("/dashboard").text, "overdue")
    assert "Shirin Renamed" in overdue
    done = re.search(rf'action="(/follow-ups/{letter.id}/[^"]*)"', overdue)[1]
    assert client.post(done, data={"next": "/dashboard"}).status_code == 302
    page = client.get("/dashboard").text
    assert "Thank-you letter" not in section(page, "overdue")
    assert "nav-badge--overdue" not in page and "nav-badge--overdue" not in client.get("/").text


def test_the_kept_lists_move_with_the_office_day(visit, client, signed_in, frozen_clock):
    # 23:30 in Tehran on the 14th: the letter is due today; at 00:01 on the 15th it is late.
    frozen_clock(datetime(2026, 12, 14, 20, 0, tzinfo=UTC))
    owner = signed_in(Role.VIEWER)
    db.session.add(FollowUp(title="Minutes", owner=owner, visit=visit, due_date=date(2026, 12, 14)))
    db.session.commit()
    overdue = section(client.get("/dashboard").text, "overdue")
    assert "Nothing is overdue" in overdue
    frozen_clock(datetime(2026, 12, 14, 20, 31, tzinfo=UTC))
    overdue = section(client.get("/dashboard").text, "overdue")
    assert "Minutes" in overdue and len(overdue_rows(overdue)) == 1


def test_the_kept_lists_are_each_readers_own(visit, app, client, create_staff, frozen_clock):
    """Kept for a planner, the lists show a viewer no buttons, a Persian reader Persian, and
    each reader's buttons carry their own session's CSRF token."""
    frozen_clock(datetime(2027, 1, 10, 8, tzinfo=UTC))
    planner = create_staff(Role.PLANNER)
    viewer, persian = create_staff(Role.VIEWER), create_staff(Role.PLANNER, locale="fa")
    db.session.add(FollowUp(title="Minutes", owner=planner, visit=visit, due_date=date(2027, 1, 2)))
    db.session.commit()
    readers = {user: app.test_client() for user in (planner, viewer, persian)}
    for user, reader in readers.items():
        assert Auth(reader).login(user).status_code == 302
    pages = {user: reader.get("/dashboard").text for user, reader in readers.items()}

    assert ">Done<" in section(pages[planner], "overdue")
    assert "Minutes" in section(pages[viewer], "overdue")
    assert ">Done<" not in section(pages[viewer], "overdue")
    assert "Overdue follow-ups" not in pages[persian] and "Minutes" in pages[persian]
    # The planner's page again, now kept: the tokens are the session's own, one per page.
    again = readers[planner].get("/dashboard").text
    assert len(csrf_tokens(again)) == 1
    assert csrf_tokens(again) == csrf_tokens(pages[planner])
    assert csrf_tokens(again) != csrf_tokens(pages[persian])
