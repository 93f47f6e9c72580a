"""Each list page asks the database the same number of questions however much is on file.

The issue measured 2,000 visits: the staff feed went from 13 statements to 136 and the
dashboard from 19 to 23 as the data grew. Here every page is counted with some data, then
with ten times as much; a count that grows is a query per row (an N+1) or a batch per
hundred rows, and the page would slow down as the office's history grows.
"""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from planner.accounts.models import Role, User
from planner.calendars import rendered
from planner.calendars.feeds import feed_token
from planner.extensions import db
from planner.itinerary.findings import WARNING, Code, Finding, finding_to_json
from planner.itinerary.models import Stop, StopKind, VisitFindings
from planner.organizations.models import Organization, OrganizationKind
from planner.outcomes.models import FollowUp, Outcome, OutcomeKind
from planner.partnerships.models import Partnership, PartnershipKind, Stage, StageChange
from planner.people.models import Person
from planner.timefmt import local_to_utc
from planner.venues.models import OpeningHours, Venue, VenueKind
from planner.visits.models import Participant, ParticipantRole, Side, Visit, VisitStatus

TODAY = date(2026, 12, 1)
NOW = datetime(2026, 12, 1, 8, tzinfo=UTC)
SMALL = 60  # the second size is ten times this: past a page (50), the dashboard's caps and
# SQLAlchemy's batches of 500 ids for an eager load


def add_office_records(count: int, owner: User, start: int = 0) -> None:
    """`count` of everything the lists show, tied together as a real office's would be:
    visits of organizations with stops at venues, people taking part, outcomes with
    overdue follow-ups, partnerships that moved a stage. One flush for them all."""
    rows: list = []
    stages = list(Stage)
    for number in range(start, start + count):
        organization = Organization(
            name=f"Organization {number:04}", kind=OrganizationKind.COMPANY, country="KZ"
        )
        venue = Venue(
            name=f"Venue {number:04}",
            kind=VenueKind.CULTURAL_SITE,
            timezone="Asia/Tehran",
            city="Khorramabad",
            organization=organization,
        )
        hours = OpeningHours(venue=venue, weekday=number % 7, opens=time(9), closes=time(17))
        person = Person(
            full_name_latin=f"Person {number:04}",
            full_name_native=f"شخص {number:04}",
            nationality="KZ",
            languages=["kk", "ru"],
            organization=organization,
        )
        # Half still to come (within the week), half over.
        first_day = TODAY + timedelta(days=number % 5) if number % 2 else TODAY - timedelta(30)
        visit = Visit(
            title=f"Visit {number:04}",
            visiting_country="KZ",
            visiting_organization=organization,
            host_city="Khorramabad",
            start_date=first_day,
            end_date=first_day + timedelta(days=1),
            timezone="Asia/Tehran",
            status=VisitStatus.CONFIRMED,
        )
        stop = Stop(
            visit=visit,
            venue=venue,
            kind=StopKind.OFFICIAL_MEETING,
            title=f"Meeting {number:04}",
            starts_at=local_to_utc(first_day, time(10), "Asia/Tehran"),
            ends_at=local_to_utc(first_day, time(11), "Asia/Tehran"),
        )
        participant = Participant(
            visit=visit, person=person, side=Side.DELEGATION, role=ParticipantRole.DELEGATE
        )
        stop.attendees.append(participant)
        partnership = Partnership(
            title=f"Partnership {number:04}",
            kind=PartnershipKind.TRADE,
            our_city="Khorramabad",
            our_country="IR",
            partner_city="Almaty",
            partner_country="KZ",
            our_organization=organization,
            partner_organization=organization,
            stage=stages[number % len(stages)],
        )
        change = StageChange(
            partnership=partnership,
            to_stage=partnership.stage,
            reason="Agreed at the meeting",
            changed_at=NOW - timedelta(days=number % 30),
        )
        outcome = Outcome(
            visit=visit,
            partnership=partnership,
            kind=OutcomeKind.OTHER,
            summary=f"Outcome {number:04}",
            day=first_day,
        )
        follow_up = FollowUp(
            title=f"Follow-up {number:04}",
            owner=owner,
            outcome=outcome,
            visit=visit,
            partnership=partnership,
            due_date=TODAY - timedelta(days=1 + number % 9),  # overdue
        )
        rows += [organization, venue, hours, person, visit, stop, participant]
        rows += [partnership, change, outcome, follow_up]
    db.session.add_all(rows)
    db.session.commit()
    # The checker's findings, as kept for each visit (the dashboard lists the upcoming ones').
    db.session.add_all(
        VisitFindings(visit_id=stop.visit_id, key="checked", findings=[nobody_attends(stop)])
        for stop in rows
        if isinstance(stop, Stop)
    )
    db.session.commit()


def nobody_attends(stop: Stop) -> dict:
    finding = Finding(
        WARNING, Code.NO_ATTENDEES, "Nobody attends “%(title)s”.", {"title": stop.title}, (stop.id,)
    )
    return finding_to_json(finding)


PAGES = [
    "/",
    "/?period=upcoming&country=KZ&q=visit",
    "/dashboard",
    "/dashboard/findings",
    "/follow-ups",
    "/follow-ups?status=overdue",
    "/follow-ups/mine",
    "/people",
    "/venues",
    "/organizations",
    "/partnerships",
    "/partnerships?order=changed",
]


@pytest.fixture
def office(frozen_clock, create_staff, auth):
    """A signed-in planner who owns the follow-ups; the clock at the office's TODAY."""
    frozen_clock(NOW)
    planner = create_staff(Role.PLANNER)
    auth.login(planner)
    return planner


def statements(client, query_counter, url: str) -> int:
    client.get(url)  # what a first request sets up once (the signed-in user) is not the page
    with query_counter() as counted:
        response = client.get(url)
    assert response.status_code == 200, response.text
    return counted.count


def staff_feed_statements(client, query_counter, url: str) -> int:
    """Built anew (the kept copies emptied), as after any change in the office."""
    rendered.calendars.clear()
    with query_counter() as counted:
        response = client.get(url)
    assert response.status_code == 200, response.text
    assert b"BEGIN:VEVENT" in response.data
    return counted.count


def test_every_list_page_and_the_staff_feed_ask_as_many_questions_with_ten_times_the_data(
    office, client, query_counter, app
):
    """One office of each size for every page (building it is most of this test's time)."""
    feed = f"/feeds/{feed_token(app.config['SECRET_KEY'], office)}.ics"

    def counts() -> dict[str, int]:
        pages = {url: statements(client, query_counter, url) for url in PAGES}
        return {**pages, feed: staff_feed_statements(client, query_counter, feed)}

    add_office_records(SMALL, office)
    with_some = counts()
    add_office_records(SMALL * 9, office, start=SMALL)
    with_ten_times = counts()
    grew = {url: (with_some[url], with_ten_times[url]) for url in with_some}
    assert {url: n for url, n in grew.items() if n[0] != n[1]} == {}
