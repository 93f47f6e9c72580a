"""Follow-ups: who does what by when, overdue by the office's calendar, and in the owner's feed."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from planner import clock
from planner.accounts.models import Role
from planner.calendars.feeds import feed_token
from planner.extensions import db
from planner.outcomes.models import FollowUp, FollowUpStatus
from planner.outcomes.operations import create_follow_up
from tests.icscheck import check_ics, unfold

SECRET = "test-secret"  # conftest.make_app's SECRET_KEY


def noon_in_tehran(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 8, 30, tzinfo=UTC)


@pytest.fixture
def follow_up_of(app):
    """follow_up_of(owner, due, title=..., outcome=..., visit=...) -> a saved follow-up."""

    def _make(owner, due: date, title: str = "Draft the twinning letter of intent", **ties):
        follow_up = create_follow_up(
            db.session, acting=owner, owner_id=owner.id, due_date=due, title=title, **ties
        )
        db.session.commit()
        return follow_up

    return _make


# --- Overdue, by the office's calendar --------------------------------------------------


def test_due_today_is_not_overdue_and_due_yesterday_is(
    client, signed_in, visit, follow_up_of, frozen_clock
):
    frozen_clock(noon_in_tehran(date(2027, 1, 31)))
    me = signed_in(Role.PLANNER)
    follow_up_of(me, date(2027, 1, 31), "Letter of intent to the city council", visit=visit)
    follow_up_of(me, date(2027, 1, 30), "Photographs to the embassy", visit=visit)

    page = client.get("/follow-ups/mine").text

    overdue_part = page.split('id="overdue-heading"', 1)[1].split('id="open-heading"', 1)[0]
    assert "Photographs to the embassy" in overdue_part
    assert "1 day late" in overdue_part
    assert "Letter of intent to the city council" not in overdue_part
    open_part = page.split('id="open-heading"', 1)[1]
    assert "Letter of intent to the city council" in open_part and "Due today" in open_part
    # The navigation counts the overdue one, on every page.
    badge = '<span class="nav-badge nav-badge--overdue">1<span class="visually-hidden"> overdue'
    assert badge in page
    assert badge in client.get("/").text


def test_at_21_utc_on_30_december_it_is_already_the_31st_in_tehran(
    client, signed_in, visit, follow_up_of, frozen_clock
):
    late_evening_utc = datetime(2026, 12, 30, 21, 0, tzinfo=UTC)  # 00:30 on the 31st in Tehran
    frozen_clock(late_evening_utc)  # signed in that evening: the session is fresh
    me = signed_in(Role.PLANNER)
    follow_up = follow_up_of(me, date(2026, 12, 30), "Grinding-ball price list", visit=visit)

    assert clock.office_today("Asia/Tehran", late_evening_utc) == date(2026, 12, 31)
    assert follow_up.is_overdue(clock.office_today("Asia/Tehran", late_evening_utc))
    frozen_clock(late_evening_utc)
    assert 'id="overdue-heading"' in client.get("/follow-ups/mine").text

    # A minute before midnight in Tehran the UTC date and the office's date agree: not late.
    frozen_clock(datetime(2026, 12, 30, 20, 29, tzinfo=UTC))
    page = client.get("/follow-ups/mine").text
    assert 'id="overdue-heading"' not in page and "nav-badge" not in page


def test_overdue_follows_the_office_zone_not_the_servers(
    app, client, signed_in, visit, follow_up_of, frozen_clock
):
    # 03:00 UTC on the 31st: morning in Tehran, still the evening of the 30th in New York.
    frozen_clock(datetime(2026, 12, 31, 3, 0, tzinfo=UTC))
    me = signed_in(Role.PLANNER)
    follow_up_of(me, date(2026, 12, 30), "Grinding-ball price list", visit=visit)
    assert "nav-badge--overdue" in client.get("/follow-ups/mine").text
    app.config["OFFICE_TIMEZONE"] = "America/New_York"
    assert "nav-badge--overdue" not in client.get("/follow-ups/mine").text


def test_done_and_dropped_follow_ups_are_never_overdue(
    client, signed_in, visit, follow_up_of, frozen_clock
):
    frozen_clock(noon_in_tehran(date(2027, 3, 1)))
    me = signed_in(Role.PLANNER)
    done = follow_up_of(me, date(2027, 1, 10), "Memorandum texts to the embassy", visit=visit)
    dropped = follow_up_of(me, date(2027, 1, 20), "Pasta samples", visit=visit)
    client.post(f"/follow-ups/{done.id}/done")
    client.post(f"/follow-ups/{dropped.id}/drop")

    page = client.get("/follow-ups/mine").text
    assert 'id="overdue-heading"' not in page and "nav-badge" not in page
    closed = page.split('class="section follow-ups follow-ups--closed"', 1)[1]
    assert "Memorandum texts to the embassy" in closed and "Pasta samples" in closed
    assert closed.startswith(">") and "<details" in page  # collapsed until opened


# --- Creating and changing --------------------------------------------------------------


def test_a_follow_up_added_on_an_outcome_is_tied_to_it_its_visit_and_partnership(
    client, signed_in, create_staff, proposal, visit, twinning
):
    signed_in(Role.PLANNER)
    colleague = create_staff(Role.PLANNER, name="Maryam Rostami")
    form = client.get(f"/outcomes/{proposal.id}/follow-ups/new").text
    assert "Maryam Rostami" in form

    response = client.post(
        f"/outcomes/{proposal.id}/follow-ups/new",
        data={
            "title": "Draft the twinning letter of intent for the city council",
            "owner_id": str(colleague.id),
            "due_date": "2027-01-31",
            "notes": "Ask the mayor's office for the council's next session.",
        },
    )

    assert response.status_code == 302, response.text
    assert response.location == f"/outcomes/{proposal.id}#follow-ups"
    follow_up = db.session.scalars(sa.select(FollowUp)).one()
    assert (follow_up.outcome_id, follow_up.visit_id, follow_up.partnership_id) == (
        proposal.id,
        visit.id,
        twinning.id,
    )
    assert follow_up.owner_id == colleague.id
    assert follow_up.status == FollowUpStatus.OPEN and follow_up.sequence == 0
    assert "Draft the twinning letter of intent" in client.get(response.location).text


def test_a_follow_up_needs_a_title_an_active_owner_and_a_due_date(
    client, signed_in, create_staff, proposal
):
    signed_in(Role.PLANNER)
    gone = create_staff(Role.PLANNER, name="Former Colleague")
    gone.active = False
    db.session.commit()
    assert "Former Colleague" not in client.get(f"/outcomes/{proposal.id}/follow-ups/new").text
    for data, field in [
        ({"title": "", "owner_id": "", "due_date": "2027-01-31"}, "title"),
        ({"title": "Letter", "owner_id": str(gone.id), "due_date": "2027-01-31"}, "owner_id"),
        ({"title": "Letter", "owner_id": "", "due_date": "2027-01-31"}, "owner_id"),
        ({"title": "Letter", "owner_id": str(gone.id), "due_date": "31/01/2027"}, "due_date"),
    ]:
        response = client.post(f"/outcomes/{proposal.id}/follow-ups/new", data=data)
        assert response.status_code == 400, data
        assert f'id="{field}-error"' in response.text, data
    assert db.session.scalar(sa.select(sa.func.count(FollowUp.id))) == 0


def test_a_visit_or_a_partnership_can_have_follow_ups_of_its_own(
    client, signed_in, visit, twinning
):
    me = signed_in(Role.PLANNER)
    data = {"title": "Thank-you letter", "owner_id": me.id, "due_date": "2026-12-20"}
    response = client.post(f"/follow-ups/new?visit={visit.id}", data=data)
    assert response.location == f"/visits/{visit.id}#outcomes"
    data = {"title": "Ask Turkistan for a date", "owner_id": me.id, "due_date": "2027-02-10"}
    response = client.post(
        f"/follow-ups/new?partnership={twinning.id}&next=/partnerships/{twinning.id}", data=data
    )
    assert response.location == f"/partnerships/{twinning.id}"
    ties = db.session.execute(
        sa.select(FollowUp.outcome_id, FollowUp.visit_id, FollowUp.partnership_id).order_by(
            FollowUp.id
        )
    ).all()
    assert [tuple(row) for row in ties] == [(None, visit.id, None), (None, None, twinning.id)]
    assert client.get("/follow-ups/new").status_code == 404
    response = client.post(f"/follow-ups/new?visit={visit.id}&next=https://evil.example", data=data)
    assert response.location == f"/visits/{visit.id}#outcomes"  # never off the site
    assert db.session.scalar(sa.select(sa.func.count(FollowUp.id))) == 3


def test_marking_done_dropping_and_reopening_raise_the_calendar_sequence(
    client, signed_in, visit, follow_up_of
):
    me = signed_in(Role.PLANNER)
    follow_up = follow_up_of(me, date(2027, 1, 31), visit=visit)

    response = client.post(f"/follow-ups/{follow_up.id}/done", data={"next": "/follow-ups/mine"})
    assert response.location == "/follow-ups/mine"
    db.session.refresh(follow_up)
    assert follow_up.status == FollowUpStatus.DONE and follow_up.sequence == 1
    assert follow_up.completed_at is not None

    client.post(f"/follow-ups/{follow_up.id}/reopen")
    client.post(f"/follow-ups/{follow_up.id}/drop")
    db.session.refresh(follow_up)
    assert follow_up.status == FollowUpStatus.DROPPED and follow_up.sequence == 3
    assert follow_up.completed_at is None


def test_editing_the_notes_leaves_the_sequence_and_a_new_due_date_raises_it(
    client, signed_in, visit, follow_up_of
):
    me = signed_in(Role.PLANNER)
    follow_up = follow_up_of(me, date(2027, 1, 31), visit=visit)
    form = {
        "title": follow_up.title,
        "owner_id": str(me.id),
        "due_date": "2027-01-31",
        "status": "open",
        "notes": "The council meets on Tuesdays.",
    }
    assert client.post(f"/follow-ups/{follow_up.id}/edit", data=form).status_code == 302
    db.session.refresh(follow_up)
    assert (follow_up.notes, follow_up.sequence) == ("The council meets on Tuesdays.", 0)

    client.post(f"/follow-ups/{follow_up.id}/edit", data=form | {"due_date": "2027-02-14"})
    db.session.refresh(follow_up)
    assert (follow_up.due_date, follow_up.sequence) == (date(2027, 2, 14), 1)


def test_a_viewer_cannot_close_a_follow_up(client, auth, create_staff, visit, follow_up_of):
    owner = create_staff(Role.PLANNER)
    follow_up = follow_up_of(owner, date(2027, 1, 31), visit=visit)
    auth.login(create_staff(Role.VIEWER))
    for action in ("done", "drop", "reopen", "edit"):
        assert client.post(f"/follow-ups/{follow_up.id}/{action}").status_code == 403
    page = client.get(f"/visits/{visit.id}").text
    assert "Draft the twinning letter of intent" in page
    assert f"/follow-ups/{follow_up.id}/done" not in page
    db.session.refresh(follow_up)
    assert follow_up.status == FollowUpStatus.OPEN


def test_my_follow_ups_lists_only_mine(client, signed_in, create_staff, visit, follow_up_of):
    me = signed_in(Role.PLANNER)
    colleague = create_staff(Role.PLANNER)
    follow_up_of(me, date(2027, 1, 31), "Letter of intent to the council", visit=visit)
    follow_up_of(colleague, date(2027, 1, 20), "Pasta samples to the importers", visit=visit)

    page = client.get("/follow-ups/mine").text
    assert "Letter of intent to the council" in page
    assert "Pasta samples to the importers" not in page
    assert "Visit of the Ambassador of Kazakhstan" in page  # what it is tied to


def test_the_demo_owners_each_see_their_own(demo_visit, client, auth, frozen_clock):
    from planner.accounts.models import User
    from tests.conftest import PASSWORD

    frozen_clock(noon_in_tehran(date(2027, 1, 15)))
    culture = db.session.scalar(sa.select(User).where(User.name == "Shirin Bahrami"))
    culture.set_password(PASSWORD)
    db.session.commit()
    auth.login(culture)
    page = client.get("/follow-ups/mine").text
    assert "Programme for the Kazakh–Lori culture week" in page
    assert "Grinding-ball price list" not in page
    assert 'id="overdue-heading"' not in page


def test_a_return_visit_is_planned_from_the_sister_city_follow_up(
    demo_visit, client, auth, frozen_clock
):
    from planner.accounts.models import User
    from tests.conftest import PASSWORD

    frozen_clock(noon_in_tehran(date(2027, 1, 15)))
    protocol = db.session.scalar(sa.select(User).where(User.name == "Maryam Rostami"))
    protocol.set_password(PASSWORD)
    db.session.commit()
    twinning = db.session.scalar(
        sa.select(FollowUp).where(FollowUp.title.startswith("Draft the twinning letter"))
    )
    auth.login(protocol)
    page = client.get("/follow-ups/mine").text
    row = page.split(f'id="follow-up-{twinning.id}"', 1)[1].split("</tr>", 1)[0]
    assert f'href="/follow-ups/{twinning.id}/plan-return-visit"' in row
    assert "Khorramabad – Turkistan sister cities" in row
    assert client.get(f"/follow-ups/{twinning.id}/plan-return-visit").status_code == 200


# --- The owner's calendar feed ----------------------------------------------------------


def feed_url(user) -> str:
    return f"/feeds/{feed_token(SECRET, user)}.ics"


def todos(calendar: dict) -> dict:
    return {item["uid"]: item for item in calendar["items"] if item["kind"] == "VTODO"}


def test_the_staff_feed_carries_my_open_follow_ups_as_to_dos_and_not_other_peoples(
    client, signed_in, create_staff, proposal, visit, follow_up_of
):
    me = signed_in(Role.PLANNER)
    colleague = create_staff(Role.PLANNER)
    mine = follow_up_of(me, date(2027, 1, 31), "Letter of intent", outcome=proposal)
    closed = follow_up_of(me, date(2027, 1, 10), "Photographs to the embassy", visit=visit)
    theirs = follow_up_of(colleague, date(2027, 1, 20), "Pasta samples", visit=visit)
    client.post(f"/follow-ups/{closed.id}/done")

    data = client.get(feed_url(me)).data
    calendar = check_ics(data)

    found = todos(calendar)
    assert set(found) == {mine.calendar_uid, closed.calendar_uid}
    assert theirs.calendar_uid not in data.decode()
    assert found[mine.calendar_uid]["status"] == "NEEDS-ACTION"
    assert found[mine.calendar_uid]["summary"] == "Letter of intent"
    assert found[closed.calendar_uid]["status"] == "COMPLETED"
    assert found[closed.calendar_uid]["sequence"] == 1
    text = unfold(data)
    assert "DUE;VALUE=DATE:20270131" in text
    assert "DESCRIPTION:Proposal to twin Khorramabad with Turkistan\\; letter of intent" in text
    assert "COMPLETED:" in text
    assert "Ask the mayor" not in text  # staff notes stay in Pishvaz


def test_the_feeds_etag_changes_when_a_follow_up_is_marked_done(
    client, signed_in, visit, follow_up_of
):
    me = signed_in(Role.PLANNER)
    follow_up = follow_up_of(me, date(2027, 1, 31), visit=visit)
    first = client.get(feed_url(me))
    etag = first.headers["ETag"]
    assert client.get(feed_url(me), headers={"If-None-Match": etag}).status_code == 304

    client.post(f"/follow-ups/{follow_up.id}/done")

    again = client.get(feed_url(me), headers={"If-None-Match": etag})
    assert again.status_code == 200
    assert again.headers["ETag"] != etag
    assert todos(check_ics(again.data))[follow_up.calendar_uid]["status"] == "COMPLETED"


def test_a_dropped_follow_up_is_cancelled_in_the_feed_and_a_changed_summary_refreshes_it(
    client, signed_in, proposal, follow_up_of
):
    me = signed_in(Role.PLANNER)
    follow_up = follow_up_of(me, date(2027, 1, 31), outcome=proposal)
    client.post(f"/follow-ups/{follow_up.id}/drop")
    response = client.get(feed_url(me))
    assert todos(check_ics(response.data))[follow_up.calendar_uid]["status"] == "CANCELLED"

    client.post(
        f"/outcomes/{proposal.id}/edit",
        data={
            "kind": "sister_city_step",
            "summary": "Letter of intent to twin Khorramabad with Turkistan.",
            "day": "2026-12-16",
            "status": "agreed",
        },
    )
    again = client.get(feed_url(me), headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 200
    assert "Letter of intent to twin Khorramabad" in unfold(again.data)
