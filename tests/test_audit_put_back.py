"""Putting a value back from the history of a participant, an outcome, a follow-up and a
partnership: through the record's own rules, refused when the value moved on since, refused
to a viewer, and itself a change in the trail."""

from datetime import date
from decimal import Decimal

import pytest

from planner.accounts.models import Role
from planner.extensions import db
from planner.organizations.models import Organization
from planner.outcomes.models import FollowUp, Outcome, OutcomeStatus
from planner.outcomes.operations import update_follow_up, update_outcome
from planner.partnerships.models import Partnership, Stage
from planner.partnerships.operations import move_stage, update_partnership
from planner.people.models import Person
from planner.venues.models import Venue
from planner.visits.models import Participant, ParticipantRole
from planner.visits.operations import update_participant
from tests.conftest import shown
from tests.test_audit_trail import entries_about

CHANGED_SINCE = "Someone changed this since the history was opened; look again."


@pytest.fixture
def colleague(create_staff):
    return create_staff(Role.PLANNER)


@pytest.fixture
def follow_up(visit, colleague) -> FollowUp:
    item = FollowUp(
        title="Send the minutes to the embassy",
        owner=colleague,
        due_date=date(2026, 12, 20),
        visit=visit,
    )
    db.session.add(item)
    db.session.commit()
    return item


def last_change(record_type: str, record_id: int):
    return [e for e in entries_about(record_type, record_id) if e.action == "update"][-1]


def put_back(client, entry, field: str):
    """Press "Put back" on the record's history page; the page it lands on, as text."""
    page = f"/history/{entry.record_type}/{entry.record_id}"
    response = client.post(f"/history/{entry.id}/put-back", data={"field": field, "next": page})
    assert response.status_code == 302
    db.session.expire_all()
    return shown(client.get(response.location).text)


def test_a_participant_s_role_goes_back_and_the_put_back_is_audited(
    client, signed_in, visit, add_participant, colleague
):
    guest = add_participant(visit, "Yerlan Abenov", role=ParticipantRole.HEAD_OF_DELEGATION)
    update_participant(db.session, guest, acting=colleague, role=ParticipantRole.DELEGATE)
    db.session.commit()
    change = last_change("participants", guest.id)
    planner = signed_in(Role.PLANNER)
    history = client.get(f"/history/participants/{guest.id}").text
    assert f'action="/history/{change.id}/put-back"' in history

    text = put_back(client, change, "role")
    assert "Role is back to its earlier value." in text
    assert db.session.get(Participant, guest.id).role == ParticipantRole.HEAD_OF_DELEGATION
    restored = last_change("participants", guest.id)
    assert (restored.user_id, restored.source) == (planner.id, "page")
    assert restored.changes == {"role": ["delegate", "head_of_delegation"]}


def test_a_participant_s_role_back_goes_through_the_one_head_of_delegation_rule(
    client, signed_in, visit, add_participant, colleague
):
    guest = add_participant(visit, "Yerlan Abenov", role=ParticipantRole.HEAD_OF_DELEGATION)
    update_participant(db.session, guest, acting=colleague, role=ParticipantRole.DELEGATE)
    add_participant(visit, "Aigerim Sadykova", role=ParticipantRole.HEAD_OF_DELEGATION)
    change = last_change("participants", guest.id)
    signed_in(Role.PLANNER)
    text = put_back(client, change, "role")
    assert "a visit has only one" in text
    assert db.session.get(Participant, guest.id).role == ParticipantRole.DELEGATE


def test_an_outcome_s_summary_goes_back(client, signed_in, proposal, colleague):
    update_outcome(db.session, proposal, acting=colleague, summary="A wrong summary.")
    db.session.commit()
    signed_in(Role.PLANNER)
    put_back(client, last_change("outcomes", proposal.id), "summary")
    assert db.session.get(Outcome, proposal.id).summary.startswith("Proposal to twin")
    assert last_change("outcomes", proposal.id).changes["summary"][1].startswith("Proposal")


def test_an_outcome_s_currency_cannot_go_back_to_none_under_a_value(
    client, signed_in, proposal, colleague
):
    update_outcome(
        db.session,
        proposal,
        acting=colleague,
        estimated_value=Decimal("450000.50"),
        currency="USD",
    )
    db.session.commit()
    signed_in(Role.PLANNER)
    text = put_back(client, last_change("outcomes", proposal.id), "currency")
    assert "Give the currency of the estimated value" in text
    assert db.session.get(Outcome, proposal.id).currency == "USD"
    # The value itself (a decimal, recorded as text) goes back to none, and the currency
    # may follow it then.
    value_change = last_change("outcomes", proposal.id)
    put_back(client, value_change, "estimated_value")
    assert db.session.get(Outcome, proposal.id).estimated_value is None
    put_back(client, value_change, "currency")
    assert db.session.get(Outcome, proposal.id).currency is None


def test_an_outcome_s_status_goes_back_by_its_value(client, signed_in, proposal, colleague):
    update_outcome(db.session, proposal, acting=colleague, status=OutcomeStatus.AGREED)
    db.session.commit()
    signed_in(Role.PLANNER)
    put_back(client, last_change("outcomes", proposal.id), "status")
    assert db.session.get(Outcome, proposal.id).status == OutcomeStatus.PROPOSED


def test_a_follow_up_s_title_goes_back_and_a_later_change_is_not_overwritten(
    client, signed_in, follow_up, colleague
):
    update_follow_up(db.session, follow_up, acting=colleague, title="Send the minutes")
    db.session.commit()
    first = last_change("follow_ups", follow_up.id)
    update_follow_up(db.session, follow_up, acting=colleague, title="Send the signed minutes")
    db.session.commit()
    signed_in(Role.PLANNER)

    assert CHANGED_SINCE in put_back(client, first, "title")
    assert db.session.get(FollowUp, follow_up.id).title == "Send the signed minutes"
    put_back(client, last_change("follow_ups", follow_up.id), "title")
    assert db.session.get(FollowUp, follow_up.id).title == "Send the minutes"


def test_a_follow_up_does_not_go_back_to_a_colleague_no_longer_active(
    client, signed_in, follow_up, colleague, create_staff
):
    other = create_staff(Role.PLANNER)
    update_follow_up(db.session, follow_up, acting=colleague, owner_id=other.id)
    colleague.active = False
    db.session.commit()
    signed_in(Role.PLANNER)
    text = put_back(client, last_change("follow_ups", follow_up.id), "owner_id")
    assert "is no longer active: choose an active colleague." in text
    assert db.session.get(FollowUp, follow_up.id).owner_id == other.id


def test_a_partnership_s_side_goes_back_within_the_side_rule_and_its_stage_does_not(
    client, signed_in, twinning, colleague
):
    update_partnership(db.session, twinning, acting=colleague, partner_city="Shymkent")
    db.session.commit()
    signed_in(Role.PLANNER)
    put_back(client, last_change("partnerships", twinning.id), "partner_city")
    assert db.session.get(Partnership, twinning.id).partner_city == "Turkistan"

    update_partnership(db.session, twinning, acting=colleague, description="Two old cities.")
    db.session.commit()
    put_back(client, last_change("partnerships", twinning.id), "description")
    assert db.session.get(Partnership, twinning.id).description is None

    move_stage(db.session, twinning, Stage.EXPLORING, acting=colleague, reason="Letters sent.")
    db.session.commit()
    stage_change = last_change("partnerships", twinning.id)
    assert "stage" in stage_change.changes
    history = client.get(f"/history/partnerships/{twinning.id}").text
    assert f'action="/history/{stage_change.id}/put-back"' not in history  # with a reason only
    refused = client.post(f"/history/{stage_change.id}/put-back", data={"field": "stage"})
    assert refused.status_code == 400


def test_a_partnership_side_left_without_city_or_organization_is_refused(
    client, signed_in, twinning, colleague, sides
):
    _pasta, grain = sides
    update_partnership(
        db.session,
        twinning,
        acting=colleague,
        partner_city=None,
        partner_organization_id=grain.id,
    )
    db.session.commit()
    signed_in(Role.PLANNER)
    change = last_change("partnerships", twinning.id)
    put_back(client, change, "partner_city")  # the city again, with the organization: fine
    assert db.session.get(Partnership, twinning.id).partner_city == "Turkistan"
    update_partnership(db.session, twinning, acting=colleague, partner_city=None)
    db.session.commit()
    text = put_back(client, change, "partner_organization_id")
    assert "Name a city, an organization or both." in text
    assert db.session.get(Partnership, twinning.id).partner_organization_id == grain.id


def test_a_viewer_cannot_put_back_an_outcome_or_a_follow_up(
    client, signed_in, proposal, follow_up, colleague
):
    update_outcome(db.session, proposal, acting=colleague, summary="Changed.")
    update_follow_up(db.session, follow_up, acting=colleague, title="Changed")
    db.session.commit()
    signed_in(Role.VIEWER)
    for record_type, record_id, field in (
        ("outcomes", proposal.id, "summary"),
        ("follow_ups", follow_up.id, "title"),
    ):
        change = last_change(record_type, record_id)
        refused = client.post(f"/history/{change.id}/put-back", data={"field": field})
        assert refused.status_code == 403
        assert 'name="field"' not in client.get(f"/history/{record_type}/{record_id}").text
    db.session.expire_all()
    assert db.session.get(Outcome, proposal.id).summary == "Changed."


def test_a_person_a_venue_and_an_organization_go_back_too(
    client, signed_in, person, castle, sides, colleague
):
    from planner.organizations.operations import update_organization  # noqa: PLC0415
    from planner.people.operations import update_person  # noqa: PLC0415
    from planner.venues.operations import update_venue, weekly_hours  # noqa: PLC0415

    someone = person("Yerlan Abenov")
    pasta, grain = sides
    update_person(db.session, someone, acting=colleague, organization_id=grain.id)
    update_venue(db.session, castle, acting=colleague, hours=weekly_hours(castle), capacity=40)
    update_organization(db.session, pasta, acting=colleague, name="Kiyo Pasta")
    db.session.commit()
    signed_in(Role.PLANNER)

    text = put_back(client, last_change("people", someone.id), "organization_id")
    assert "Saryarka Grain Trading" in text  # the history names the organization
    put_back(client, last_change("venues", castle.id), "capacity")
    put_back(client, last_change("organizations", pasta.id), "name")
    assert db.session.get(Person, someone.id).organization_id is None
    assert db.session.get(Venue, castle.id).capacity is None
    assert db.session.get(Organization, pasta.id).name == "Kiyo Flour and Pasta"
