"""Stage changes are recorded with who, when and why, and the history is never rewritten."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from planner.accounts.models import Role
from planner.extensions import db
from planner.partnerships.models import HistoryIsAppendOnly, Partnership, Stage, StageChange
from planner.partnerships.operations import (
    StageError,
    create_partnership,
    move_stage,
    update_partnership,
)
from tests.conftest import shown
from tests.test_security import SELF_SERVICE, example_urls

# What a forged form might add, hoping to rewrite the record of the first stage change.
FORGED = {
    "stage": "closed",
    "from_stage": "closed",
    "to_stage": "closed",
    "reason": "Rewritten",
    "changed_at": "2020-01-01T00:00",
    "changed_by_id": "1",
    "history-0-id": "1",
    "history-0-reason": "Rewritten",
    "history-0-to_stage": "closed",
    "history-0-changed_at": "2020-01-01T00:00",
}


def twinning() -> Partnership:
    return db.session.scalar(
        sa.select(Partnership).where(Partnership.title == "Khorramabad – Turkistan sister cities")
    )


def history_rows() -> list[tuple]:
    """Every stage change as the database holds it, fresh from the database."""
    db.session.expire_all()
    rows = db.session.execute(
        sa.select(
            StageChange.id,
            StageChange.partnership_id,
            StageChange.from_stage,
            StageChange.to_stage,
            StageChange.reason,
            StageChange.changed_at,
            StageChange.changed_by_id,
        ).order_by(StageChange.id)
    )
    return [tuple(row) for row in rows]


def test_moving_the_twinning_to_letter_of_intent_records_who_when_and_why(
    client, signed_in, demo_visit
):
    planner = signed_in(Role.PLANNER)
    partnership = twinning()
    before_rows = history_rows()
    before = datetime.now(UTC)
    response = client.post(
        f"/partnerships/{partnership.id}/stage",
        data={
            "to_stage": "letter_of_intent",
            "reason": "  The city council approved the draft letter.  ",
        },
    )
    assert response.status_code == 302, response.text
    assert response.location == f"/partnerships/{partnership.id}#history"
    after_rows = history_rows()
    assert after_rows[: len(before_rows)] == before_rows  # nothing before it changed
    [added] = after_rows[len(before_rows) :]
    change = db.session.get(StageChange, added[0])
    assert change.partnership_id == partnership.id
    assert (change.from_stage, change.to_stage) == (Stage.EXPLORING, Stage.LETTER_OF_INTENT)
    assert change.reason == "The city council approved the draft letter."
    assert change.changed_by_id == planner.id
    assert change.changed_at.tzinfo is not None
    assert change.changed_at.utcoffset().total_seconds() == 0
    assert before <= change.changed_at <= datetime.now(UTC)
    assert db.session.get(Partnership, partnership.id).stage == Stage.LETTER_OF_INTENT

    page = client.get(response.location).text
    assert "moved from “Exploring” to “Letter of intent”" in shown(page)
    assert "The city council approved the draft letter." in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"to_stage": "active", "reason": ""}, "reason", "Say why the stage changes."),
        ({"to_stage": "active", "reason": "   \n "}, "reason", "Say why the stage changes."),
        (
            {"to_stage": "exploring", "reason": "Still exploring."},
            "to_stage",
            "The partnership is already at the stage “Exploring”.",
        ),
        ({"to_stage": "nowhere", "reason": "Because."}, "to_stage", "Invalid Choice"),
    ],
)
def test_a_stage_move_without_a_reason_or_to_the_same_stage_is_refused(
    client, signed_in, demo_visit, data, field, message
):
    signed_in(Role.PLANNER)
    partnership = twinning()
    before = history_rows()
    response = client.post(f"/partnerships/{partnership.id}/stage", data=data)
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.text
    assert message in response.text
    assert history_rows() == before
    assert db.session.get(Partnership, partnership.id).stage == Stage.EXPLORING


CHAMBERS = dict(
    title="Chamber and chamber",
    kind="trade",
    our_country="IR",
    our_city="Khorramabad",
    partner_country="KZ",
    partner_city="Astana",
)


def test_the_operations_refuse_a_blank_reason_and_a_move_to_the_same_stage(app, create_staff):
    planner = create_staff(Role.PLANNER)
    with pytest.raises(StageError):
        create_partnership(db.session, acting=planner, reason=" ", **CHAMBERS)
    db.session.rollback()
    partnership = create_partnership(
        db.session, acting=planner, reason="Agreed at the round-table.", **CHAMBERS
    )
    with pytest.raises(StageError) as same:
        move_stage(db.session, partnership, Stage.IDEA, acting=planner, reason="Again")
    assert same.value.field == "to_stage"
    with pytest.raises(StageError) as blank:
        move_stage(db.session, partnership, Stage.ACTIVE, acting=planner, reason="")
    assert blank.value.field == "reason"
    assert [c.to_stage for c in partnership.history] == [Stage.IDEA]
    with pytest.raises(TypeError):
        update_partnership(db.session, partnership, acting=planner, stage=Stage.ACTIVE)
    assert partnership.stage == Stage.IDEA


def test_the_edit_form_ignores_stage_and_history_fields(client, signed_in, demo_visit):
    signed_in(Role.PLANNER)
    partnership = twinning()
    before = history_rows()
    data = {
        "title": "Khorramabad – Turkistan twinning",
        "kind": "sister_city",
        "our_city": "Khorramabad",
        "our_country": "IR",
        "our_organization_id": str(partnership.our_organization_id),
        "partner_city": "Turkistan",
        "partner_country": "KZ",
        "partner_organization_id": "",
        "description": "Twinning of two historic cities.",
        **FORGED,
    }
    response = client.post(f"/partnerships/{partnership.id}/edit", data=data)
    assert response.status_code == 302, response.text
    assert history_rows() == before
    partnership = db.session.get(Partnership, partnership.id)
    assert partnership.title == "Khorramabad – Turkistan twinning"  # the real fields did save
    assert partnership.stage == Stage.EXPLORING


def test_no_url_edits_or_deletes_a_stage_change(app, client, signed_in, demo_visit):
    """No route takes a stage change's id; posting history fields anywhere rewrites nothing."""
    for rule in app.url_map.iter_rules():
        # The audit trail's pages read other records' history and take audit entries' ids;
        # the forged posts below go to its put-back too.
        if not rule.endpoint.startswith("audit."):
            assert "history" not in rule.rule, rule.rule
        assert not any("change" in argument for argument in rule.arguments), rule.rule

    signed_in(Role.PLANNER)
    before = history_rows()
    change_id = before[0][0]
    posted = 0
    for endpoint, method, _url in example_urls(app):
        if method != "POST" or endpoint in SELF_SERVICE:
            continue
        rule = next(r for r in app.url_map.iter_rules(endpoint) if "POST" in r.methods)
        with app.test_request_context():
            url = app.url_for(endpoint, **{argument: change_id for argument in rule.arguments})
        try:
            client.post(url, data=FORGED)
        except Exception:  # noqa: S112 - another page refusing nonsense is not the point
            continue
        posted += 1
    assert posted > 0
    after = history_rows()
    # A stage move may append (that is what moving is); what was there stays as it was.
    assert after[: len(before)] == before
    assert all(row[4] != "Rewritten" or row[0] > before[-1][0] for row in after)


def test_the_orm_refuses_to_update_or_delete_a_stage_change(app, demo_visit):
    change = twinning().history[0]
    change.reason = "Rewritten"
    with pytest.raises(HistoryIsAppendOnly):
        db.session.flush()
    db.session.rollback()

    change = twinning().history[0]
    db.session.delete(change)
    with pytest.raises(HistoryIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert [row[4] for row in history_rows()][0] == (
        "Raised by the embassy after the October 2025 interview."
    )


def test_a_partnership_cannot_be_deleted_through_the_orm_either(app, demo_visit):
    """Deleting it would orphan its history: the ORM would have to rewrite the rows."""
    db.session.delete(twinning())
    with pytest.raises(HistoryIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert twinning() is not None
