"""The programme on a visit's page: each finding written once, each stop's actions leading
to that stop, and every action's form still carrying its CSRF token."""

import re
from datetime import date

import pytest
from flask import url_for

from planner import web
from planner.accounts.models import Role
from planner.extensions import db
from planner.itinerary.findings import Code
from planner.itinerary.models import StopKind
from planner.visits.views import STOP_ACTIONS

from .conftest import PASSWORD

DAY = date(2026, 12, 15)


@pytest.fixture
def clash(ambassador_visit, create_stop):
    """The head of delegation at two meetings at once: one finding about two stops."""
    head = ambassador_visit.participants[0]
    first = create_stop(ambassador_visit, DAY, "09:00", "10:00", title="Talks at the governorate")
    second = create_stop(ambassador_visit, DAY, "09:30", "10:30", kind=StopKind.MEAL, title="Tea")
    first.attendees.append(head)
    second.attendees.append(head)
    db.session.commit()
    return ambassador_visit, first, second


def test_each_finding_is_written_once_however_many_places_show_it(
    clash, signed_in, client, monkeypatch
):
    visit, first, second = clash
    signed_in(Role.PLANNER)
    written = []
    render = web.render_finding

    def counting(finding, *args, **kwargs):
        written.append(finding.code)
        return render(finding, *args, **kwargs)

    monkeypatch.setattr(web, "render_finding", counting)
    page = client.get(f"/visits/{visit.id}").text
    assert written == [Code.PERSON_DOUBLE_BOOKED]
    # In the list of checks, and on each of the two stops' cards.
    assert page.count("cannot be at") == 3


def test_each_stops_actions_lead_to_that_stop(clash, signed_in, client, app):
    visit, first, second = clash
    signed_in(Role.PLANNER)
    page = client.get(f"/visits/{visit.id}").text
    with app.test_request_context():
        for stop in (first, second):
            card = page[page.index(f'id="stop-{stop.id}"') :]
            card = re.split(r'<li class="stop |</ol>', card)[0]
            for endpoint in STOP_ACTIONS:
                url = url_for(endpoint, visit_id=visit.id, stop_id=stop.id)
                assert f'"{url}"' in card, endpoint


@pytest.fixture
def csrf_client(app):
    app.config["WTF_CSRF_ENABLED"] = True  # the app fixture restores the test settings
    return app.test_client()


def test_the_stop_forms_carry_a_token_and_a_post_without_one_is_refused(
    clash, csrf_client, create_staff
):
    visit, first, _ = clash
    user = create_staff(Role.PLANNER)
    sign_in = csrf_client.get("/sign-in").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', sign_in).group(1)
    csrf_client.post(
        "/sign-in", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    page = csrf_client.get(f"/visits/{visit.id}").text
    forms = re.findall(r'<form method="post" action="([^"]+)"[^>]*>\s*<input [^>]*csrf_token', page)
    duplicate = url_for_stop(page, first.id, "duplicate")
    assert duplicate in forms
    assert len(forms) == 2 * len(visit.stops)  # duplicate and set attendees, on each stop
    assert csrf_client.post(duplicate).status_code == 400
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert csrf_client.post(duplicate, data={"csrf_token": token}).status_code == 302


def url_for_stop(page: str, stop_id: int, action: str) -> str:
    return re.search(rf'action="([^"]*/stops/{stop_id}/{action})"', page).group(1)
