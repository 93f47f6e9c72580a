"""A visit page's outcomes and follow-ups are kept as drawn (planner/visits/views.py,
kept_outcomes) and never shown stale: every change that shows there, committed as the
office would commit it, is on the page at the next request after one that kept it."""

import re
from datetime import UTC, date, datetime

import pytest

from planner.accounts.models import Role, User
from planner.extensions import db
from planner.organizations.models import Organization, OrganizationKind
from planner.outcomes.models import (
    FollowUp,
    FollowUpStatus,
    Outcome,
    OutcomeDocument,
    OutcomeKind,
)

DAY = date(2026, 12, 15)
CSRF_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def produced(ambassador_visit, create_stop, create_staff):
    """The ambassador's visit produced one agreement, signed at a stop, with a follow-up
    due on the visit's last day and one of the visit itself."""
    visit = ambassador_visit
    signing = create_stop(visit, DAY, "10:00", "11:00", title="Signing ceremony")
    owner = create_staff(Role.PLANNER)
    outcome = Outcome(
        visit=visit,
        stop=signing,
        kind=OutcomeKind.AGREEMENT,
        summary="Memorandum on flour exports",
        day=DAY,
        our_organization=Organization(
            name="Lorestan chamber", kind=OrganizationKind.COMPANY, country="IR"
        ),
    )
    send_draft = FollowUp(
        title="Send the draft", owner=owner, due_date=date(2026, 12, 16), outcome=outcome
    )
    thank = FollowUp(title="Thank the embassy", owner=owner, due_date=DAY, visit=visit)
    db.session.add_all([outcome, send_draft, thank])
    db.session.commit()
    return {"visit": visit, "outcome": outcome, "stop": signing, "owner": owner} | {
        "send_draft": send_draft
    }


def outcomes(client, visit) -> str:
    """The page's section of outcomes and follow-ups, CSRF tokens left out (each request's
    own, timed)."""
    page = client.get(f"/visits/{visit.id}").text
    start = page.index('id="outcomes"')
    return CSRF_TOKEN.sub("", page[start : page.index("</section>", start)])


def rename_the_follow_up(o):
    o["send_draft"].title = "Send the signed copy"
    return "Send the signed copy"


def complete_the_follow_up(o):
    o["send_draft"].status = FollowUpStatus.DONE
    o["send_draft"].completed_at = datetime(2026, 12, 16, 8, tzinfo=UTC)
    return "follow-up--done"


def rename_the_owner(o):
    db.session.get(User, o["owner"].id).name = "Maryam Rostami-Lor"
    return "Maryam Rostami-Lor"


def attach_a_document(o):
    document = OutcomeDocument(
        outcome=o["outcome"],
        filename="mou.pdf",
        stored_name="0" * 32 + ".pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
    )
    db.session.add(document)
    return "1 document"


def rename_the_stop(o):
    o["stop"].title = "Signing at the governorate"
    return "Signing at the governorate"


def rename_the_organization(o):
    o["outcome"].our_organization.name = "Lorestan chamber of commerce"
    return "Lorestan chamber of commerce"


def record_another_outcome(o):
    db.session.add(
        Outcome(
            visit=o["visit"],
            kind=OutcomeKind.EXPORT_LEAD,
            summary="Pasta buyers in Almaty",
            day=DAY,
        )
    )
    return "Pasta buyers in Almaty"


CHANGES = [
    rename_the_follow_up,
    complete_the_follow_up,
    rename_the_owner,
    attach_a_document,
    rename_the_stop,
    rename_the_organization,
    record_another_outcome,
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__)
def test_the_outcomes_show_each_change_at_the_next_request(change, produced, signed_in, client):
    visit = produced["visit"]
    signed_in(Role.PLANNER)
    before = outcomes(client, visit)
    assert outcomes(client, visit) == before  # kept: drawn the same again
    shown = change(produced)
    db.session.commit()
    db.session.expire_all()
    assert shown not in before
    assert shown in outcomes(client, visit)


def test_a_follow_up_is_overdue_the_day_after_its_due_date(
    produced, signed_in, client, frozen_clock
):
    visit = produced["visit"]
    frozen_clock(datetime(2026, 12, 16, 6, tzinfo=UTC))  # the 16th in Tehran
    signed_in(Role.PLANNER)
    assert outcomes(client, visit).count("follow-up--overdue") == 1  # the one due the 15th
    assert outcomes(client, visit).count("follow-up--overdue") == 1  # and kept
    frozen_clock(datetime(2026, 12, 17, 6, tzinfo=UTC))
    signed_in(Role.PLANNER)  # a day later: a new session
    assert outcomes(client, visit).count("follow-up--overdue") == 2


def test_a_viewer_never_gets_a_planners_buttons(produced, signed_in, auth, client):
    visit = produced["visit"]
    signed_in(Role.PLANNER)
    assert "Add an outcome" in outcomes(client, visit)
    auth.logout()
    signed_in(Role.VIEWER)
    assert "Add an outcome" not in outcomes(client, visit)


def test_the_kept_buttons_carry_this_requests_csrf_token(produced, signed_in, auth, client):
    """Nothing of the request is kept: each session's page has its own token, in the kept
    follow-up buttons as in the rest of the page."""
    visit = produced["visit"]
    seen = []
    for _ in range(2):
        signed_in(Role.PLANNER)
        page = client.get(f"/visits/{visit.id}").text
        tokens = set(CSRF_TOKEN.findall(page))
        assert len(tokens) == 1
        assert 'action="/follow-ups/' in outcomes(client, visit)
        seen += tokens
        auth.logout()
    assert seen[0] != seen[1]


def test_a_repeat_view_reads_no_outcome_nor_follow_up(produced, signed_in, client, query_counter):
    visit = produced["visit"]
    signed_in(Role.PLANNER)
    client.get(f"/visits/{visit.id}")
    with query_counter() as statements:
        page = client.get(f"/visits/{visit.id}").text
    assert "Memorandum on flour exports" in page
    assert "Thank the embassy" in page
    read = " ".join(statements).lower()
    assert "from outcomes" not in read
    assert "from follow_ups" not in read  # the navigation's overdue count is kept too
