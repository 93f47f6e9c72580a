"""Adding people to a visit in fewer steps: someone new (and their organization) made inside the
participant form, a warning first when they look like someone on file, several at once."""

import pytest
import sqlalchemy as sa

from planner.accounts.models import Role
from planner.extensions import db
from planner.names import name_key
from planner.organizations.models import Organization
from planner.people.models import Person
from planner.visits.models import Participant, ParticipantRole, Side
from tests.conftest import count, shown


def participant_of(visit, name: str) -> Participant:
    return db.session.scalars(
        sa.select(Participant)
        .join(Participant.person)
        .where(Participant.visit_id == visit.id, Person.full_name_latin == name)
    ).one()


def add(client, visit, **fields):
    data = {"side": "delegation", "role": "delegate", "precedence": "2", **fields}
    return client.post(f"/visits/{visit.id}/participants/new", data=data)


def test_a_new_person_and_their_organization_are_made_with_the_participant(
    client, signed_in, ambassador_visit
):
    signed_in(Role.PLANNER)
    response = add(
        client,
        ambassador_visit,
        **{
            "new_person-full_name_latin": "Mehmet Yıldırım",
            "new_person-nationality": "TR",
            "new_person-languages": ["tr", "en"],
            "new_organization-name": "TOBB",
            "new_organization-kind": "chamber_of_commerce",
            "new_organization-country": "TR",
        },
    )
    assert response.status_code == 302
    participant = participant_of(ambassador_visit, "Mehmet Yıldırım")
    person = participant.person
    assert (person.nationality, person.languages) == ("TR", ["en", "tr"])
    assert person.full_name_native == "Mehmet Yıldırım"
    assert (person.organization.name, person.organization.country) == ("TOBB", "TR")
    assert (participant.side, participant.role) == (Side.DELEGATION, ParticipantRole.DELEGATE)


def test_add_then_add_another_comes_back_to_the_form_on_the_same_side(
    client, signed_in, ambassador_visit, person
):
    president = person("Bahram Sepahvand")
    signed_in(Role.PLANNER)
    response = add(
        client, ambassador_visit, person=president.id, side="host", role="host", another="1"
    )
    assert response.headers["Location"] == (
        f"/visits/{ambassador_visit.id}/participants/new?side=host"
    )
    form = client.get(response.headers["Location"]).text
    assert '<option selected value="host">' in form
    # No role is chosen for the planner, even after one was.
    assert '<option selected value="">— Choose a role —</option>' in form


@pytest.mark.parametrize(
    "typed",
    [
        {"new_person-full_name_latin": "  bahram   SEPAHVAND "},
        {"new_person-full_name_latin": "Bahram S.", "new_person-full_name_native": "بهرام سپهوند"},
    ],
)
def test_someone_like_a_person_on_file_is_asked_about_before_anything_is_made(
    client, signed_in, ambassador_visit, person, typed
):
    president = person("Bahram Sepahvand")
    president.full_name_native = "بهرام سپهوند"
    db.session.commit()
    signed_in(Role.PLANNER)
    response = add(client, ambassador_visit, **typed)
    assert response.status_code == 200
    page = shown(response.text)
    assert "Already on file and perhaps the same:" in page and "Bahram Sepahvand" in page
    assert f'name="use_person" value="{president.id}"' in response.text
    assert 'name="new_person-confirm" value="y"' in response.text
    assert count(Person) == 2 and count(Participant) == 1  # the ambassador and the president


def test_the_planner_uses_the_person_on_file_instead(client, signed_in, ambassador_visit, person):
    president = person("Bahram Sepahvand")
    signed_in(Role.PLANNER)
    response = add(
        client,
        ambassador_visit,
        side="host",
        role="host",
        use_person=str(president.id),
        **{"new_person-full_name_latin": "Bahram Sepahvand"},
    )
    assert response.status_code == 302
    assert participant_of(ambassador_visit, "Bahram Sepahvand").person_id == president.id
    assert count(Person) == 2


def test_the_planner_confirms_a_namesake_is_someone_else(
    client, signed_in, ambassador_visit, person
):
    person("Ali Rezaei")
    signed_in(Role.PLANNER)
    response = add(
        client,
        ambassador_visit,
        **{"new_person-full_name_latin": "Ali Rezaei", "new_person-confirm": "y"},
    )
    assert response.status_code == 302
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(Person.full_name_latin == "Ali Rezaei"))
        == 2
    )


def test_a_new_organization_like_one_on_file_is_asked_about_and_can_be_used(
    client, signed_in, ambassador_visit, sides
):
    pasta, _grain = sides
    signed_in(Role.PLANNER)
    fields = {
        "new_person-full_name_latin": "Reza Kiyani",
        "new_organization-name": "KIYO flour and pasta",
        "new_organization-country": "IR",
    }
    asked = add(client, ambassador_visit, **fields)
    assert asked.status_code == 200
    assert f'name="use_organization" value="{pasta.id}"' in asked.text
    used = add(client, ambassador_visit, use_organization=str(pasta.id), **fields)
    assert used.status_code == 302
    assert participant_of(ambassador_visit, "Reza Kiyani").person.organization_id == pasta.id
    assert count(Organization) == 2


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({}, "Choose a person, or add a new one below."),
        ({"new_person-full_name_native": "بهرام سپهوند"}, "Give the name in Latin letters too."),
        (
            {"new_person-full_name_latin": "Reza Kiyani", "new_organization-name": "Kiyo"},
            "Choose the organization's country.",
        ),
        ({"new_organization-name": "Kiyo"}, "A new organization is added with a new person"),
    ],
)
def test_an_incomplete_new_person_saves_nothing_and_says_why(
    client, signed_in, ambassador_visit, fields, error
):
    signed_in(Role.PLANNER)
    response = add(client, ambassador_visit, **fields)
    assert response.status_code == 400
    assert error in response.text
    assert count(Person) == 1 and count(Organization) == 0


def test_choosing_someone_and_typing_someone_new_is_refused(
    client, signed_in, ambassador_visit, person
):
    president = person("Bahram Sepahvand")
    signed_in(Role.PLANNER)
    response = add(
        client,
        ambassador_visit,
        person=president.id,
        **{"new_person-full_name_latin": "Reza Kiyani"},
    )
    assert response.status_code == 400
    assert "Choose a person or add a new one, not both." in response.text
    assert count(Person) == 2


def test_a_refused_participant_keeps_neither_the_new_person_nor_their_organization(
    client, signed_in, ambassador_visit
):
    signed_in(Role.PLANNER)
    response = add(
        client,
        ambassador_visit,
        role="head_of_delegation",
        **{
            "new_person-full_name_latin": "Second Head",
            "new_organization-name": "Nowhere Inc.",
            "new_organization-country": "KZ",
        },
    )
    assert response.status_code == 400
    assert "already the head of delegation" in response.text
    assert count(Person) == 1 and count(Organization) == 0


def test_names_match_whatever_the_case_spaces_punctuation_and_letter_forms():
    assert name_key(" Falak-ol-Aflak  CASTLE") == name_key("falak ol aflak castle")
    assert name_key("علي") == name_key("علی")
    assert name_key("Bahram Sepahvand") != name_key("Bahram Sepahvandi")
    assert name_key(None) == name_key("  -  ") == ""


# --- Several people at once --------------------------------------------------------------


def test_several_people_are_added_at_once_with_one_role_for_all_and_a_row_s_own(
    client, signed_in, ambassador_visit, person
):
    president = person("Bahram Sepahvand", languages=["fa"])
    official = person("Maryam Rezaei", languages=["fa", "en"])
    interpreter = person("Zeynep Arslan", languages=["tr", "fa"])
    person("Not Today")
    signed_in(Role.PLANNER)
    url = f"/visits/{ambassador_visit.id}/participants/several"
    form = client.get(url).text
    assert "Zeynep Arslan" in form and ">Yerlan Abenov<" not in form
    response = client.post(
        url,
        data={
            "person_ids": [str(president.id), str(official.id), str(interpreter.id)],
            "side_for_all": "host",
            "role_for_all": "official",
            f"role_{president.id}": "host",
            f"side_{interpreter.id}": "support",
            f"role_{interpreter.id}": "interpreter",
        },
    )
    assert response.status_code == 302
    added = {
        p.person.full_name_latin: (p.side, p.role, sorted(p.interpreting_languages))
        for p in db.session.scalars(
            sa.select(Participant).where(Participant.visit_id == ambassador_visit.id)
        )
    }
    assert added == {
        "Yerlan Abenov": (Side.DELEGATION, ParticipantRole.HEAD_OF_DELEGATION, []),
        "Bahram Sepahvand": (Side.HOST, ParticipantRole.HOST, []),
        "Maryam Rezaei": (Side.HOST, ParticipantRole.OFFICIAL, []),
        "Zeynep Arslan": (Side.SUPPORT, ParticipantRole.INTERPRETER, ["fa", "tr"]),
    }


def test_several_people_without_a_role_add_nobody_and_say_whose_row(
    client, signed_in, ambassador_visit, person
):
    president = person("Bahram Sepahvand")
    official = person("Maryam Rezaei")
    signed_in(Role.PLANNER)
    response = client.post(
        f"/visits/{ambassador_visit.id}/participants/several",
        data={
            "person_ids": [str(president.id), str(official.id)],
            "side_for_all": "host",
            f"role_{president.id}": "host",
        },
    )
    assert response.status_code == 400
    assert "Choose a role here, or one role for everyone." in response.text
    assert count(Participant) == 1


def test_a_second_head_among_several_adds_none_of_them(client, signed_in, ambassador_visit, person):
    first, second = person("Daniyar Omarov"), person("Aigerim Nurlanova")
    signed_in(Role.PLANNER)
    response = client.post(
        f"/visits/{ambassador_visit.id}/participants/several",
        data={
            "person_ids": [str(first.id), str(second.id)],
            "side_for_all": "delegation",
            "role_for_all": "delegate",
            f"role_{second.id}": "head_of_delegation",
        },
    )
    assert response.status_code == 400
    assert "already the head of delegation" in response.text
    assert count(Participant) == 1


def test_a_viewer_cannot_add_several_people(client, signed_in, ambassador_visit, person):
    someone = person("Leila Amiri")
    signed_in(Role.VIEWER)
    url = f"/visits/{ambassador_visit.id}/participants/several"
    assert client.get(url).status_code == 403
    data = {"person_ids": [str(someone.id)], "side_for_all": "host", "role_for_all": "host"}
    assert client.post(url, data=data).status_code == 403
    assert count(Participant) == 1
