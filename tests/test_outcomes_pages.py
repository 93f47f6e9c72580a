"""Recording what a visit produced: outcomes through their pages, and the visit page's section."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from planner.accounts.models import Role
from planner.extensions import db
from planner.outcomes.models import FollowUp, Outcome, OutcomeKind, OutcomeStatus
from planner.partnerships.models import Partnership, PartnershipKind
from tests.conftest import count


def export_lead(stop=None, sides=(), **changes) -> dict:
    ours, theirs = sides or (None, None)
    form = {
        "kind": "export_lead",
        "summary": "Kazakh importers asked for offers on pasta and biscuits.",
        "day": "2026-12-15",
        "status": "proposed",
        "stop_id": str(stop.id) if stop else "",
        "partnership_id": "",
        "our_organization_id": str(ours.id) if ours else "",
        "partner_organization_id": str(theirs.id) if theirs else "",
        "product": "Pasta and biscuits",
        "hs_code": "1902.19",
        "estimated_value": "450000",
        "currency": " usd ",
    }
    form.update(changes)
    return form


def test_planner_records_an_export_lead_from_a_factory_tour(
    client, signed_in, visit, pasta_tour, sides
):
    planner = signed_in(Role.PLANNER)
    page = client.get(f"/visits/{visit.id}/outcomes/new").text
    assert "Tour of Kiyo Flour and Pasta Company" in page  # the visit's stops to choose from
    assert 'id="currency-codes"' in page

    response = client.post(f"/visits/{visit.id}/outcomes/new", data=export_lead(pasta_tour, sides))

    assert response.status_code == 302, response.text
    outcome = db.session.scalars(sa.select(Outcome)).one()
    assert response.location == f"/outcomes/{outcome.id}"
    assert outcome.visit_id == visit.id and outcome.stop_id == pasta_tour.id
    assert outcome.kind == OutcomeKind.EXPORT_LEAD
    assert (outcome.our_organization_id, outcome.partner_organization_id) == (
        sides[0].id,
        sides[1].id,
    )
    assert outcome.hs_code == "1902.19"
    assert outcome.estimated_value == Decimal("450000.00")
    assert outcome.currency == "USD"
    assert outcome.created_by_id == planner.id

    shown = client.get(response.location).text
    assert "Kazakh importers asked for offers on pasta and biscuits." in shown
    assert "$450,000.00" in shown and "HS 1902.19" in shown
    assert "Tour of Kiyo Flour and Pasta Company" in shown


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"currency": ""}, "currency", "Give the currency of the estimated value"),
        ({"currency": "XQZ"}, "currency", "XQZ is not an ISO 4217 currency code"),
        ({"currency": "US"}, "currency", "US is not an ISO 4217 currency code"),
        ({"hs_code": "1"}, "hs_code", "An HS code has 2 to 10 digits"),
        ({"hs_code": "19O2"}, "hs_code", "An HS code has 2 to 10 digits"),
        ({"hs_code": "1902..19"}, "hs_code", "An HS code has 2 to 10 digits"),
        ({"hs_code": "12345678901"}, "hs_code", "An HS code has 2 to 10 digits"),
        ({"estimated_value": "-5"}, "estimated_value", "Enter a value of zero or more"),
        ({"estimated_value": "NaN"}, "estimated_value", "Enter a value of zero or more"),
        ({"estimated_value": "12.345"}, "estimated_value", "to the cent at most"),
        ({"estimated_value": "a lot"}, "estimated_value", "Not a valid decimal value"),
        ({"summary": "  "}, "summary", "This field is required"),
        ({"day": ""}, "day", "This field is required"),
    ],
)
def test_bad_trade_figures_are_refused_next_to_the_field_and_nothing_saved(
    client, signed_in, visit, changes, field, message
):
    signed_in(Role.PLANNER)
    response = client.post(f"/visits/{visit.id}/outcomes/new", data=export_lead(**changes))
    assert response.status_code == 400
    error = response.text.split(f'id="{field}-error"', 1)[1].split("</ul>", 1)[0]
    assert message in error
    assert count(Outcome) == 0


def test_an_hs_code_may_be_a_chapter_or_carry_dots(client, signed_in, visit):
    signed_in(Role.PLANNER)
    for code in ("19", "1902", "1902.19", "8474.20.10"):
        response = client.post(f"/visits/{visit.id}/outcomes/new", data=export_lead(hs_code=code))
        assert response.status_code == 302, (code, response.text)
    assert sorted(db.session.scalars(sa.select(Outcome.hs_code))) == sorted(
        ["19", "1902", "1902.19", "8474.20.10"]
    )


def test_an_outcome_without_trade_needs_no_value_or_currency(client, signed_in, visit):
    signed_in(Role.PLANNER)
    response = client.post(
        f"/visits/{visit.id}/outcomes/new",
        data=export_lead(
            kind="cultural_event",
            summary="A joint Kazakh–Lori culture week around Nowruz.",
            product="",
            hs_code="",
            estimated_value="",
            currency="",
        ),
    )
    assert response.status_code == 302, response.text
    outcome = db.session.scalars(sa.select(Outcome)).one()
    assert (outcome.estimated_value, outcome.currency, outcome.hs_code) == (None, None, None)


def test_a_stop_of_another_visit_cannot_be_where_it_arose(
    client, signed_in, visit, create_visit, create_stop
):
    other = create_visit(title="Visit of the Turkmen trade mission")
    elsewhere = create_stop(other, date(2026, 12, 15), "09:00", "10:00")
    signed_in(Role.PLANNER)
    response = client.post(
        f"/visits/{visit.id}/outcomes/new", data=export_lead(stop_id=str(elsewhere.id))
    )
    assert response.status_code == 400
    assert "Not a valid choice" in response.text
    assert count(Outcome) == 0


def test_planner_edits_an_outcome_and_ties_it_to_a_partnership(
    client, signed_in, visit, pasta_tour
):
    grain = Partnership(
        title="Kazakh grain for Lorestan's mills",
        kind=PartnershipKind.TRADE,
        our_country="IR",
        partner_country="KZ",
    )
    db.session.add(grain)
    db.session.commit()
    signed_in(Role.PLANNER)
    client.post(f"/visits/{visit.id}/outcomes/new", data=export_lead(pasta_tour))
    outcome = db.session.scalars(sa.select(Outcome)).one()

    form = client.get(f"/outcomes/{outcome.id}/edit").text
    assert "Kazakh grain for Lorestan&#39;s mills" in form
    response = client.post(
        f"/outcomes/{outcome.id}/edit",
        data=export_lead(
            pasta_tour,
            status="agreed",
            partnership_id=str(grain.id),
            estimated_value="520000.50",
            currency="EUR",
        ),
    )

    assert response.status_code == 302, response.text
    db.session.refresh(outcome)
    assert outcome.status == OutcomeStatus.AGREED
    assert outcome.partnership_id == grain.id
    assert (outcome.estimated_value, outcome.currency) == (Decimal("520000.50"), "EUR")


def test_deleting_an_outcome_asks_first_and_keeps_its_follow_ups_on_the_visit(
    client, signed_in, visit
):
    planner = signed_in(Role.PLANNER)
    client.post(f"/visits/{visit.id}/outcomes/new", data=export_lead())
    outcome = db.session.scalars(sa.select(Outcome)).one()
    client.post(
        f"/outcomes/{outcome.id}/follow-ups/new",
        data={"title": "Price list", "owner_id": planner.id, "due_date": "2027-01-20"},
    )

    confirm = client.get(f"/outcomes/{outcome.id}/delete").text
    assert "Its 1 follow-up stays, on the visit's page." in confirm
    assert count(Outcome) == 1

    response = client.post(f"/outcomes/{outcome.id}/delete")
    assert response.status_code == 302
    assert response.location == f"/visits/{visit.id}#outcomes"
    assert count(Outcome) == 0
    follow_up = db.session.scalars(sa.select(FollowUp)).one()
    assert (follow_up.outcome_id, follow_up.visit_id) == (None, visit.id)
    page = client.get(f"/visits/{visit.id}").text
    assert "Other follow-ups of this visit" in page and "Price list" in page


def test_a_viewer_reads_outcomes_but_cannot_record_or_change_them(
    client, auth, create_staff, visit
):
    planner = create_staff(Role.PLANNER)
    auth.login(planner)
    client.post(f"/visits/{visit.id}/outcomes/new", data=export_lead())
    outcome = db.session.scalars(sa.select(Outcome)).one()
    auth.logout()
    auth.login(create_staff(Role.VIEWER))

    assert client.get(f"/outcomes/{outcome.id}").status_code == 200
    visit_page = client.get(f"/visits/{visit.id}").text
    assert "Kazakh importers asked for offers" in visit_page
    assert "Add an outcome" not in visit_page
    assert client.get(f"/visits/{visit.id}/outcomes/new").status_code == 403
    assert client.post(f"/visits/{visit.id}/outcomes/new", data=export_lead()).status_code == 403
    assert client.post(f"/outcomes/{outcome.id}/edit", data=export_lead()).status_code == 403
    assert client.post(f"/outcomes/{outcome.id}/delete").status_code == 403
    assert count(Outcome) == 1


def test_outcomes_of_a_visit_in_the_bin_are_not_found(client, signed_in, visit):
    signed_in(Role.PLANNER)
    client.post(f"/visits/{visit.id}/outcomes/new", data=export_lead())
    outcome = db.session.scalars(sa.select(Outcome)).one()
    client.post(f"/visits/{visit.id}/delete")
    assert client.get(f"/outcomes/{outcome.id}").status_code == 404
    assert client.get(f"/visits/{visit.id}/outcomes/new").status_code == 404


def test_the_ambassadors_visit_page_shows_what_it_produced_with_owners_and_the_overdue_marked(
    demo_visit, client, signed_in, frozen_clock
):
    # 31 December 2026 in Khorramabad: the grinding-ball price list (due the 30th) is late.
    frozen_clock(datetime(2026, 12, 31, 6, 0, tzinfo=UTC))
    signed_in(Role.PLANNER)
    page = client.get(f"/visits/{demo_visit.id}").text
    section = page.split('id="outcomes"', 1)[1].split('id="participants"', 1)[0]

    for summary in (
        "Memorandum of understanding on trade cooperation",
        "Kazakh importers asked for offers on pasta and biscuits.",
        "Interest in Kazakh mining technology",
        "Proposal to twin Khorramabad with Turkistan",
        "A joint Kazakh–Lori culture week",
    ):
        assert summary in section
    for owner in ("Maryam Rostami", "Kaveh Nazari", "Shirin Bahrami"):
        assert owner in section
    assert section.count('class="badge badge--overdue"') == 2  # the heading and the row
    assert "1 overdue" in section
    late_row = section.split("Grinding-ball price list in Russian", 1)[0].rsplit("<tr", 1)[1]
    assert "follow-up--overdue" in late_row
    assert "Add an outcome" in section
