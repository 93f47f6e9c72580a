"""Planners add, edit and remove the people taking part in a visit."""

from datetime import date

import pytest
import sqlalchemy as sa

from planner.accounts.models import Role
from planner.extensions import db
from planner.itinerary.models import Stop
from planner.people.models import Person
from planner.visits.models import Participant, ParticipantRole, Side
from planner.visits.operations import remove_participant


def participant_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Participant.id)))


def test_planner_adds_a_chamber_president_as_host(client, signed_in, ambassador_visit, person):
    president = person("Bahram Sepahvand", position="President, Lorestan Chamber of Commerce")
    signed_in(Role.PLANNER)
    page = client.get(f"/visits/{ambassador_visit.id}")
    assert f'href="/visits/{ambassador_visit.id}/participants/new"' in page.text
    form = client.get(f"/visits/{ambassador_visit.id}/participants/new").text
    assert "Bahram Sepahvand (President, Lorestan Chamber of Commerce)" in form
    assert ">Yerlan Abenov</option>" not in form  # already in the visit

    response = client.post(
        f"/visits/{ambassador_visit.id}/participants/new",
        data={"person": president.id, "side": "host", "role": "host", "precedence": "1"},
    )

    assert response.status_code == 302, response.text
    participant = db.session.scalars(
        sa.select(Participant).where(Participant.person_id == president.id)
    ).one()
    assert (participant.side, participant.role, participant.precedence) == (
        Side.HOST,
        ParticipantRole.HOST,
        1,
    )
    assert participant.interpreting_languages == []
    page = client.get(f"/visits/{ambassador_visit.id}").text
    section = page[page.index('id="participants"') :]
    assert section.index("Yerlan Abenov") < section.index("Bahram Sepahvand")  # delegation first


def test_participants_are_listed_by_precedence_within_their_side(
    client, signed_in, create_visit, add_participant
):
    visit = create_visit()
    add_participant(visit, "Third delegate", precedence=3)
    add_participant(visit, "First delegate", precedence=1)
    add_participant(visit, "Second delegate", precedence=2)
    signed_in(Role.VIEWER)
    page = client.get(f"/visits/{visit.id}").text
    assert page.index("First delegate") < page.index("Second delegate") < page.index("Third")
    # A viewer can read each programme but gets no edit or remove links.
    assert "/participants/" in page and "/programme" in page
    assert "/edit" not in page and "/remove" not in page


def test_planner_edits_a_participants_role_and_precedence(
    client, signed_in, ambassador_visit, add_participant
):
    counsellor = add_participant(ambassador_visit, "Daniyar Omarov", precedence=5)
    signed_in(Role.PLANNER)
    url = f"/visits/{ambassador_visit.id}/participants/{counsellor.id}"
    form = client.get(url)
    assert form.status_code == 200
    assert 'name="person"' not in form.text  # the person stays; only their part changes

    response = client.post(
        url,
        data={
            "side": "delegation",
            "role": "interpreter",
            "precedence": "2",
            "interpreting_languages": ["ru", "kk", "fa"],
        },
    )

    assert response.status_code == 302, response.text
    db.session.expire_all()
    assert counsellor.role == ParticipantRole.INTERPRETER
    assert counsellor.precedence == 2
    assert counsellor.interpreting_languages == ["fa", "kk", "ru"]
    assert "Interprets" in client.get(f"/visits/{ambassador_visit.id}").text


def test_removing_a_participant_asks_first_and_takes_them_off_every_stop(
    client, signed_in, ambassador_visit, add_participant, create_stop
):
    mayor = add_participant(ambassador_visit, "Reza Hassanvand", side=Side.HOST)
    mayor_person_id = mayor.person_id
    head = ambassador_visit.head_of_delegation
    lunch = create_stop(ambassador_visit, date(2026, 12, 16), "12:30", "13:45", title="Lunch")
    signing = create_stop(ambassador_visit, date(2026, 12, 16), "14:15", "15:15", title="Signing")
    lunch.attendees.extend([head, mayor])
    signing.attendees.append(mayor)
    db.session.commit()
    signed_in(Role.PLANNER)
    url = f"/visits/{ambassador_visit.id}/participants/{mayor.id}/remove"

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "2 stops they attend" in confirm.text
    assert "Lunch" in confirm.text and "Signing" in confirm.text
    assert participant_count() == 2  # asking changes nothing

    response = client.post(url)

    assert response.status_code == 302
    assert participant_count() == 1
    db.session.expire_all()
    assert [p.person.full_name_latin for p in db.session.get(Stop, lunch.id).attendees] == [
        "Yerlan Abenov"
    ]
    assert db.session.get(Stop, signing.id).attendees == []
    assert db.session.get(Person, mayor_person_id) is not None  # still one of the people
    page = client.get(f"/visits/{ambassador_visit.id}").text
    assert "Reza Hassanvand" not in page[page.index('id="participants"') :]


def test_a_second_head_of_delegation_is_refused(client, signed_in, ambassador_visit, person):
    deputy = person("Nurlan Zhaksylykov")
    signed_in(Role.PLANNER)

    response = client.post(
        f"/visits/{ambassador_visit.id}/participants/new",
        data={
            "person": deputy.id,
            "side": "delegation",
            "role": "head_of_delegation",
            "precedence": "2",
        },
    )

    assert response.status_code == 400
    assert "Yerlan Abenov is already the head of delegation" in response.text
    assert 'class="field-error"' in response.text
    assert participant_count() == 1


def test_making_a_delegate_head_when_there_is_one_already_is_refused(
    client, signed_in, ambassador_visit, add_participant
):
    delegate = add_participant(ambassador_visit, "Daniyar Omarov", precedence=2)
    signed_in(Role.PLANNER)
    response = client.post(
        f"/visits/{ambassador_visit.id}/participants/{delegate.id}",
        data={"side": "delegation", "role": "head_of_delegation", "precedence": "2"},
    )
    assert response.status_code == 400
    assert "already the head of delegation" in response.text
    db.session.expire_all()
    assert delegate.role == ParticipantRole.DELEGATE


@pytest.mark.parametrize(
    ("languages", "error"),
    [
        ("", "An interpreter needs at least two languages"),
        (["kk"], "An interpreter needs at least two languages"),
        (["kk", "kk"], "An interpreter needs at least two languages"),
        (["kk", "xx", "qq"], "Choose the languages from the list."),
        (["kazakh", "persian"], "Choose the languages from the list."),
    ],
)
def test_interpreter_without_two_known_languages_is_refused(
    client, signed_in, ambassador_visit, person, languages, error
):
    interpreter = person("Dana Sarsenbayeva")
    signed_in(Role.PLANNER)
    response = client.post(
        f"/visits/{ambassador_visit.id}/participants/new",
        data={
            "person": interpreter.id,
            "side": "support",
            "role": "interpreter",
            "precedence": "2",
            "interpreting_languages": languages,
        },
    )
    assert response.status_code == 400
    assert error in response.text
    assert participant_count() == 1


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"precedence": "0"}, "Number must be at least 1"),
        ({"precedence": "first"}, "Not a valid integer value"),
        ({"person": ""}, "Choose a person, or add a new one below."),
        ({"role": ""}, "Choose the person's role in this visit."),  # none is preselected
        ({"side": "guests"}, "Invalid Choice"),
    ],
)
def test_bad_participant_input_is_refused_with_a_field_error(
    client, signed_in, ambassador_visit, person, changes, error
):
    someone = person("Leila Amiri")
    signed_in(Role.PLANNER)
    data = {"person": someone.id, "side": "host", "role": "host", "precedence": "3", **changes}
    response = client.post(f"/visits/{ambassador_visit.id}/participants/new", data=data)
    assert response.status_code == 400
    assert error in response.text
    assert participant_count() == 1


def test_viewer_cannot_change_participants(client, signed_in, ambassador_visit, person):
    someone = person("Leila Amiri")
    head = ambassador_visit.head_of_delegation
    signed_in(Role.VIEWER)
    base = f"/visits/{ambassador_visit.id}/participants"
    data = {"person": someone.id, "side": "host", "role": "host", "precedence": "3"}
    assert client.get(f"{base}/new").status_code == 403
    assert client.post(f"{base}/new", data=data).status_code == 403
    assert client.post(f"{base}/{head.id}", data=data).status_code == 403
    assert client.post(f"{base}/{head.id}/remove").status_code == 403
    assert participant_count() == 1


def test_participant_of_another_visit_is_not_found(
    client, signed_in, ambassador_visit, create_visit, add_participant
):
    other = add_participant(create_visit(title="Another visit"), "Someone Else")
    signed_in(Role.PLANNER)
    url = f"/visits/{ambassador_visit.id}/participants/{other.id}"
    assert client.get(url).status_code == 404
    assert client.post(f"{url}/remove").status_code == 404
    assert participant_count() == 2


def test_removed_participant_leaves_no_stale_attendance_in_the_session(
    ambassador_visit, add_participant, create_stop, create_staff
):
    planner = create_staff(Role.PLANNER)
    mayor = add_participant(ambassador_visit, "Reza Hassanvand", side=Side.HOST)
    lunch = create_stop(ambassador_visit, date(2026, 12, 16), "12:30", "13:45", title="Lunch")
    lunch.attendees.extend([ambassador_visit.head_of_delegation, mayor])
    db.session.commit()

    remove_participant(db.session, mayor, acting=planner)

    # The stop already loaded in this session no longer lists the mayor, before any commit.
    assert [p.person.full_name_latin for p in lunch.attendees] == ["Yerlan Abenov"]
    assert mayor not in ambassador_visit.participants
    db.session.commit()
    db.session.expire_all()
    assert len(lunch.attendees) == 1
