"""The office's follow-ups a page at a time, and "My follow-ups" when there are many."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from planner.accounts.models import Role
from planner.extensions import db
from planner.outcomes.models import FollowUp, FollowUpStatus

TODAY = date(2027, 1, 10)


def follow_up_titles(page: str) -> list[str]:
    return re.findall(r'class="follow-up__title"><bdi>([^<]+)</bdi>', page)


def add_follow_ups(visit, owner, count: int, title: str, due: date, **values) -> None:
    db.session.add_all(
        FollowUp(title=f"{title} {n:02}", owner=owner, visit=visit, due_date=due, **values)
        for n in range(1, count + 1)
    )
    db.session.commit()


@pytest.fixture
def planner(frozen_clock, signed_in):
    frozen_clock(datetime(2027, 1, 10, 8, tzinfo=UTC))
    return signed_in(Role.PLANNER)


def test_the_list_shows_open_follow_ups_first_soonest_due_and_filters_by_status(
    planner, visit, client
):
    add_follow_ups(visit, planner, 1, "Late", TODAY - timedelta(days=3))
    add_follow_ups(visit, planner, 1, "Soon", TODAY + timedelta(days=2))
    add_follow_ups(visit, planner, 1, "Sent", TODAY - timedelta(days=9), status=FollowUpStatus.DONE)
    assert follow_up_titles(client.get("/follow-ups").text) == ["Late 01", "Soon 01", "Sent 01"]
    assert follow_up_titles(client.get("/follow-ups?status=overdue").text) == ["Late 01"]
    assert follow_up_titles(client.get("/follow-ups?status=due").text) == ["Soon 01"]
    assert follow_up_titles(client.get("/follow-ups?status=done").text) == ["Sent 01"]
    assert client.get("/follow-ups?status=someday").status_code == 400


def test_the_list_of_one_owner_and_its_pages(planner, visit, client, create_staff):
    colleague = create_staff(Role.PLANNER, name="Kaveh Nazari")
    add_follow_ups(visit, colleague, 55, "Letter", TODAY + timedelta(days=1))
    add_follow_ups(visit, planner, 1, "Mine", TODAY + timedelta(days=1))
    page = client.get(f"/follow-ups?owner={colleague.id}").text
    assert "Follow-ups of Kaveh Nazari" in page
    assert len(follow_up_titles(page)) == 50 and "Mine 01" not in page
    assert "Page 1 of 2" in page
    second = client.get(f"/follow-ups?owner={colleague.id}&page=2").text
    assert follow_up_titles(second) == [f"Letter {n:02}" for n in range(51, 56)]
    assert client.get("/follow-ups?owner=99999").status_code == 404
    assert client.get("/follow-ups?owner=me").status_code == 400


def test_my_follow_ups_show_fifty_of_each_with_the_real_count_and_a_link_to_the_rest(
    planner, visit, client
):
    add_follow_ups(visit, planner, 53, "Late", TODAY - timedelta(days=2))
    add_follow_ups(visit, planner, 2, "Soon", TODAY + timedelta(days=2))
    page = client.get("/follow-ups/mine").text
    overdue = page.split('id="overdue-heading"', 1)[1].split("</section>", 1)[0]
    assert '<span class="count count--overdue">53</span>' in overdue
    assert len(follow_up_titles(overdue)) == 50
    assert "Showing 50 of 53." in overdue
    link = re.search(r'href="([^"]+)">See them all', overdue)[1].replace("&amp;", "&")
    assert link == f"/follow-ups?status=overdue&owner={planner.id}"
    assert len(follow_up_titles(client.get(link + "&page=2").text)) == 3
    still_open = page.split('id="open-heading"', 1)[1].split("</section>", 1)[0]
    assert (
        follow_up_titles(still_open) == ["Soon 01", "Soon 02"] and "See them all" not in still_open
    )
