"""A visit's findings are kept while what the checker read is unchanged, and checked again
as soon as something it reads changes: in this visit, or in another visit that shares a
person or a venue with it."""

from datetime import date, time, timedelta

import pytest

from planner.extensions import db
from planner.itinerary import snapshot
from planner.itinerary.findings import Code, finding_from_json, finding_to_json
from planner.itinerary.messages import HTML, render_finding
from planner.itinerary.models import StopKind, VisitFindings
from planner.itinerary.snapshot import check_visit
from planner.timefmt import local_to_utc
from planner.venues.models import OpeningHours
from planner.visits.models import Participant, ParticipantRole, Side

DAY = date(2026, 12, 15)


@pytest.fixture
def checks(app, monkeypatch):
    """check(visit) -> its findings; `checks.runs` counts the times the checker really ran."""

    class Checks:
        runs = 0

        def __call__(self, visit):
            return check_visit(db.session, visit, app.config)

    counter = Checks()
    check_plan = snapshot.check_plan

    def counting(*args, **kwargs):
        counter.runs += 1
        return check_plan(*args, **kwargs)

    monkeypatch.setattr(snapshot, "check_plan", counting)
    return counter


@pytest.fixture
def ours(create_visit, create_stop, add_participant, castle):
    """Our visit: the ambassador at a meal in the castle, and a photo nobody attends yet."""
    visit = create_visit(title="Ambassador's visit")
    ambassador = add_participant(visit, "Yerlan Abenov")
    meal = create_stop(visit, DAY, "09:00", "10:00", kind=StopKind.MEAL, title="Breakfast")
    meal.attendees.append(ambassador)
    meal.venue = castle
    create_stop(visit, DAY, "11:00", "11:30", kind=StopKind.PRESS, title="Photo")
    db.session.commit()
    return visit


@pytest.fixture
def theirs(create_visit, create_stop, ours):
    """Another visit the ambassador also takes part in, at another hour."""
    visit = create_visit(title="Trade fair")
    ambassador = ours.participants[0].person
    db.session.add(
        Participant(visit=visit, person=ambassador, side=Side.HOST, role=ParticipantRole.HOST)
    )
    fair = create_stop(visit, DAY, "14:00", "15:00", kind=StopKind.MEAL, title="Fair lunch")
    fair.attendees = list(visit.participants)
    db.session.commit()
    return visit


@pytest.fixture
def unrelated(create_visit, create_stop, add_participant):
    visit = create_visit(title="Unrelated visit")
    guest = add_participant(visit, "Somebody Else")
    stop = create_stop(visit, DAY, "09:00", "10:00", kind=StopKind.MEAL, title="Dinner")
    stop.attendees.append(guest)
    db.session.commit()
    return visit


def codes(findings) -> list[str]:
    return [finding.code for finding in findings]


def test_an_unchanged_visit_is_not_checked_again(checks, ours, theirs):
    first = checks(ours)
    assert codes(first) == [Code.NO_ATTENDEES]
    assert checks(ours) == first
    assert checks.runs == 1
    assert db.session.get(VisitFindings, ours.id).findings == [finding_to_json(first[0])]


def test_a_changed_stop_is_checked_again(checks, ours, theirs):
    checks(ours)
    photo = next(stop for stop in ours.stops if stop.title == "Photo")
    photo.title = "Photo with the board"
    db.session.commit()
    [finding] = checks(ours)
    assert checks.runs == 2
    assert "Photo with the board" in finding.message


def test_a_change_to_a_visit_that_shares_nothing_does_not_check_again(checks, ours, unrelated):
    first = checks(ours)
    dinner = unrelated.stops[0]
    dinner.starts_at, dinner.title = dinner.starts_at - timedelta(minutes=30), "Early dinner"
    db.session.commit()
    assert checks(ours) == first
    assert checks.runs == 1


def test_another_visit_booking_a_shared_person_at_the_same_time_changes_the_findings(
    checks, ours, theirs
):
    assert codes(checks(ours)) == [Code.NO_ATTENDEES]
    fair = theirs.stops[0]
    fair.reschedule(
        local_to_utc(DAY, time(9, 30), "Asia/Tehran"),
        local_to_utc(DAY, time(10, 30), "Asia/Tehran"),
    )
    db.session.commit()
    findings = checks(ours)
    assert checks.runs == 2
    assert codes(findings) == [Code.PERSON_DOUBLE_BOOKED, Code.NO_ATTENDEES]
    assert "Fair lunch" in findings[0].message


def test_new_opening_hours_at_a_venue_used_are_checked(checks, ours, castle):
    assert codes(checks(ours)) == [Code.NO_ATTENDEES]
    castle.opening_hours = [OpeningHours(weekday=DAY.weekday(), opens=time(10), closes=time(17))]
    db.session.commit()
    assert codes(checks(ours)) == [Code.VENUE_CLOSED, Code.NO_ATTENDEES]
    assert checks.runs == 2


def test_kept_findings_say_the_same_in_every_language(app, demo_visit):
    # Dates, weekdays, lists of names and languages come back as the values they were.
    findings = check_visit(db.session, demo_visit, app.config)
    kept = [finding_from_json(finding_to_json(finding)) for finding in findings]
    assert kept == findings
    for locale in ("en", "fa"):
        assert [render_finding(f, locale, medium=HTML) for f in kept] == [
            render_finding(f, locale, medium=HTML) for f in findings
        ]
