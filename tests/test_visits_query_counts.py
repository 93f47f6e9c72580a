"""A visit's page, its checks.json and its timeline ask the database the same number of
questions for a small visit as for one ten times its size among many other visits."""

import uuid
from datetime import date, time, timedelta

import pytest

from planner.accounts.models import Role
from planner.extensions import db
from planner.itinerary.models import Stop, StopKind
from planner.organizations.models import Organization, OrganizationKind
from planner.outcomes.models import FollowUp, Outcome, OutcomeDocument, OutcomeKind
from planner.outcomes.queries import visit_outcomes
from planner.people.models import Person
from planner.timefmt import local_to_utc
from planner.venues.models import OpeningHours, Venue, VenueClosure, VenueKind
from planner.visits.models import Participant, ParticipantRole, Side, Visit, VisitStatus

FIRST_DAY = date(2026, 12, 15)
KINDS = [StopKind.OFFICIAL_MEETING, StopKind.FACTORY_TOUR, StopKind.MEAL, StopKind.PRESS]


def venues(count: int, label: str) -> list[Venue]:
    made = []
    for n in range(count):
        venue = Venue(
            name=f"{label} venue {n}",
            kind=VenueKind.OFFICE,
            timezone="Asia/Tehran",
            latitude=33.4 + n / 100,
            longitude=48.3 + n / 100,
            opening_hours=[OpeningHours(weekday=d, opens=time(8), closes=time(17)) for d in (0, 1)],
            closures=[VenueClosure(day=FIRST_DAY + timedelta(days=30))],
        )
        made.append(venue)
    db.session.add_all(made)
    return made


def people(count: int, label: str) -> list[Person]:
    made = []
    for n in range(count):
        organization = Organization(
            name=f"{label} organization {n}", kind=OrganizationKind.COMPANY, country="KZ"
        )
        made.append(
            Person(
                full_name_native=f"{label} {n}",
                full_name_latin=f"{label} {n}",
                position="Director",
                organization=organization,
                languages=["ru"] if n % 2 else ["fa"],
            )
        )
    db.session.add_all(made)
    return made


def visit_of(title: str, who: list[Person], where: list[Venue], stops: int) -> Visit:
    visit = Visit(
        title=title,
        visiting_country="KZ",
        start_date=FIRST_DAY,
        end_date=FIRST_DAY + timedelta(days=1),
        timezone="Asia/Tehran",
        delegation_timezone="Asia/Almaty",
        status=VisitStatus.CONFIRMED,
    )
    sides = (Side.DELEGATION, Side.HOST, Side.SUPPORT)
    roles = (ParticipantRole.HEAD_OF_DELEGATION, ParticipantRole.HOST, ParticipantRole.INTERPRETER)
    visit.participants = [
        Participant(
            person=person,
            side=sides[n % 3],
            role=roles[n % 3] if n < 3 else ParticipantRole.OFFICIAL,
            precedence=n + 1,
            interpreting_languages=["fa", "ru"] if n == 2 else [],
        )
        for n, person in enumerate(who)
    ]
    for n in range(stops):
        day = FIRST_DAY + timedelta(days=n % 2)
        start = time(8 + (n // 2) % 10, 30 * (n % 2))
        starts_at = local_to_utc(day, start, visit.timezone)
        visit.stops.append(
            Stop(
                kind=KINDS[n % len(KINDS)],
                title=f"{title}: stop {n}",
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=75),
                venue=where[n % len(where)],
                attendees=visit.participants[n % 3 :: 2][:12],
            )
        )
    db.session.add(visit)
    db.session.commit()
    return visit


def world(size: int, label: str) -> Visit:
    """A visit of 4 x size stops and participants, and `size` other visits that share its
    people and venues on the same days."""
    who, where = people(4 * size, label), venues(2 * size, label)
    visit = visit_of(f"{label} visit", who, where, stops=4 * size)
    for n in range(size):
        others = [*who[n::size][:2], *people(2, f"{label} other {n}")]
        visit_of(f"{label} other visit {n}", others, where[n::size], stops=4)
    return visit


def asked(client, query_counter, visit: Visit) -> dict[str, int]:
    counts = {}
    prefix = f"/visits/{visit.id}"  # read before counting: the test's own session asks too
    for page in ("", "/checks.json", "/timeline"):
        with query_counter() as statements:
            response = client.get(prefix + page)
        assert response.status_code == 200, response.text
        counts[page or "/"] = len(statements)
    return counts


@pytest.fixture
def planner(signed_in):
    return signed_in(Role.PLANNER)


def test_the_questions_do_not_grow_with_the_visit_or_the_other_visits(
    client, planner, query_counter
):
    small = world(1, "Small")
    # The first view checks the visit, keeps its findings and its page; the next ones reuse
    # them (planner/programmes/kept.py).
    checked, kept = asked(client, query_counter, small), asked(client, query_counter, small)
    large = world(10, "Large")
    assert len(large.stops) == 10 * len(small.stops)
    assert len(large.participants) == 10 * len(small.participants)
    assert asked(client, query_counter, large) == checked
    assert asked(client, query_counter, large) == kept
    # Nor does a visit ask more because the database around it has grown: built again once
    # (other visits' stops can be its findings), then kept as before.
    assert asked(client, query_counter, small)["/"] <= checked["/"]
    assert asked(client, query_counter, small) == kept


def test_the_counter_sees_what_a_page_asks(client, planner, query_counter):
    small = world(1, "Small")
    with query_counter() as statements:
        client.get(f"/visits/{small.id}/checks.json")
    assert any("stops" in statement for statement in statements)


def produce(visit: Visit, owner, outcomes: int) -> None:
    """`outcomes` outcomes at the visit's first stop, each with two organizations, a
    document and two follow-ups, and as many follow-ups of the visit itself."""
    for n in range(outcomes):
        outcome = Outcome(
            visit=visit,
            stop=visit.stops[0],
            kind=OutcomeKind.AGREEMENT,
            summary=f"Memorandum {n}",
            day=FIRST_DAY,
            our_organization=Organization(
                name=f"Ours {n}", kind=OrganizationKind.COMPANY, country="IR"
            ),
            partner_organization=Organization(
                name=f"Theirs {n}", kind=OrganizationKind.COMPANY, country="IR"
            ),
            documents=[
                OutcomeDocument(
                    filename=f"mou-{n}.pdf",
                    stored_name=f"{uuid.uuid4().hex}.pdf",
                    content_type="application/pdf",
                    size=1,
                    sha256="0" * 64,
                )
            ],
        )
        db.session.add(outcome)
        for m in range(2):
            db.session.add(
                FollowUp(
                    title=f"Follow-up {n}.{m}", owner=owner, due_date=FIRST_DAY, outcome=outcome
                )
            )
        db.session.add(FollowUp(title=f"Call {n}", owner=owner, due_date=FIRST_DAY, visit=visit))
    db.session.commit()


def test_the_outcomes_section_is_read_in_two_statements_however_many_there_are(
    client, planner, query_counter
):
    """The visit's page reads its outcomes whenever it draws them (after any change)."""
    visit = world(1, "Small")
    produce(visit, planner, 10)
    visit_id, owner = visit.id, planner.name
    db.session.expunge_all()  # nothing already loaded
    with query_counter() as statements:
        produced = visit_outcomes(db.session, visit_id)
        shown = [
            (o.summary, o.stop.title, o.our_organization.name, o.partner_organization.name)
            + tuple(d.filename for d in o.documents)
            + tuple((f.title, f.owner.name) for f in o.follow_ups)
            for o in produced.outcomes
        ]
        others = [(f.title, f.owner.name) for f in produced.other_follow_ups]
    assert len(statements) == 2
    assert len(shown) == 10
    assert shown[3] == (
        "Memorandum 3",
        "Small visit: stop 0",
        "Ours 3",
        "Theirs 3",
        "mou-3.pdf",
        ("Follow-up 3.0", owner),
        ("Follow-up 3.1", owner),
    )
    assert sorted(title for title, _ in others) == sorted(f"Call {n}" for n in range(10))
    page = client.get(f"/visits/{visit_id}").text
    assert page.count('class="outcome card"') == 10
    assert page.count('<tr id="follow-up-') == 30
