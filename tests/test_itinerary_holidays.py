"""Public holidays of the host country and of the delegation's: findings on the working
stops that fall on them, and the visit's days that they mark."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from planner.extensions import db
from planner.itinerary.checks import (
    KIND_RULES,
    WARNING,
    WORKING_KINDS,
    Code,
    Plan,
    check_plan,
)
from planner.itinerary.findings import finding_from_json, finding_to_json
from planner.itinerary.kinds import StopKind
from planner.itinerary.messages import HTML, render_finding
from planner.organizations.models import Organization, OrganizationKind
from planner.visit_days import holiday_names, visit_holidays
from tests.test_itinerary_checks import CHAMBER, VENUES, stop

NOWRUZ = date(2026, 3, 21)  # 1 Farvardin 1405
KAZAKH_INDEPENDENCE_DAY = date(2026, 12, 16)
WORKING_DAY = date(2026, 12, 15)  # a Tuesday in Iran and in Kazakhstan


def holiday_findings(*stops, host="IR", visiting="KZ", venues=VENUES):
    days = [s.starts_at.date() for s in stops]
    plan = Plan(
        1,
        "Asia/Tehran",
        min(days) - timedelta(days=1),
        max(days) + timedelta(days=1),
        tuple(stops),
        venues,
        host_country=host,
        visiting_country=visiting,
    )
    return [f for f in check_plan(plan) if f.code == Code.PUBLIC_HOLIDAY]


def test_a_meeting_on_nowruz_at_an_iranian_venue_is_a_holiday_finding():
    meeting = stop("09:00", "10:00", day=NOWRUZ, title="Talks at the chamber")

    [finding] = holiday_findings(meeting, visiting="DE")

    assert (finding.severity, finding.stop_ids, finding.venue_ids) == (
        WARNING,
        (meeting.id,),
        (CHAMBER.id,),
    )
    assert "Nowruz" in finding.message and "Iran" in finding.message
    assert "21 Mar 2026" in finding.message


def test_the_holiday_is_named_in_the_reader_s_language_where_the_package_has_it():
    [iranian, kazakh] = holiday_findings(stop("09:00", "10:00", day=NOWRUZ))
    persian = render_finding(iranian, "fa", medium=HTML)
    assert "نوروز" in persian and "ایران" in persian and "۱۴۰۵/۰۱/۰۱" in persian
    # Kazakhstan's holidays have no Persian names in the package: English, in Persian text.
    assert "Nowruz" in render_finding(kazakh, "fa") and "قزاقستان" in render_finding(kazakh, "fa")
    # Kept as JSON and read back, the finding says the same.
    assert finding_from_json(finding_to_json(iranian)) == iranian


def test_the_day_after_a_holiday_gives_no_finding():
    # 17 December is a working day in both countries; 16 December is not in Kazakhstan.
    day_after = KAZAKH_INDEPENDENCE_DAY + timedelta(days=1)
    assert holiday_findings(stop("09:00", "10:00", day=day_after)) == []
    assert holiday_findings(stop("09:00", "10:00", day=WORKING_DAY)) == []


def test_a_holiday_of_the_kazakh_delegation_is_a_finding_too():
    meeting = stop("09:00", "10:00", day=KAZAKH_INDEPENDENCE_DAY)

    [finding] = holiday_findings(meeting)

    assert "Independence Day" in finding.message and "Kazakhstan" in finding.message
    assert holiday_findings(meeting, visiting="DE") == []  # not a holiday in Iran


def test_the_stop_s_day_is_its_local_day_in_the_visit_s_zone():
    # 00:30 in Tehran on 21 March is still 20 March in UTC.
    [finding, _kazakh] = holiday_findings(stop("00:30", "01:30", day=NOWRUZ))
    assert "21 Mar 2026" in finding.message


def test_a_venue_in_another_country_counts_that_country_s_holidays():
    embassy = replace(CHAMBER, country="DE")
    meeting = stop("09:00", "10:00", day=NOWRUZ)

    assert holiday_findings(meeting, visiting=None, venues={CHAMBER.id: embassy}) == []


def test_without_countries_there_is_no_holiday_check():
    assert holiday_findings(stop("09:00", "10:00", day=NOWRUZ), host=None, visiting=None) == []


def test_every_stop_kind_says_whether_a_holiday_gets_in_its_way():
    assert set(KIND_RULES) == set(StopKind)
    assert WORKING_KINDS == {kind for kind in StopKind if KIND_RULES[kind].working}
    assert StopKind.FACTORY_TOUR in WORKING_KINDS and StopKind.MEAL not in WORKING_KINDS


@pytest.mark.parametrize("kind", list(StopKind))
def test_only_working_stops_are_found_on_holidays(kind):
    on_nowruz = stop("09:00", "10:00", day=NOWRUZ, kind=kind.value)
    assert bool(holiday_findings(on_nowruz, visiting=None)) is KIND_RULES[kind].working


def test_the_visit_s_days_are_marked_with_their_holidays():
    marked = visit_holidays(date(2026, 3, 19), date(2026, 3, 26), ["IR", "KZ"])

    assert "Nowruz Holiday (Kazakhstan)" in marked[NOWRUZ]
    assert any("Nowruz" in name and "(Iran)" in name for name in marked[NOWRUZ])
    assert date(2026, 3, 26) not in marked  # a Thursday like any other
    persian = visit_holidays(NOWRUZ, NOWRUZ, ["IR", None], "fa")
    assert persian == {NOWRUZ: [f"{name} (ایران)" for name in holiday_names("IR", NOWRUZ, "fa")]}
    assert visit_holidays(NOWRUZ, NOWRUZ, [None]) == {}


def test_a_country_the_package_does_not_know_has_no_holidays():
    assert holiday_names("ZZ", NOWRUZ) == []


def test_a_visit_minds_the_holidays_of_its_host_s_country_and_of_the_delegation_s(
    create_visit,
):
    visit = create_visit(start_date=NOWRUZ, end_date=NOWRUZ + timedelta(days=1))
    assert visit.holiday_countries == ("KZ",)  # no host organization: its country unknown
    visit.host_organization = Organization(
        name="Lorestan Chamber of Commerce",
        kind=OrganizationKind.CHAMBER_OF_COMMERCE,
        country="IR",
    )
    db.session.commit()

    assert visit.holiday_countries == ("IR", "KZ")
    marked = visit_holidays(visit.start_date, visit.end_date, visit.holiday_countries)
    assert sorted(marked) == [NOWRUZ, NOWRUZ + timedelta(days=1)]
