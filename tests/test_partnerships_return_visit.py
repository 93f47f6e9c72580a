"""Plan a return visit: our delegation goes to the partner, as a draft visit pre-filled."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from planner.accounts.models import Role
from planner.extensions import db
from planner.organizations.models import Organization
from planner.outcomes.models import FollowUp
from planner.partnerships.models import Partnership
from planner.partnerships.return_visit import main_zone, return_visit_defaults
from planner.visits.models import Visit, VisitStatus
from tests.conftest import shown

LETTER_OF_INTENT = "Draft the twinning letter of intent for the city council"
# The pages' clock stands still: a month before the ambassador arrives.
NOW = datetime(2026, 11, 15, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr("planner.outcomes.overdue.utc_now", lambda: NOW)


def follow_up_titled(title: str) -> FollowUp:
    return db.session.scalar(sa.select(FollowUp).where(FollowUp.title == title))


def partnership_titled(title: str) -> Partnership:
    return db.session.scalar(sa.select(Partnership).where(Partnership.title == title))


def visit_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Visit.id)))


def newest_visit() -> Visit:
    return db.session.scalar(sa.select(Visit).order_by(Visit.id.desc()).limit(1))


def snapshot(visit: Visit) -> dict:
    """What a planner would notice had changed in a visit."""
    db.session.expire_all()
    visit = db.session.get(Visit, visit.id)
    columns = {column.key: getattr(visit, column.key) for column in Visit.__table__.columns}
    return {
        **columns,
        "participants": [(p.id, p.person_id, p.side, p.role) for p in visit.participants],
        "stops": [(s.id, s.title, s.starts_at, s.status, s.venue_id) for s in visit.stops],
    }


def test_return_visit_from_the_twinning_follow_up_goes_to_turkistan_as_a_draft(
    client, signed_in, demo_visit
):
    signed_in(Role.PLANNER)
    follow_up = follow_up_titled(LETTER_OF_INTENT)
    original = snapshot(demo_visit)
    url = f"/follow-ups/{follow_up.id}/plan-return-visit"

    form = client.get(url)
    assert form.status_code == 200
    assert "Return visit: Khorramabad – Turkistan sister cities" in form.text
    assert 'value="2027-03-02"' in form.text  # thirty days after 31 January
    assert 'value="2027-03-03"' in form.text  # two days long
    assert 'value="Asia/Almaty"' in form.text  # Kazakhstan's reference zone
    assert "Visit of the Ambassador of Kazakhstan" in form.text  # what it answers

    # The follow-up's button posts the defaults as they are.
    response = client.post(url)
    assert response.status_code == 302, response.text
    visit = newest_visit()
    assert response.location == f"/visits/{visit.id}/edit"
    assert visit.status == VisitStatus.DRAFT
    assert visit.title == "Return visit: Khorramabad – Turkistan sister cities"
    # The partner hosts...
    assert visit.host_city == "Turkistan"
    assert visit.host_organization_id is None  # the twinning names no partner organization
    assert visit.timezone == "Asia/Almaty"
    # ...and we visit, from the office's zone.
    municipality = db.session.scalar(
        sa.select(Organization).where(Organization.name == "Municipality of Khorramabad")
    )
    assert visit.visiting_country == "IR"
    assert visit.visiting_organization_id == municipality.id
    assert visit.delegation_timezone == "Asia/Tehran"
    assert (visit.start_date, visit.end_date) == (date(2027, 3, 2), date(2027, 3, 3))
    assert visit.copied_from_id == demo_visit.id
    assert "Twinning of two historic cities" in visit.purpose
    assert LETTER_OF_INTENT in visit.purpose
    assert visit.participants == [] and visit.stops == []
    # The visit the follow-up came from is as it was.
    assert snapshot(demo_visit) == original

    edit_page = client.get(response.location)
    assert "The return visit to Turkistan is a draft" in shown(edit_page.text)
    # The new visit is on the partnership's timeline: one side visits the other.
    twinning = follow_up.partnership
    assert visit.title in client.get(f"/partnerships/{twinning.id}").text


def test_return_visit_from_the_grain_partnership_is_hosted_by_the_grain_company(
    client, signed_in, demo_visit
):
    signed_in(Role.PLANNER)
    grain = partnership_titled("Kazakh grain for Lorestan's mills")
    page = client.get(f"/partnerships/{grain.id}")
    assert f'href="/partnerships/{grain.id}/return-visit"' in page.text
    response = client.post(
        f"/partnerships/{grain.id}/return-visit",
        data={
            "title": "Chamber delegation to Astana",
            "start_date": "2027-04-12",
            "end_date": "2027-04-15",
            "timezone": "Asia/Almaty",
            "purpose": "Meet the grain exporters.",
        },
    )
    assert response.status_code == 302, response.text
    visit = newest_visit()
    assert visit.host_organization_id == grain.partner_organization_id
    assert visit.host_city == "Astana"
    assert visit.visiting_organization_id == grain.our_organization_id
    assert (visit.title, visit.purpose) == (
        "Chamber delegation to Astana",
        "Meet the grain exporters.",
    )
    assert (visit.start_date, visit.end_date) == (date(2027, 4, 12), date(2027, 4, 15))
    assert visit.copied_from_id is None  # a partnership alone answers no particular visit


def test_return_visit_from_a_partnership_starts_thirty_days_from_today(
    client, signed_in, demo_visit
):
    signed_in(Role.PLANNER)
    mining = partnership_titled("Mining technology and joint investment")
    page = client.get(f"/partnerships/{mining.id}/return-visit")
    assert 'value="2026-12-15"' in page.text  # thirty days after 15 November
    assert 'value="2026-12-16"' in page.text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end_date": "2027-03-01"}, "end_date", "The visit cannot end before it starts."),
        ({"timezone": "Asia/Turkistan"}, "timezone", "unknown time zone"),
        ({"title": " "}, "title", "This field is required."),
    ],
)
def test_bad_return_visit_input_is_refused_and_no_visit_is_created(
    client, signed_in, demo_visit, changes, field, message
):
    signed_in(Role.PLANNER)
    follow_up = follow_up_titled(LETTER_OF_INTENT)
    before = visit_count()
    data = {
        "title": "Return visit",
        "start_date": "2027-03-02",
        "end_date": "2027-03-03",
        "timezone": "Asia/Almaty",
        "purpose": "",
        **changes,
    }
    response = client.post(f"/follow-ups/{follow_up.id}/plan-return-visit", data=data)
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.text
    assert message in response.text
    assert visit_count() == before


def test_a_follow_up_reaches_its_partnership_through_its_outcome(client, signed_in, demo_visit):
    signed_in(Role.PLANNER)
    follow_up = follow_up_titled(LETTER_OF_INTENT)
    twinning_id = follow_up.partnership_id
    follow_up.partnership = None  # tied to the sister-city outcome only
    db.session.commit()
    response = client.get(f"/follow-ups/{follow_up.id}/plan-return-visit")
    assert response.status_code == 200
    assert f'href="/partnerships/{twinning_id}"' in response.text


def test_a_follow_up_without_a_partnership_sends_the_planner_to_its_visit(
    client, signed_in, create_visit, create_staff
):
    planner = signed_in(Role.PLANNER)
    visit = create_visit()
    follow_up = FollowUp(
        title="Thank-you letters", owner=planner, due_date=date(2027, 1, 5), visit=visit
    )
    db.session.add(follow_up)
    db.session.commit()
    before = visit_count()
    response = client.post(f"/follow-ups/{follow_up.id}/plan-return-visit")
    assert response.status_code == 302
    assert response.location == f"/visits/{visit.id}"
    assert visit_count() == before
    assert "is not tied to a partnership" in client.get(response.location).text


def test_viewer_cannot_plan_a_return_visit(client, signed_in, demo_visit):
    signed_in(Role.VIEWER)
    follow_up = follow_up_titled(LETTER_OF_INTENT)
    before = visit_count()
    assert client.get(f"/follow-ups/{follow_up.id}/plan-return-visit").status_code == 403
    assert client.post(f"/follow-ups/{follow_up.id}/plan-return-visit").status_code == 403
    assert client.post(f"/partnerships/{follow_up.partnership_id}/return-visit").status_code == 403
    assert visit_count() == before


@pytest.mark.parametrize(
    ("country", "city", "zone"),
    [
        ("KZ", "Turkistan", "Asia/Almaty"),  # no zone of its own: the country's reference zone
        ("KZ", "aqtobe", "Asia/Aqtobe"),  # a zone named after the city
        ("kz", None, "Asia/Almaty"),
        ("IR", None, "Asia/Tehran"),  # a country with one zone
        ("UZ", "Samarkand", "Asia/Samarkand"),
        ("RU", "Kazan", "Europe/Moscow"),
        ("AQ", None, None),  # several zones and no main one: the planner types it
    ],
)
def test_the_partner_zone_is_guessed_from_country_and_city(country, city, zone):
    assert main_zone(country, city) == zone


def test_a_follow_up_due_in_the_past_does_not_plan_a_visit_in_the_past():
    defaults = return_visit_defaults(
        title="Return visit: X",
        partner_country="KZ",
        partner_city="Almaty",
        description=None,
        today=date(2027, 3, 1),
        due_date=date(2027, 1, 31),
        follow_up_line=None,
    )
    assert (defaults.start_date, defaults.end_date) == (date(2027, 3, 31), date(2027, 4, 1))
    assert defaults.purpose is None
