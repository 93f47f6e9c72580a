"""The one clock: every page, the API and the column defaults agree on "now" and the
office's today, and a test stops them all in one place."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from planner import clock
from planner.accounts.models import Role, User
from planner.extensions import db
from planner.outcomes.models import Outcome, OutcomeKind
from tests.conftest import PASSWORD

# The ambassador's visit is on 15 and 16 December 2026 (Tehran). Two days before it, and
# eleven days after the grinding-ball price list (due 30 December) fell overdue.
BEFORE_THE_VISIT = datetime(2026, 12, 14, 8, 30, tzinfo=UTC)
AFTER_THE_VISIT = datetime(2027, 1, 10, 8, 30, tzinfo=UTC)
GRINDING_BALLS = "Grinding-ball price list in Russian to the counsellor"
MEMORANDUM = "Send the memorandum&#39;s Persian and Kazakh texts to the embassy"  # due 10 January


def between(page: str, start: str, end: str | None = None) -> str:
    """The part of a page after `start` and before `end` ('' when `start` is not there)."""
    if start not in page:
        return ""
    part = page.split(start, 1)[1]
    return part.split(end, 1)[0] if end else part


def dashboard_section(page: str, element_id: str) -> str:
    return between(page, f'id="{element_id}"', "</section>")


@pytest.fixture
def trade_officer(demo_visit, auth):
    """Signs in as Kaveh Nazari, the demo's trade officer, who owns the grinding-ball list."""
    officer = db.session.scalar(sa.select(User).where(User.name == "Kaveh Nazari"))
    officer.set_password(PASSWORD)
    db.session.commit()
    assert auth.login(officer).status_code == 302
    return officer


# --- The clock itself ------------------------------------------------------------------


def test_now_is_aware_utc_and_runs_when_not_frozen():
    before = datetime.now(UTC)
    now = clock.utc_now()
    assert now.tzinfo is UTC and before <= now <= datetime.now(UTC)


def test_frozen_clock_stands_still_and_runs_again_after_the_block():
    tehran_noon = datetime(2026, 12, 15, 12, 0, tzinfo=timezone(timedelta(hours=3, minutes=30)))
    with clock.frozen_at(tehran_noon) as frozen:
        assert frozen == datetime(2026, 12, 15, 8, 30, tzinfo=UTC)
        assert clock.utc_now() == frozen and clock.utc_now().tzinfo is UTC
        with clock.frozen_at(AFTER_THE_VISIT):
            assert clock.utc_now() == AFTER_THE_VISIT
        assert clock.utc_now() == frozen
    assert clock.utc_now().year >= 2026 and clock.utc_now() != frozen


def test_a_naive_instant_cannot_freeze_the_clock():
    naive = datetime(2026, 12, 15, 9, 0)  # noqa: DTZ001 - the mistake under test
    with pytest.raises(ValueError, match="naive"), clock.frozen_at(naive):
        pass
    assert clock.utc_now() > datetime(2026, 1, 1, tzinfo=UTC)


def test_the_office_day_turns_at_its_own_midnight_not_utcs(frozen_clock):
    frozen_clock(datetime(2026, 12, 30, 20, 29, tzinfo=UTC))  # 23:59 in Tehran
    assert clock.office_today("Asia/Tehran") == date(2026, 12, 30)
    frozen_clock(datetime(2026, 12, 30, 20, 31, tzinfo=UTC))  # 00:01 on the 31st in Tehran
    assert clock.office_today("Asia/Tehran") == date(2026, 12, 31)
    assert clock.office_today("UTC") == date(2026, 12, 30)
    assert clock.office_today("America/New_York") == date(2026, 12, 30)
    # An explicit instant wins over the frozen one.
    assert clock.office_today("Asia/Tehran", BEFORE_THE_VISIT) == date(2026, 12, 14)


def test_app_office_today_reads_the_office_zone_of_the_app(app, frozen_clock):
    frozen_clock(datetime(2026, 12, 31, 3, 0, tzinfo=UTC))  # morning in Tehran
    assert clock.app_office_today() == date(2026, 12, 31)
    app.config["OFFICE_TIMEZONE"] = "America/New_York"  # still the evening of the 30th
    assert clock.app_office_today() == date(2026, 12, 30)


def test_rows_saved_while_frozen_are_stamped_with_the_frozen_instant(visit, frozen_clock):
    frozen_clock(BEFORE_THE_VISIT)
    outcome = Outcome(visit=visit, kind=OutcomeKind.OTHER, summary="A note", day=visit.start_date)
    db.session.add(outcome)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Outcome, outcome.id).created_at == BEFORE_THE_VISIT


# --- The visit list ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instant", "current", "in_progress"),
    [
        (BEFORE_THE_VISIT, True, False),
        (datetime(2026, 12, 15, 8, 30, tzinfo=UTC), True, True),  # its first day
        (datetime(2026, 12, 16, 20, 29, tzinfo=UTC), True, True),  # 23:59 on its last day
        (datetime(2026, 12, 16, 20, 31, tzinfo=UTC), False, False),  # 00:01 the day after
        (AFTER_THE_VISIT, False, False),
    ],
)
def test_visit_list_puts_the_visit_among_upcoming_or_past_by_the_frozen_office_day(
    demo_visit, client, signed_in, frozen_clock, instant, current, in_progress
):
    frozen_clock(instant)
    signed_in(Role.VIEWER)
    page = client.get("/").text
    upcoming = between(page, 'id="current-heading"', "</section>")
    past = between(page, 'id="past-heading"', "</section>")
    assert (demo_visit.title in upcoming) is current
    assert (demo_visit.title in past) is not current
    assert ("In progress" in upcoming) is in_progress


# --- The dashboard -----------------------------------------------------------------------


def test_dashboard_before_the_visit_shows_it_coming_and_its_stops_this_week(
    demo_visit, client, signed_in, frozen_clock
):
    frozen_clock(BEFORE_THE_VISIT)
    signed_in(Role.VIEWER)
    page = client.get("/dashboard").text
    assert demo_visit.title in dashboard_section(page, "upcoming")
    week = dashboard_section(page, "week")
    assert "Arrival at Khorramabad Airport" in week
    assert "Tuesday, 15 December 2026" in week and "Wednesday, 16 December 2026" in week
    assert "Nothing is overdue" in dashboard_section(page, "overdue")


def test_dashboard_after_the_visit_shows_only_what_fell_overdue(
    demo_visit, client, signed_in, frozen_clock
):
    frozen_clock(AFTER_THE_VISIT)
    signed_in(Role.VIEWER)
    page = client.get("/dashboard").text
    assert demo_visit.title not in dashboard_section(page, "upcoming")
    assert "No visits are planned from today on." in dashboard_section(page, "upcoming")
    assert "No stops in the next 7 days." in dashboard_section(page, "week")
    overdue = dashboard_section(page, "overdue")
    assert GRINDING_BALLS in overdue
    assert MEMORANDUM not in overdue  # due today, so not late yet


# --- The overdue marks -------------------------------------------------------------------


def test_follow_up_list_and_nav_badge_mark_nothing_before_the_due_date(
    trade_officer, client, auth, frozen_clock
):
    frozen_clock(BEFORE_THE_VISIT)
    auth.login(trade_officer)  # a session idle for days would have ended: sign in that day
    page = client.get("/follow-ups/mine").text
    assert "14 December 2026" in page  # "Today is ... in the office"
    assert 'id="overdue-heading"' not in page and "nav-badge--overdue" not in page
    assert GRINDING_BALLS in between(page, 'id="open-heading"')


def test_follow_up_list_nav_badge_visit_page_and_api_agree_once_it_is_overdue(
    trade_officer, demo_visit, client, auth, api_as, frozen_clock
):
    frozen_clock(AFTER_THE_VISIT)
    auth.login(trade_officer)
    page = client.get("/follow-ups/mine").text
    assert "10 January 2027" in page
    assert GRINDING_BALLS in between(page, 'id="overdue-heading"', 'id="open-heading"')
    badge = '<span class="nav-badge nav-badge--overdue">1<span class="visually-hidden"> overdue'
    assert badge in page and badge in client.get("/").text

    visit_page = client.get(f"/visits/{demo_visit.id}").text
    outcomes = between(visit_page, 'id="outcomes"', 'id="participants"')
    late_rows = [row for row in outcomes.split("<tr") if "follow-up--overdue" in row]
    assert len(late_rows) == 1 and GRINDING_BALLS in late_rows[0]

    api = api_as(user=trade_officer)
    late = api.get(f"/api/v1/follow-ups?overdue=true&visit_id={demo_visit.id}").json
    assert [follow_up["title"] for follow_up in late] == [GRINDING_BALLS.replace("&#39;", "'")]


def test_the_same_data_moves_from_due_to_overdue_when_only_the_clock_moves(
    trade_officer, client, auth, frozen_clock
):
    frozen_clock(BEFORE_THE_VISIT)
    auth.login(trade_officer)
    before = client.get("/follow-ups/mine").text
    frozen_clock(AFTER_THE_VISIT)
    auth.login(trade_officer)
    after = client.get("/follow-ups/mine").text
    assert GRINDING_BALLS not in between(before, 'id="overdue-heading"', 'id="open-heading"')
    assert GRINDING_BALLS in between(after, 'id="overdue-heading"', 'id="open-heading"')
