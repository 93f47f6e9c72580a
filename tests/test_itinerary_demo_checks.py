"""The checker finds the mistakes planted in the demo, and only those."""

import re
from collections import Counter

import pytest

from planner.accounts.models import Role
from planner.extensions import db
from planner.itinerary.checks import ERROR, WARNING, Code
from planner.itinerary.models import Stop, StopStatus
from planner.itinerary.snapshot import check_visit


def stop_titled(visit, title: str) -> Stop:
    return next(stop for stop in visit.stops if stop.title == title)


@pytest.fixture
def demo_findings(app, demo_visit):
    return check_visit(db.session, demo_visit, app.config)


def flagged(findings, code) -> set[int]:
    return {stop_id for f in findings if f.code == code for stop_id in f.stop_ids}


def test_every_planted_mistake_is_found(demo_visit, demo_findings):
    press = stop_titled(demo_visit, "Press statement")
    sister_city = stop_titled(demo_visit, "Sister-city meeting: Khorramabad and Turkistan")
    debrief = stop_titled(demo_visit, "Debrief with the embassy")
    first_tour = stop_titled(demo_visit, "Tour of Kiyo Flour and Pasta Company")
    second_tour = stop_titled(demo_visit, "Tour of Shapurkhast Alloy Casting Company")
    photo = stop_titled(demo_visit, "Photo with the chamber's board")
    breakfast = stop_titled(demo_visit, "Working breakfast on grain imports")

    # The chamber president is also booked by the Basra delegation, in the same building.
    assert flagged(demo_findings, Code.PERSON_DOUBLE_BOOKED) == {press.id, sister_city.id}
    assert flagged(demo_findings, Code.VENUE_DOUBLE_BOOKED) == {press.id, sister_city.id}
    assert flagged(demo_findings, Code.NOT_ENOUGH_TRAVEL_TIME) == {first_tour.id, second_tour.id}
    assert flagged(demo_findings, Code.NO_SHARED_LANGUAGE) == {press.id}
    assert flagged(demo_findings, Code.OUTSIDE_VISIT_DATES) == {debrief.id}
    assert flagged(demo_findings, Code.VENUE_CLOSED) == {debrief.id}
    assert flagged(demo_findings, Code.NO_ATTENDEES) == {photo.id}
    assert flagged(demo_findings, Code.HEAD_OF_DELEGATION_ABSENT) == {breakfast.id, debrief.id}
    # 16 December is Kazakhstan's Independence Day: the delegation's working stops that day.
    stone_tour = stop_titled(demo_visit, "Tour of Sefidkuh Stone Industries")
    assert flagged(demo_findings, Code.PUBLIC_HOLIDAY) == {
        breakfast.id,
        stone_tour.id,
        sister_city.id,
        press.id,
    }
    assert {f.severity for f in demo_findings if f.code == Code.PUBLIC_HOLIDAY} == {WARNING}
    severities = Counter(f.severity for f in demo_findings)
    assert set(severities) == {ERROR, WARNING}


def test_findings_name_the_people_and_venues_they_concern(demo_visit, demo_findings):
    """So that a program (an interpreter pool, a venue desk) can act on a finding."""
    press = stop_titled(demo_visit, "Press statement")
    president = next(
        p.person
        for p in demo_visit.participants
        if (p.person.position or "").startswith("President")
    )
    double_booked = [f for f in demo_findings if f.code == Code.PERSON_DOUBLE_BOOKED]
    assert all(f.person_ids == (president.id,) for f in double_booked)
    (venue_clash,) = [
        f for f in demo_findings if f.code == Code.VENUE_DOUBLE_BOOKED and press.id in f.stop_ids
    ]
    assert venue_clash.venue_ids == (press.venue_id,)
    for drive in (f for f in demo_findings if f.code == Code.NOT_ENOUGH_TRAVEL_TIME):
        before, after = (db.session.get(Stop, i) for i in drive.stop_ids)
        assert drive.venue_ids == (before.venue_id, after.venue_id)
        attending = {p.person_id for p in before.attendees} & {p.person_id for p in after.attendees}
        assert set(drive.person_ids) <= attending and drive.person_ids
    (closed,) = [f for f in demo_findings if f.code == Code.VENUE_CLOSED]
    assert closed.venue_ids == (stop_titled(demo_visit, "Debrief with the embassy").venue_id,)
    (silent,) = [f for f in demo_findings if f.code == Code.NO_SHARED_LANGUAGE]
    speakers = {p.person_id for p in press.attendees}
    assert set(silent.person_ids) <= speakers and silent.person_ids


def test_fixing_a_planted_mistake_clears_its_finding(app, demo_visit):
    press = stop_titled(demo_visit, "Press statement")
    interpreter = next(
        p for p in demo_visit.participants if "kk" in (p.interpreting_languages or [])
    )
    press.attendees.append(interpreter)
    db.session.commit()
    findings = check_visit(db.session, demo_visit, app.config)
    assert press.id not in flagged(findings, Code.NO_SHARED_LANGUAGE)


def test_cancelled_and_binned_stops_are_not_checked(app, demo_visit):
    debrief = stop_titled(demo_visit, "Debrief with the embassy")
    debrief.status = StopStatus.CANCELLED
    db.session.commit()
    findings = check_visit(db.session, demo_visit, app.config)
    assert debrief.id not in {i for f in findings for i in f.stop_ids}


def test_checks_as_json_for_any_signed_in_user(demo_visit, demo_findings, client, signed_in):
    signed_in(Role.VIEWER)
    response = client.get(f"/visits/{demo_visit.id}/checks.json")
    assert response.status_code == 200
    body = response.json
    assert body["errors"] == sum(1 for f in demo_findings if f.severity == ERROR)
    assert body["warnings"] == sum(1 for f in demo_findings if f.severity == WARNING)
    first = body["findings"][0]
    assert set(first) == {"severity", "code", "message", "stop_ids", "person_ids", "venue_ids"}
    assert first["severity"] == "error"


def test_findings_appear_on_the_visit_page_next_to_their_stop(demo_visit, client, signed_in):
    signed_in(Role.VIEWER)
    page = client.get(f"/visits/{demo_visit.id}").text
    photo = stop_titled(demo_visit, "Photo with the chamber's board")
    block = page.split(f'id="stop-{photo.id}"', 1)[1].split('class="stop ', 1)[0]
    # The stop links to its finding, written once in the list of checks.
    number = re.search(r'href="#finding-(\d+)"', block).group(1)
    finding = page.split(f'id="finding-{number}"', 1)[1].split("</li>", 1)[0]
    assert "Nobody attends" in finding
    assert f'href="#stop-{photo.id}"' in finding
    assert "problems" in page  # the summary at the top of the programme


def test_a_persian_officer_reads_the_findings_in_persian(demo_visit, client, signed_in):
    user = signed_in(Role.VIEWER)
    user.locale = "fa"
    db.session.commit()
    page = client.get(f"/visits/{demo_visit.id}").text
    assert "بیرون از روزهای بازدید" in page  # the debrief the day after the visit
    assert "۱۴۰۵/۰۹/۲۶" in page  # 17 December 2026, in the Jalali calendar
    assert "پنجشنبه" in page or "پنج‌شنبه" in page  # the chamber's short Thursday
    assert "outside the visit" not in page
    # JSON stays in English for scripts.
    assert "outside the visit" in str(client.get(f"/visits/{demo_visit.id}/checks.json").json)


def test_visit_page_timeline_and_checks_json_count_the_same_problems_and_warnings(
    demo_visit, demo_findings, client, signed_in
):
    errors = sum(1 for f in demo_findings if f.severity == ERROR)
    warnings = sum(1 for f in demo_findings if f.severity == WARNING)
    assert errors and warnings
    signed_in(Role.VIEWER)
    body = client.get(f"/visits/{demo_visit.id}/checks.json").json
    assert (body["errors"], body["warnings"]) == (errors, warnings)
    visit_page = client.get(f"/visits/{demo_visit.id}").text
    assert f'<span class="badge badge--error">{errors} problems</span>' in visit_page
    assert f'<span class="badge badge--warning">{warnings} warnings</span>' in visit_page
    timeline = client.get(f"/visits/{demo_visit.id}/timeline").text
    assert f'<span class="badge timeline-badge--error">{errors} problems</span>' in timeline
    assert f'<span class="badge timeline-badge--warning">{warnings} warnings</span>' in timeline


def test_a_stop_with_a_problem_and_a_warning_is_flagged_as_a_problem_on_the_timeline(
    demo_visit, demo_findings, client, signed_in
):
    by_stop = {}
    for finding in demo_findings:
        for stop_id in finding.stop_ids:
            by_stop.setdefault(stop_id, set()).add(finding.severity)
    mixed = next(i for i, severities in by_stop.items() if severities == {ERROR, WARNING})
    warned = next(i for i, severities in by_stop.items() if severities == {WARNING})
    signed_in(Role.VIEWER)
    timeline = client.get(f"/visits/{demo_visit.id}/timeline").text

    def flag(stop_id: int) -> str:
        block = timeline.split(f'href="/visits/{demo_visit.id}#stop-{stop_id}"', 1)[1]
        return block.split("</a>", 1)[0]

    assert "tl-block__flag--error" in flag(mixed) and "tl-block__flag--warning" not in flag(mixed)
    assert "tl-block__flag--warning" in flag(warned)
