"""A visit page's programme and participants are kept (planner/programmes/kept.py) and
never shown stale.

Every change that either shows, made as the office would make it (through the pages or by
changing the records, each committed), is on the page at the next request, after a request
that kept the page as it was before.
"""

from datetime import date, time

import pytest

from planner.accounts.models import Role
from planner.extensions import db
from planner.itinerary.models import Stop, StopKind, StopStatus
from planner.organizations.models import Organization, OrganizationKind
from planner.people.models import Person
from planner.timefmt import local_to_utc
from planner.venues import operations as venue_operations
from planner.venues.models import TravelTime, Venue, VenueClosure, VenueKind
from planner.visits.models import Participant, ParticipantRole, Side

DAY = date(2026, 12, 15)  # a Tuesday


@pytest.fixture
def office(ambassador_visit, create_visit, create_stop, add_participant, castle):
    """The ambassador at the castle on the visit's first day; another visit, in the same
    days, that no stop of the first shares yet."""
    visit = ambassador_visit
    head = visit.participants[0]
    guide = add_participant(visit, "Leila Karimi", side=Side.HOST, role=ParticipantRole.HOST)
    tour = create_stop(visit, DAY, "10:00", "11:00", title="Castle tour", venue=castle)
    tour.attendees.extend([head, guide])
    museum = Venue(
        name="Lorestan museum",
        kind=VenueKind.CULTURAL_SITE,
        timezone="Asia/Tehran",
        latitude=33.49,
        longitude=48.36,
    )
    db.session.add(museum)
    lunch = create_stop(visit, DAY, "11:30", "12:30", title="Lunch", venue=museum)
    lunch.attendees.append(head)
    other = create_visit(title="Visit of the Turkish consul", visiting_country="TR")
    db.session.commit()
    return {
        **{"visit": visit, "tour": tour, "lunch": lunch, "head": head, "guide": guide},
        **{"castle": castle, "museum": museum, "other": other},
    }


def programme(client, visit) -> str:
    """The programme and the participants: what is kept (the outcomes between them are not)."""
    page = client.get(f"/visits/{visit.id}").text
    return page[page.index('id="programme-heading"') : page.index("</main>")]


def move_the_tour(o, client):
    response = client.post(
        f"/visits/{o['visit'].id}/stops/{o['tour'].id}/shift", data={"minutes": "30"}
    )
    assert response.status_code == 302
    return "10:30"


def rename_the_tour(o, client):
    o["tour"].title = "Tour of the castle walls"
    return "Tour of the castle walls"


def cancel_the_tour(o, client):
    o["tour"].status = StopStatus.CANCELLED
    return "<del><bdi>Castle tour</bdi></del>"


def move_the_tour_to_the_museum(o, client):
    o["tour"].venue = o["museum"]
    return '<bdi>Castle tour</bdi></h4>\n<p class="stop__venue"><bdi>Lorestan museum</bdi>'


def everyone_attends_lunch(o, client):
    response = client.post(
        f"/visits/{o['visit'].id}/stops/{o['lunch'].id}/attendees", data={"preset": "everyone"}
    )
    assert response.status_code == 302
    return o["lunch"], "<bdi>Yerlan Abenov</bdi>, <bdi>Leila Karimi</bdi></p>"


def rename_the_guide(o, client):
    o["guide"].person.full_name_latin = "Leila Karimi-Rad"
    return "Leila Karimi-Rad"


def rename_the_castle(o, client):
    o["castle"].name = "Falak-ol-Aflak fortress"
    return "Falak-ol-Aflak fortress"


def remove_the_guide(o, client):
    db.session.delete(o["guide"])
    return o["tour"], "<bdi>Yerlan Abenov</bdi></p>"


def another_visit_books_the_castle(o, client):
    db.session.add(
        Stop(
            visit=o["other"],
            kind=StopKind.OFFICIAL_MEETING,
            title="Consul reception",
            starts_at=local_to_utc(DAY, time(10, 30), "Asia/Tehran"),
            ends_at=local_to_utc(DAY, time(11, 30), "Asia/Tehran"),
            venue=o["castle"],
        )
    )
    return "is booked by another visit for “<bdi>Consul reception</bdi>”"


def the_castle_opens_only_on_another_day(o, client):
    # Three days on from DAY's weekday whether weeks start on Monday or on Sunday.
    venue_operations.set_opening_hours(
        o["castle"], {(DAY.weekday() + 3) % 7: [(time(9), time(17))]}
    )
    return "is closed on"


def the_castle_closes_that_day(o, client):
    o["castle"].closures.append(VenueClosure(day=DAY, reason="Repairs"))
    return "is closed on"


def the_drive_is_long(o, client):
    db.session.add(TravelTime.between(o["castle"].id, o["museum"].id, 45, None))
    return "min from"


def the_visit_ends_a_day_later(o, client):
    o["visit"].end_date = date(2026, 12, 17)
    return "Day 3"


def the_delegation_is_from_elsewhere(o, client):
    o["visit"].delegation_timezone = "Asia/Tokyo"
    return "Tokyo"


def the_guide_joins_an_organization(o, client):
    o["guide"].person.organization = Organization(
        name="Lorestan Chamber of Commerce", kind=OrganizationKind.CHAMBER_OF_COMMERCE, country="IR"
    )
    return "<bdi>Lorestan Chamber of Commerce</bdi>"


def the_guides_organization_is_renamed(o, client):
    the_guide_joins_an_organization(o, client)
    db.session.commit()
    client.get(f"/visits/{o['visit'].id}")  # kept with the old name
    o["guide"].person.organization.name = "Chamber of Commerce of Lorestan"
    return "<bdi>Chamber of Commerce of Lorestan</bdi>"


def the_guide_is_promoted(o, client):
    o["guide"].person.position = "Director of protocol"
    return "<bdi>Director of protocol</bdi>"


def the_guide_goes_first(o, client):
    o["guide"].precedence = 7
    return "Precedence 7"


def a_participant_is_added(o, client):
    person = Person(full_name_latin="Sara Ahmadi", full_name_native="سارا احمدی", languages=["fa"])
    db.session.add(
        Participant(visit=o["visit"], person=person, side=Side.HOST, role=ParticipantRole.HOST)
    )
    return "<bdi>Sara Ahmadi</bdi>"


def the_head_speaks_nothing_in_common(o, client):
    o["guide"].person.languages = ["fa"]
    o["head"].person.languages = ["kk"]
    return "share no language"


def card(programme: str, stop) -> str:
    """The stop's card in the programme, or the whole programme."""
    if stop is None:
        return programme
    card = programme[programme.index(f'id="stop-{stop.id}"') :]
    return card[: card.index("</li>")]


CHANGES = [
    move_the_tour,
    rename_the_tour,
    cancel_the_tour,
    move_the_tour_to_the_museum,
    everyone_attends_lunch,
    rename_the_guide,
    rename_the_castle,
    remove_the_guide,
    another_visit_books_the_castle,
    the_castle_opens_only_on_another_day,
    the_castle_closes_that_day,
    the_drive_is_long,
    the_visit_ends_a_day_later,
    the_delegation_is_from_elsewhere,
    the_head_speaks_nothing_in_common,
    the_guide_joins_an_organization,
    the_guides_organization_is_renamed,
    the_guide_is_promoted,
    the_guide_goes_first,
    a_participant_is_added,
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__)
def test_the_programme_shows_each_change_at_the_next_request(
    change, office, signed_in, client, app
):
    visit = office["visit"]
    signed_in(Role.PLANNER)
    before = programme(client, visit)
    assert programme(client, visit) == before  # kept: the same programme again
    kept = app.extensions["kept_programmes"]
    assert len(kept) == 1
    shown = change(office, client)
    db.session.commit()
    db.session.expire_all()
    stop, shown = shown if isinstance(shown, tuple) else (None, shown)
    assert shown not in card(before, stop)
    assert shown in card(programme(client, visit), stop)


def test_a_binned_stop_leaves_the_kept_programme(office, signed_in, client):
    visit, lunch = office["visit"], office["lunch"]
    signed_in(Role.PLANNER)
    assert f'id="stop-{lunch.id}"' in programme(client, visit)
    assert client.post(f"/visits/{visit.id}/stops/{lunch.id}/delete").status_code == 302
    assert f'id="stop-{lunch.id}"' not in programme(client, visit)


def test_another_visit_binned_takes_its_finding_away(office, signed_in, client):
    visit = office["visit"]
    signed_in(Role.PLANNER)
    another_visit_books_the_castle(office, client)
    db.session.commit()
    assert "booked by another visit" in programme(client, visit)
    response = client.post(f"/visits/{office['other'].id}/delete")
    assert response.status_code == 302
    assert "booked by another visit" not in programme(client, visit)


def test_each_reader_gets_their_own_programme(office, signed_in, auth, client, app):
    """The role and the language are in the key: a viewer never gets a planner's buttons,
    a Persian reader never the English programme."""
    visit = office["visit"]
    signed_in(Role.PLANNER)
    assert '/edit"' in programme(client, visit)
    auth.logout()
    signed_in(Role.VIEWER)
    assert '/edit"' not in programme(client, visit)
    auth.logout()
    reader = signed_in(Role.VIEWER)
    reader.locale = "fa"
    db.session.commit()
    persian = programme(client, visit)
    assert "روز" in persian  # the days' headings
    assert '/edit"' not in persian
    assert len(app.extensions["kept_programmes"]) == 3


def test_nothing_of_the_request_is_kept(office, signed_in, client, app):
    """The CSRF token, the flash and the reader's name are in the page, not the programme."""
    visit = office["visit"]
    user = signed_in(Role.PLANNER)
    client.get(f"/visits/{visit.id}")
    (body,) = app.extensions["kept_programmes"]._entries.values()
    assert b"csrf_token" not in body
    assert user.email.encode() not in body
    assert user.name.encode() not in body


def test_a_person_renamed_elsewhere_is_renamed_here(office, signed_in, client):
    """A person's name lives on their person row: the programme of each of their visits."""
    visit = office["visit"]
    signed_in(Role.PLANNER)
    programme(client, visit)
    person = db.session.get(Person, office["head"].person_id)
    person.full_name_latin = "Yerlan Abenov-Kazakh"
    db.session.commit()
    assert "Yerlan Abenov-Kazakh" in programme(client, visit)


def timeline(client, visit) -> str:
    """What is kept of the timeline: all under the flashes."""
    page = client.get(f"/visits/{visit.id}/timeline").text
    return page[page.index('<nav class="breadcrumb') : page.index("</main>")]


# Changes the timeline shows (it has no participants' table, no organizations).
TIMELINE_CHANGES = [
    move_the_tour,
    rename_the_tour,
    cancel_the_tour,
    rename_the_castle,
    another_visit_books_the_castle,
    the_castle_opens_only_on_another_day,
    the_castle_closes_that_day,
    the_drive_is_long,
    the_visit_ends_a_day_later,
    the_delegation_is_from_elsewhere,
    the_head_speaks_nothing_in_common,
]


@pytest.mark.parametrize("change", TIMELINE_CHANGES, ids=lambda change: change.__name__)
def test_the_timeline_shows_each_change_at_the_next_request(change, office, signed_in, client):
    visit = office["visit"]
    signed_in(Role.PLANNER)
    before = timeline(client, visit)
    assert timeline(client, visit) == before  # kept
    change(office, client)
    db.session.commit()
    db.session.expire_all()
    assert timeline(client, visit) != before
