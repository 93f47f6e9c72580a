"""The programme on a visit's page: each finding written once, each stop linking to its own
page, which offers what else can be done with the stop, its one form carrying a token."""

import re
from datetime import date

import pytest
from flask import url_for

from planner import web
from planner.accounts.models import Role
from planner.extensions import db
from planner.itinerary.findings import Code
from planner.itinerary.models import StopKind

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
    # In the list of checks only; each of the two stops' cards links to it there.
    assert page.count("cannot be at") == 1
    assert 'id="finding-1"' in page
    for stop in (first, second):
        card = page[page.index(f'id="stop-{stop.id}"') :]
        card = re.split(r'<li class="stop |</ol>', card)[0]
        assert 'href="#finding-1"' in card


# What a stop's page offers besides its form (templates/itinerary/stop_form.html).
STOP_ACTIONS = (
    "itinerary.shift_stops",
    "itinerary.duplicate_stop",
    "itinerary.set_attendees",
    "itinerary.delete_stop",
)


def card_of(page: str, stop) -> str:
    card = page[page.index(f'id="stop-{stop.id}"') :]
    return re.split(r'<li class="stop |</ol>', card)[0]


def test_each_stop_links_to_its_page_and_its_page_to_each_action(clash, signed_in, client, app):
    visit, first, second = clash
    signed_in(Role.PLANNER)
    page = client.get(f"/visits/{visit.id}").text
    assert "<form" not in page[page.index('id="programme-heading"') :]
    with app.test_request_context():
        for stop in (first, second):
            ids = {"visit_id": visit.id, "stop_id": stop.id}
            edit = url_for("itinerary.edit_stop", **ids)
            assert f'href="{edit}"' in card_of(page, stop)
            stop_page = client.get(edit).text
            for endpoint in STOP_ACTIONS:
                assert f'"{url_for(endpoint, **ids)}"' in stop_page, endpoint


def test_a_viewer_sees_no_stop_links(clash, signed_in, client):
    visit, first, _ = clash
    signed_in(Role.VIEWER)
    page = client.get(f"/visits/{visit.id}").text
    assert "/edit" not in card_of(page, first)


@pytest.fixture
def csrf_client(app):
    app.config["WTF_CSRF_ENABLED"] = True  # the app fixture restores the test settings
    return app.test_client()


def test_duplicate_on_a_stops_page_carries_a_token_and_a_post_without_one_is_refused(
    clash, csrf_client, create_staff
):
    visit, first, _ = clash
    user = create_staff(Role.PLANNER)
    sign_in = csrf_client.get("/sign-in").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', sign_in).group(1)
    csrf_client.post(
        "/sign-in", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    page = csrf_client.get(f"/visits/{visit.id}/stops/{first.id}/edit").text
    duplicate = re.search(rf'action="([^"]*/stops/{first.id}/duplicate)"', page).group(1)
    form = page[page.index(f'action="{duplicate}"') :].split("</form>", 1)[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    assert csrf_client.post(duplicate).status_code == 400
    assert csrf_client.post(duplicate, data={"csrf_token": token}).status_code == 302


def test_the_participants_links_lead_to_each_participant(ambassador_visit, signed_in, client, app):
    signed_in(Role.PLANNER)
    page = client.get(f"/visits/{ambassador_visit.id}").text
    with app.test_request_context():
        for participant in ambassador_visit.participants:
            ids = {"visit_id": ambassador_visit.id, "participant_id": participant.id}
            for endpoint in (
                "visits.edit_participant",
                "visits.remove_participant",
                "programmes.participant_programme",
            ):
                assert f'href="{url_for(endpoint, **ids)}"' in page, endpoint


def test_a_stops_attendees_page_offers_the_presets_and_sets_one(clash, signed_in, client):
    visit, first, _ = clash
    signed_in(Role.PLANNER)
    url = f"/visits/{visit.id}/stops/{first.id}/attendees"
    page = client.get(url).text
    assert [value for value in ("delegation", "hosts", "everyone") if f'value="{value}"' in page]
    assert client.post(url, data={"preset": "everyone"}).status_code == 302
    assert len(first.attendees) == len(visit.participants)


def test_a_viewer_cannot_open_a_stops_attendees_page(clash, signed_in, client):
    visit, first, _ = clash
    signed_in(Role.VIEWER)
    assert client.get(f"/visits/{visit.id}/stops/{first.id}/attendees").status_code == 403
