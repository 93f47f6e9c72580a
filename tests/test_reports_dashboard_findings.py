"""The dashboard lists the checker's open findings of upcoming visits, as the checker kept
them: a past visit's are not there, a fixed one goes, and the page asks the database as
many questions with ten times the visits."""

from datetime import UTC, date, datetime, timedelta

from markupsafe import escape

from planner.accounts.models import Role
from planner.extensions import db
from planner.itinerary.models import StopKind
from planner.itinerary.snapshot import check_visit
from planner.visits.models import VisitStatus

BEFORE_THE_DEMO = datetime(2026, 12, 10, 8, tzinfo=UTC)
AFTER_THE_DEMO = datetime(2026, 12, 20, 8, tzinfo=UTC)


def section(page: str) -> str:
    return page.split('id="findings"', 1)[1].split("</section>", 1)[0]


def rows(html: str) -> list[str]:
    return [row.split("</tr>", 1)[0] for row in html.split('<tr class="open-finding">')[1:]]


def checked(visit, app) -> list:
    """What a visit's page does after a change: check the visit, and keep its findings."""
    findings = check_visit(db.session, visit, app.config)
    db.session.commit()
    return findings


def photo_stop(visit):
    """The demo's photo stop that nobody was added to: a warning of its own."""
    return next(s for s in visit.live_stops if s.title == "Photo with the chamber's board")


def test_open_findings_of_an_upcoming_visit_are_listed_with_links_to_their_stops(
    demo_visit, client, signed_in, frozen_clock, app
):
    frozen_clock(BEFORE_THE_DEMO)
    signed_in(Role.VIEWER)
    findings = checked(demo_visit, app)
    listed = section(client.get("/dashboard").text)
    assert f'<span class="count count--alert">{len(findings)}</span>' in listed
    photo = photo_stop(demo_visit)
    [row] = [row for row in rows(listed) if f"#stop-{photo.id}" in row]
    assert (
        f'<a href="/visits/{demo_visit.id}#programme-heading"><bdi>{escape(demo_visit.title)}'
        in row
    )
    assert (
        f'<a href="/visits/{demo_visit.id}#stop-{photo.id}"><bdi>{escape(photo.title)}</bdi></a>'
        in row
    )
    assert "Nobody attends" in row and "Warning" in row
    # The first ten, and a link to every one of them.
    assert len(rows(listed)) == min(10, len(findings))
    assert 'href="/dashboard/findings"' in listed
    every = client.get("/dashboard/findings").text
    assert len(rows(every)) == len(findings)


def test_a_past_visits_findings_are_not_listed(demo_visit, client, signed_in, frozen_clock, app):
    frozen_clock(BEFORE_THE_DEMO)
    signed_in(Role.VIEWER)
    checked(demo_visit, app)
    assert rows(section(client.get("/dashboard").text))
    frozen_clock(AFTER_THE_DEMO)
    signed_in(Role.VIEWER)  # ten days on, the first session has timed out
    page = client.get("/dashboard").text
    assert rows(section(page)) == []
    assert "The checker found nothing in the upcoming visits." in section(page)
    assert rows(client.get("/dashboard/findings").text) == []


def test_a_cancelled_visits_findings_are_not_listed(
    demo_visit, client, signed_in, frozen_clock, app
):
    frozen_clock(BEFORE_THE_DEMO)
    signed_in(Role.VIEWER)
    checked(demo_visit, app)
    demo_visit.status = VisitStatus.CANCELLED
    db.session.commit()
    assert f"/visits/{demo_visit.id}#" not in section(client.get("/dashboard").text)


def test_a_fixed_finding_leaves_the_dashboard(demo_visit, client, signed_in, frozen_clock, app):
    frozen_clock(BEFORE_THE_DEMO)
    signed_in(Role.PLANNER)
    checked(demo_visit, app)
    photo = photo_stop(demo_visit)
    assert f"#stop-{photo.id}" in section(client.get("/dashboard").text)
    # The planner bins the stop nobody goes to, and is shown the visit again.
    binned = client.post(f"/visits/{demo_visit.id}/stops/{photo.id}/delete", follow_redirects=True)
    assert binned.status_code == 200
    listed = section(client.get("/dashboard").text)
    assert f"#stop-{photo.id}" not in listed and "Nobody attends" not in listed
    assert rows(listed)  # the visit's other findings stay


def test_persian_dashboard_writes_the_findings_in_persian(
    demo_visit, client, signed_in, frozen_clock, app
):
    frozen_clock(BEFORE_THE_DEMO)
    user = signed_in(Role.VIEWER)
    user.locale = "fa"
    db.session.commit()
    checked(demo_visit, app)
    listed = section(client.get("/dashboard").text)
    assert "یافته‌های باز بازدیدهای پیش رو" in listed and "Nobody attends" not in listed


def test_the_dashboard_asks_as_many_questions_with_ten_times_the_visits_with_findings(
    create_visit, create_stop, client, signed_in, frozen_clock, query_counter, app
):
    frozen_clock(BEFORE_THE_DEMO)
    signed_in(Role.VIEWER)

    found = []

    def add_visits(count: int) -> None:
        for number in range(count):
            first_day = date(2026, 12, 12) + timedelta(days=number % 9)
            visit = create_visit(title=f"Visit {number}", start_date=first_day, end_date=first_day)
            create_stop(visit, visit.start_date, "10:00", "11:00", kind=StopKind.PRESS)
            found.extend(check_visit(db.session, visit, app.config))  # nobody attends it
        db.session.commit()

    def statements(url: str) -> int:
        client.get(url)
        with query_counter() as counted:
            assert client.get(url).status_code == 200
        return counted.count

    add_visits(3)
    few = {url: statements(url) for url in ("/dashboard", "/dashboard/findings")}
    assert len(rows(section(client.get("/dashboard").text))) == 3
    add_visits(27)
    many = {url: statements(url) for url in ("/dashboard", "/dashboard/findings")}
    assert many == few
    page = section(client.get("/dashboard").text)
    assert len(rows(page)) == 10 and f"{len(found)} findings in 30 upcoming visits" in page
