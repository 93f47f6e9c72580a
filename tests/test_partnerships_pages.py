"""Planners record partnerships and find them again by kind, stage and partner country."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from planner.accounts.models import Role
from planner.extensions import db
from planner.organizations.models import Organization, OrganizationKind
from planner.outcomes.overdue import office_today
from planner.partnerships.models import Partnership, PartnershipKind, Stage, StageChange
from planner.timefmt import format_short_date


def partnership_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Partnership.id)))


def by_title(title: str) -> Partnership:
    return db.session.scalar(sa.select(Partnership).where(Partnership.title == title))


def partnership_form(**changes) -> dict:
    data = {
        "title": "Lorestan University – Al-Farabi University exchange",
        "kind": "education",
        "our_city": "Khorramabad",
        "our_country": "IR",
        "our_organization_id": "",
        "partner_city": "Almaty",
        "partner_country": "KZ",
        "partner_organization_id": "",
        "description": "Exchange of geology and agronomy students.",
        "stage": "idea",
        "reason": "Raised by the rector during the ambassador's visit.",
    }
    data.update(changes)
    return data


@pytest.fixture
def university(app) -> Organization:
    organization = Organization(
        name="Lorestan University", kind=OrganizationKind.UNIVERSITY, country="IR"
    )
    db.session.add(organization)
    db.session.commit()
    return organization


def test_planner_creates_a_partnership_with_its_first_stage_and_reason(
    client, signed_in, university
):
    planner = signed_in(Role.PLANNER)
    assert 'href="/partnerships/new"' in client.get("/partnerships").text
    assert client.get("/partnerships/new").status_code == 200
    before = datetime.now(UTC)
    response = client.post(
        "/partnerships/new",
        data=partnership_form(stage="exploring", our_organization_id=str(university.id)),
    )
    assert response.status_code == 302, response.text
    partnership = by_title("Lorestan University – Al-Farabi University exchange")
    assert response.location == f"/partnerships/{partnership.id}"
    assert (partnership.kind, partnership.stage) == (PartnershipKind.EDUCATION, Stage.EXPLORING)
    assert (partnership.our_country, partnership.partner_country) == ("IR", "KZ")
    assert partnership.our_organization_id == university.id
    [first] = partnership.history
    assert (first.from_stage, first.to_stage) == (None, Stage.EXPLORING)
    assert first.reason == "Raised by the rector during the ambassador's visit."
    assert first.changed_by_id == planner.id
    assert first.changed_at.tzinfo is not None and first.changed_at.utcoffset().total_seconds() == 0
    assert before <= first.changed_at <= datetime.now(UTC)

    page = client.get(response.location)
    assert "is created" in page.text
    assert "Raised by the rector" in page.text
    assert "Kazakhstan" in page.text and "Iran" in page.text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"reason": "   "}, "reason", "Say why the stage changes."),
        ({"title": ""}, "title", "This field is required."),
        ({"partner_country": "XX"}, "partner_country", "Choose a country from the list."),
        ({"partner_country": "Kazakhstan"}, "partner_country", "Choose a country from the list."),
        ({"our_country": ""}, "our_country", "This field is required."),
        ({"partner_city": ""}, "partner_organization_id", "Name a city, an organization or both."),
        ({"stage": "signed"}, "stage", "Invalid Choice"),
    ],
)
def test_bad_partnership_input_is_refused_with_a_field_error_and_nothing_saved(
    client, signed_in, changes, field, message
):
    signed_in(Role.PLANNER)
    response = client.post("/partnerships/new", data=partnership_form(**changes))
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.text
    assert message in response.text
    assert partnership_count() == 0
    assert db.session.scalar(sa.select(sa.func.count(StageChange.id))) == 0


def test_a_side_may_be_an_organization_without_a_city(client, signed_in, university):
    signed_in(Role.PLANNER)
    response = client.post(
        "/partnerships/new",
        data=partnership_form(our_city="", our_organization_id=str(university.id)),
    )
    assert response.status_code == 302, response.text
    assert by_title("Lorestan University – Al-Farabi University exchange").our_city is None


def test_planner_edits_a_partnership_but_not_its_stage(client, signed_in, demo_visit):
    signed_in(Role.PLANNER)
    grain = by_title("Kazakh grain for Lorestan's mills")
    page = client.get(f"/partnerships/{grain.id}/edit")
    assert page.status_code == 200
    assert 'name="stage"' not in page.text and 'name="reason"' not in page.text
    data = {
        "title": "Kazakh wheat for Lorestan's mills",
        "kind": "trade",
        "our_city": "Khorramabad",
        "our_country": "IR",
        "our_organization_id": str(grain.our_organization_id),
        "partner_city": "Kostanay",
        "partner_country": "KZ",
        "partner_organization_id": str(grain.partner_organization_id),
        "description": "",
    }
    response = client.post(f"/partnerships/{grain.id}/edit", data=data)
    assert response.status_code == 302, response.text
    db.session.expire_all()
    grain = db.session.get(Partnership, grain.id)
    assert (grain.title, grain.partner_city, grain.description) == (
        "Kazakh wheat for Lorestan's mills",
        "Kostanay",
        None,
    )
    assert grain.stage == Stage.EXPLORING


def test_demo_list_groups_partnerships_by_stage_in_pipeline_order(client, signed_in, demo_visit):
    signed_in(Role.VIEWER)
    page = client.get("/partnerships")
    assert page.status_code == 200
    text = page.text
    # Idea (mining) comes before Exploring (grain, twinning), each with its own heading.
    assert text.index('id="stage-idea"') < text.index('id="stage-exploring"')
    assert text.index("Mining technology and joint investment") < text.index(
        "Kazakh grain for Lorestan&#39;s mills"
    )
    assert 'id="stage-closed"' not in text  # no empty groups
    # Each row: both sides with country names and organizations, the stage, the last change.
    assert "Turkistan" in text and "Kazakhstan" in text
    assert "Municipality of Khorramabad" in text and "Saryarka Grain Trading LLP" in text
    assert "badge--stage-exploring" in text
    assert "Sister city" in text and "Mining and technology" in text
    # The demo's history is recorded when it is loaded: today, in the office's zone.
    assert format_short_date(office_today("Asia/Tehran", datetime.now(UTC))) in text
    assert "never deleted" in text


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("kind=trade", ["Kazakh grain"], ["Khorramabad – Turkistan", "Mining technology"]),
        ("stage=idea", ["Mining technology"], ["Kazakh grain", "Khorramabad – Turkistan"]),
        ("country=kz", ["Kazakh grain", "Mining technology", "Khorramabad – Turkistan"], []),
        ("country=TR", [], ["Kazakh grain", "Mining technology", "Khorramabad – Turkistan"]),
        ("kind=sister_city&stage=exploring", ["Khorramabad – Turkistan"], ["Kazakh grain"]),
    ],
)
def test_list_filters_by_kind_stage_and_partner_country(
    client, signed_in, demo_visit, query, shown, hidden
):
    signed_in(Role.VIEWER)
    page = client.get("/partnerships?" + query)
    assert page.status_code == 200
    for title in shown:
        assert title in page.text, title
    for title in hidden:
        assert title not in page.text, title
    if not shown:
        assert "No partnership matches these filters" in page.text


def test_list_sorted_by_last_change_puts_the_latest_move_first(client, signed_in, demo_visit):
    planner = signed_in(Role.PLANNER)
    mining = by_title("Mining technology and joint investment")
    response = client.post(
        f"/partnerships/{mining.id}/stage",
        data={"to_stage": "exploring", "reason": "The counsellor sent a list of mines."},
    )
    assert response.status_code == 302
    page = client.get("/partnerships?order=changed").text
    first_row = page.index("<tbody>")
    assert page.index("Mining technology", first_row) < page.index("Kazakh grain", first_row)
    assert planner.name in client.get(f"/partnerships/{mining.id}").text


def test_unknown_filter_values_are_a_bad_request(client, signed_in):
    signed_in(Role.VIEWER)
    assert client.get("/partnerships?kind=friendship").status_code == 400
    assert client.get("/partnerships?stage=married").status_code == 400
    assert client.get("/partnerships?order=random").status_code == 400


def test_empty_list_invites_the_planner_to_record_one(client, signed_in):
    signed_in(Role.PLANNER)
    page = client.get("/partnerships")
    assert "No partnerships yet" in page.text


def test_viewer_reads_partnerships_but_cannot_create_edit_move_or_plan(
    client, signed_in, demo_visit
):
    signed_in(Role.VIEWER)
    twinning = by_title("Khorramabad – Turkistan sister cities")
    page = client.get(f"/partnerships/{twinning.id}")
    assert page.status_code == 200
    assert "Move the stage" not in page.text and "Plan a return visit" not in page.text
    assert client.get("/partnerships/new").status_code == 403
    assert client.post("/partnerships/new", data=partnership_form()).status_code == 403
    assert client.get(f"/partnerships/{twinning.id}/edit").status_code == 403
    response = client.post(
        f"/partnerships/{twinning.id}/stage", data={"to_stage": "active", "reason": "Why not"}
    )
    assert response.status_code == 403
    assert client.get(f"/partnerships/{twinning.id}/return-visit").status_code == 403
    db.session.expire_all()
    assert db.session.get(Partnership, twinning.id).stage == Stage.EXPLORING
    assert partnership_count() == 3


def test_missing_partnership_is_404(client, signed_in):
    signed_in(Role.PLANNER)
    assert client.get("/partnerships/999").status_code == 404
    assert client.get("/partnerships/999/edit").status_code == 404
    assert client.post("/partnerships/999/stage", data={}).status_code == 404
    assert client.get("/partnerships/999/return-visit").status_code == 404
    assert client.get("/follow-ups/999/plan-return-visit").status_code == 404


def test_partnership_page_shows_its_sides_history_and_timeline(client, signed_in, demo_visit):
    signed_in(Role.PLANNER)
    twinning = by_title("Khorramabad – Turkistan sister cities")
    page = client.get(f"/partnerships/{twinning.id}").text
    assert "Municipality of Khorramabad" in page and "Turkistan" in page
    assert "Maryam Rostami" in page  # who moved it
    assert "Both mayors agreed to study it" in page  # why
    assert "UTC+03:30" in page  # when, in the office's zone
    assert "Draft the twinning letter of intent for the city council" in page
    assert "Proposal to twin Khorramabad with Turkistan" in page
    assert "Visit of the Ambassador of Kazakhstan" in page
    # The stage form offers the next step of the pipeline first.
    assert '<option selected value="letter_of_intent">' in page
    assert "never deleted" in page


def test_a_closed_partnership_is_not_worded_like_a_closed_venue_in_persian(client, signed_in):
    """English says "Closed" for both; Persian ends a partnership but shuts a venue."""
    user = signed_in(Role.VIEWER)
    user.locale = "fa"
    ended = Partnership(
        title="Dorud – Shymkent trade desk",
        kind=PartnershipKind.TRADE,
        stage=Stage.CLOSED,
        our_city="Dorud",
        our_country="IR",
        partner_city="Shymkent",
        partner_country="KZ",
    )
    db.session.add(ended)
    db.session.commit()
    page = client.get(f"/partnerships/{ended.id}").text
    assert "پایان‌یافته" in page
    assert "تعطیل" not in page
