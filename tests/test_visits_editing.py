"""Planners create, edit, bin, restore and copy visits through the pages; viewers only read."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from planner.accounts.models import Role
from planner.extensions import db
from planner.itinerary.models import Stop, StopStatus
from planner.organizations.models import Organization, OrganizationKind
from planner.timefmt import to_local
from planner.types import utcnow
from planner.visits.models import ParticipantRole, Side, Visit, VisitStatus
from planner.visits.operations import copy_as_return_visit
from tests.conftest import chosen


def visit_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Visit.id)))


def visit_form(**changes) -> dict:
    data = {
        "title": "Visit of the Governor of Kostanay Region",
        "visiting_country": "KZ",
        "visiting_organization_id": "",
        "host_organization_id": "",
        "host_region": "Lorestan",
        "host_city": "Khorramabad",
        "start_date": "2027-03-01",
        "end_date": "2027-03-03",
        "timezone": "Asia/Tehran",
        "delegation_timezone": "Asia/Almaty",
        "status": "proposed",
        "purpose": "Grain imports and flour exports.",
        "notes": "Prefers morning meetings.",
    }
    data.update(changes)
    return data


@pytest.fixture
def chamber(app):
    organization = Organization(
        name="Lorestan Chamber of Commerce",
        kind=OrganizationKind.CHAMBER_OF_COMMERCE,
        country="IR",
        city="Khorramabad",
    )
    db.session.add(organization)
    db.session.commit()
    return organization


def test_planner_creates_a_visit_from_the_new_visit_button(client, signed_in, chamber):
    signed_in(Role.PLANNER)
    assert 'href="/visits/new"' in client.get("/").text
    page = client.get("/visits/new")
    assert page.status_code == 200
    assert 'value="Asia/Tehran"' in page.text  # the office's zone is the default
    assert "Lorestan Chamber of Commerce" in page.text

    response = client.post("/visits/new", data=visit_form(host_organization_id=str(chamber.id)))

    assert response.status_code == 302, response.text
    visit = db.session.scalars(sa.select(Visit)).one()
    assert response.location == f"/visits/{visit.id}"
    assert visit.visiting_country == "KZ"
    assert visit.host_organization_id == chamber.id
    assert visit.visiting_organization_id is None
    assert (visit.start_date, visit.end_date) == (date(2027, 3, 1), date(2027, 3, 3))
    assert visit.delegation_timezone == "Asia/Almaty"
    assert visit.status == VisitStatus.PROPOSED
    assert visit.notes == "Prefers morning meetings."
    assert "Visit of the Governor of Kostanay Region" in client.get(response.location).text


def test_planner_edits_a_visit_and_sees_the_change(client, signed_in, create_visit, chamber):
    visit = create_visit()
    signed_in(Role.PLANNER)
    form_page = client.get(f"/visits/{visit.id}/edit")
    assert form_page.status_code == 200
    assert 'value="Visit of the Ambassador of Kazakhstan"' in form_page.text

    response = client.post(
        f"/visits/{visit.id}/edit",
        data=visit_form(title="Ambassador's visit, second day added", delegation_timezone=""),
    )

    assert response.status_code == 302, response.text
    db.session.expire_all()
    assert visit.title == "Ambassador's visit, second day added"
    assert visit.delegation_timezone is None
    assert visit.host_organization_id is None
    page = client.get(f"/visits/{visit.id}").text
    assert "Ambassador&#39;s visit, second day added" in page


@pytest.mark.parametrize(
    ("changes", "field_error"),
    [
        ({"start_date": "2027-03-05", "end_date": "2027-03-04"}, "cannot end before it starts"),
        ({"timezone": "Tehran/Asia"}, "“Tehran/Asia” is an unknown time zone"),
        ({"delegation_timezone": "Almaty"}, "“Almaty” is an unknown time zone"),
        ({"visiting_country": "XX"}, "Choose a country from the list."),
        ({"visiting_country": "Kazakhstan"}, "Choose a country from the list."),
        ({"visiting_country": "Ka"}, "Choose a country from the list."),
        ({"visiting_country": ""}, "This field is required"),
        ({"title": "  "}, "This field is required"),
    ],
)
def test_bad_visit_input_is_refused_with_a_field_error_and_nothing_saved(
    client, signed_in, create_visit, changes, field_error
):
    visit = create_visit()
    signed_in(Role.PLANNER)

    created = client.post("/visits/new", data=visit_form(**changes))
    edited = client.post(f"/visits/{visit.id}/edit", data=visit_form(**changes))

    for response in (created, edited):
        assert response.status_code == 400
        assert field_error in response.text
        assert 'class="field-error"' in response.text
    assert visit_count() == 1
    db.session.expire_all()
    assert visit.title == "Visit of the Ambassador of Kazakhstan"
    assert visit.timezone == "Asia/Tehran"
    assert visit.visiting_country == "KZ"


def test_viewer_cannot_create_edit_or_delete_a_visit(client, signed_in, create_visit):
    visit = create_visit()
    signed_in(Role.VIEWER)
    assert 'href="/visits/new"' not in client.get("/").text
    page = client.get(f"/visits/{visit.id}").text
    assert f'href="/visits/{visit.id}/edit"' not in page
    assert f'href="/visits/{visit.id}/delete"' not in page

    assert client.get("/visits/new").status_code == 403
    assert client.post("/visits/new", data=visit_form()).status_code == 403
    assert client.get(f"/visits/{visit.id}/edit").status_code == 403
    assert client.post(f"/visits/{visit.id}/edit", data=visit_form()).status_code == 403
    assert client.post(f"/visits/{visit.id}/delete").status_code == 403
    assert client.post(f"/visits/{visit.id}/return-visit").status_code == 403

    assert visit_count() == 1
    db.session.expire_all()
    assert visit.title == "Visit of the Ambassador of Kazakhstan"
    assert visit.deleted_at is None


def test_moving_the_dates_away_from_planned_stops_warns_how_many_fall_outside(
    client, signed_in, create_visit, create_stop
):
    visit = create_visit()
    create_stop(visit, date(2026, 12, 15), "09:00", "10:00", title="Welcome meeting")
    create_stop(visit, date(2026, 12, 16), "09:00", "10:00", title="Factory tour")
    create_stop(visit, date(2026, 12, 16), "11:00", "12:00", title="Castle")
    signed_in(Role.PLANNER)

    response = client.post(
        f"/visits/{visit.id}/edit",
        data=visit_form(start_date="2026-12-15", end_date="2026-12-15"),
        follow_redirects=True,
    )

    assert response.status_code == 200
    assert "2 stops now fall outside the visit&#39;s dates" in response.text
    db.session.expire_all()
    assert visit.end_date == date(2026, 12, 15)
    assert len(visit.live_stops) == 3  # nothing moved or lost


def test_deleting_a_visit_asks_first_then_bins_it_and_restore_brings_it_back_with_its_stops(
    client, signed_in, create_visit, create_stop, add_participant
):
    visit = create_visit()
    kept = create_stop(visit, date(2026, 12, 15), "09:00", "10:00", title="Welcome meeting")
    create_stop(visit, date(2026, 12, 16), "10:00", "11:30", title="Falak-ol-Aflak castle")
    create_stop(visit, date(2026, 12, 16), "13:00", "14:00", title="Old lunch", deleted_at=utcnow())
    add_participant(visit, "Yerlan Abenov", role=ParticipantRole.HEAD_OF_DELEGATION, precedence=1)
    signed_in(Role.PLANNER)

    confirm = client.get(f"/visits/{visit.id}/delete")
    assert confirm.status_code == 200
    assert "2 stops in the programme" in confirm.text
    assert "1 participant" in confirm.text
    db.session.expire_all()
    assert visit.deleted_at is None  # asking changes nothing

    response = client.post(f"/visits/{visit.id}/delete")
    assert response.status_code == 302
    assert response.location == "/"
    listing = client.get("/").text
    assert "is in the bin" in listing
    assert f'href="/visits/{visit.id}"' not in listing
    assert client.get(f"/visits/{visit.id}").status_code == 404
    assert client.get(f"/visits/{visit.id}/edit").status_code == 404
    bin_page = client.get("/visits/bin")
    assert bin_page.status_code == 200
    assert "Visit of the Ambassador of Kazakhstan" in bin_page.text
    assert f'action="/visits/{visit.id}/restore"' in bin_page.text

    response = client.post(f"/visits/{visit.id}/restore")
    assert response.location == f"/visits/{visit.id}"
    page = client.get(f"/visits/{visit.id}")
    assert page.status_code == 200
    assert "Welcome meeting" in page.text and "Falak-ol-Aflak castle" in page.text
    assert "Old lunch" not in page.text  # a stop binned before stays in the bin
    db.session.expire_all()
    assert visit.deleted_at is None
    assert db.session.get(Stop, kept.id).deleted_at is None
    assert f'action="/visits/{visit.id}/restore"' not in client.get("/visits/bin").text


def original_state(visit: Visit) -> dict:
    return {
        "title": visit.title,
        "status": visit.status,
        "dates": (visit.start_date, visit.end_date),
        "zones": (visit.timezone, visit.delegation_timezone),
        "participants": sorted((p.person_id, p.side, p.role) for p in visit.participants),
        "stops": sorted(
            (s.calendar_uid, s.starts_at, s.venue_id, s.staff_notes, s.sequence)
            for s in visit.stops
        ),
    }


def test_demo_visit_copied_as_return_visit_swaps_the_sides(client, signed_in, demo_visit):
    original = demo_visit
    before = original_state(original)
    signed_in(Role.PLANNER)
    form = client.get(f"/visits/{original.id}/return-visit")
    assert form.status_code == 200
    assert "Return visit: Visit of the Ambassador of Kazakhstan to Lorestan" in form.text
    assert chosen(form.text, "visiting_country") == ["IR"]  # the chamber's: the hosts travel
    assert 'value="Asia/Almaty"' in form.text

    response = client.post(
        f"/visits/{original.id}/return-visit",
        data={
            "start_date": "2027-05-10",
            "title": "Lorestan delegation to Kazakhstan",
            "visiting_country": "IR",
            "timezone": "Asia/Almaty",
        },
    )

    assert response.status_code == 302, response.text
    db.session.expire_all()
    copy = db.session.scalars(sa.select(Visit).where(Visit.copied_from_id == original.id)).one()
    assert response.location == f"/visits/{copy.id}"
    assert copy.status == VisitStatus.DRAFT
    assert copy.copied_from_id == original.id
    assert copy.title == "Lorestan delegation to Kazakhstan"
    assert (copy.start_date, copy.end_date) == (date(2027, 5, 10), date(2027, 5, 11))
    assert copy.visiting_country == "IR"
    assert (copy.timezone, copy.delegation_timezone) == ("Asia/Almaty", "Asia/Tehran")
    assert copy.visiting_organization_id == original.host_organization_id
    assert copy.host_organization_id == original.visiting_organization_id

    # Sides swapped, support staff stay home, the first host leads the new delegation.
    roles = {p.person.full_name_latin: (p.side, p.role) for p in copy.participants}
    assert roles["Farhad Beiranvand"] == (Side.DELEGATION, ParticipantRole.HEAD_OF_DELEGATION)
    assert roles["Bahram Sepahvand"] == (Side.DELEGATION, ParticipantRole.HOST)
    assert roles["Nurlan Zhaksylykov"] == (Side.HOST, ParticipantRole.HOST)
    assert roles["Daniyar Omarov"] == (Side.HOST, ParticipantRole.DELEGATE)
    assert not copy.participants_on(Side.SUPPORT)
    assert "Dana Sarsenbayeva" not in roles
    assert len(copy.participants_on(Side.DELEGATION)) == len(original.participants_on(Side.HOST))
    assert len(copy.participants_on(Side.HOST)) == len(original.participants_on(Side.DELEGATION))

    originals = sorted(
        (s for s in original.live_stops if not s.is_cancelled), key=lambda s: s.starts_at
    )
    copies = sorted(copy.stops, key=lambda s: s.starts_at)
    assert [s.title for s in copies] == [s.title for s in originals]
    original_uids = {s.calendar_uid for s in originals}
    for old, new in zip(originals, copies, strict=True):
        old_start, new_start = (
            to_local(old.starts_at, "Asia/Tehran"),
            to_local(new.starts_at, "Asia/Almaty"),
        )
        assert new_start.time() == old_start.time()
        assert new_start.date() - copy.start_date == old_start.date() - original.start_date
        assert (
            to_local(new.ends_at, "Asia/Almaty").time()
            == to_local(old.ends_at, "Asia/Tehran").time()
        )
        assert (new.kind, new.public_description) == (old.kind, old.public_description)
        assert new.venue_id is None and new.staff_notes is None
        assert new.status == StopStatus.PLANNED
        assert new.calendar_uid not in original_uids
        assert {p.person_id for p in new.attendees} == {
            p.person_id for p in old.attendees if p.side != Side.SUPPORT
        }
        assert all(p.visit_id == copy.id for p in new.attendees)

    assert original_state(original) == before
    page = client.get(response.location).text
    assert "Copied from" in page and original.title in page


def test_return_visit_of_a_visit_without_a_home_zone_asks_for_one(client, signed_in, create_visit):
    visit = create_visit(delegation_timezone=None)
    signed_in(Role.PLANNER)
    form = client.get(f"/visits/{visit.id}/return-visit").text
    assert 'value="IR"' in form  # no host organization: the country of the host's zone

    data = {"start_date": "2027-05-10", "title": "Return", "visiting_country": "IR"}
    response = client.post(f"/visits/{visit.id}/return-visit", data={**data, "timezone": ""})
    assert response.status_code == 400
    assert "This field is required" in response.text
    response = client.post(
        f"/visits/{visit.id}/return-visit", data={**data, "timezone": "Tehran/Asia"}
    )
    assert response.status_code == 400
    assert "unknown time zone" in response.text
    assert visit_count() == 1

    response = client.post(
        f"/visits/{visit.id}/return-visit", data={**data, "timezone": "Asia/Almaty"}
    )
    assert response.status_code == 302


def test_return_visit_keeps_its_length_from_the_new_first_day(
    client, signed_in, create_visit, create_stop
):
    visit = create_visit(start_date=date(2026, 12, 15), end_date=date(2026, 12, 18))
    create_stop(visit, date(2026, 12, 17), "23:30", "23:59", title="Late train")
    signed_in(Role.PLANNER)
    data = {"start_date": "2027-01-04", "title": "Return", "visiting_country": "IR"}
    client.post(f"/visits/{visit.id}/return-visit", data={**data, "timezone": "Asia/Almaty"})
    copy = db.session.scalars(sa.select(Visit).where(Visit.copied_from_id == visit.id)).one()
    assert copy.end_date - copy.start_date == timedelta(days=3)
    (stop,) = copy.stops
    local = to_local(stop.starts_at, "Asia/Almaty")
    assert (local.date(), local.strftime("%H:%M")) == (date(2027, 1, 6), "23:30")


def test_return_visit_stop_in_a_skipped_hour_keeps_its_length(
    create_visit, create_stop, create_staff
):
    visit = create_visit(start_date=date(2026, 12, 15), end_date=date(2026, 12, 15))
    create_stop(visit, date(2026, 12, 15), "02:30", "03:30", title="Night arrival")
    planner = create_staff(Role.PLANNER)

    # Berlin skips 02:00-03:00 on 28 March 2027.
    copy = copy_as_return_visit(
        db.session,
        visit,
        acting=planner,
        start_date=date(2027, 3, 28),
        title="Return",
        visiting_country="IR",
        timezone="Europe/Berlin",
    )

    (stop,) = copy.stops
    assert stop.ends_at - stop.starts_at == timedelta(hours=1)
    assert to_local(stop.starts_at, "Europe/Berlin").date() == date(2027, 3, 28)
