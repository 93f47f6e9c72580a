"""/api/v1/visits/{id}/participants: add, read, list, change and remove the people taking part
in a visit, with the participant form's rules, and each one's calendar feed link."""

import json
from datetime import date

import sqlalchemy as sa

from planner.accounts.models import Role
from planner.calendars.feeds import reissue_feed, revoke_feed
from planner.calendars.views import participant_feed_links
from planner.extensions import db
from planner.itinerary.models import Stop
from planner.people.models import Person
from planner.visits.models import Participant, ParticipantRole, Side
from tests.test_calendars_mail import programme_uids, send

HEAD_TAKEN = "Yerlan Abenov is already the head of delegation; a visit has only one."
TWO_LANGUAGES = "An interpreter needs at least two languages, e.g. kk, fa."


def participant_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Participant.id)))


def saved(participant_id: int) -> Participant | None:
    db.session.expire_all()
    return db.session.get(Participant, participant_id)


def participants_url(visit) -> str:
    return f"/api/v1/visits/{visit.id}/participants"


def test_planner_adds_reads_changes_and_removes_a_participant(
    app, api_as, ambassador_visit, person, create_stop
):
    president = person("Bahram Sepahvand", honorific="Mr.")
    api = api_as(Role.PLANNER)
    created = api.post(
        participants_url(ambassador_visit),
        json={"person_id": president.id, "side": "host", "role": "host"},
    )
    assert created.status_code == 201, created.json
    body = created.json
    assert body["person_id"] == president.id and body["visit_id"] == ambassador_visit.id
    assert body["display_name"] == "Mr. Bahram Sepahvand"
    assert (body["side"], body["role"]) == ("host", "host")
    assert body["precedence"] == 2  # after the ambassador, as the page proposes
    assert body["interpreting_languages"] == []
    url = f"{participants_url(ambassador_visit)}/{body['id']}"
    assert api.get(url).json == body

    changed = api.patch(
        url,
        json={"role": "interpreter", "precedence": 3, "interpreting_languages": ["KK", "ru", "fa"]},
    )
    assert changed.status_code == 200, changed.json
    assert changed.json["interpreting_languages"] == ["kk", "ru", "fa"]  # as the form reads it
    assert changed.json["side"] == "host"  # untouched by a partial change
    participant = saved(body["id"])
    assert (participant.role, participant.precedence) == (ParticipantRole.INTERPRETER, 3)

    # The person stays: to put someone else in their place, remove and add.
    other = person("Someone Else")
    refused = api.patch(url, json={"person_id": other.id})
    assert refused.status_code == 422
    assert refused.json["errors"][0]["field"] == "person_id"

    participant = saved(body["id"])
    lunch = create_stop(ambassador_visit, date(2026, 12, 16), "12:30", "13:45", title="Lunch")
    lunch.attendees.append(participant)
    db.session.commit()
    assert api.delete(url).status_code == 204
    assert saved(body["id"]) is None
    assert db.session.get(Stop, lunch.id).attendees == []
    assert db.session.get(Person, president.id) is not None  # still in the directory
    assert api.get(url).status_code == 404
    assert api.delete(url).status_code == 404


def test_importing_a_delegation_gives_each_participant_a_working_feed_link(
    app, api_as, client, create_visit
):
    """The import script's path: people first, then participants, then their feed links."""
    visit = create_visit()
    people = [
        Person(full_name_latin=f"Delegate {number:02}", full_name_native=f"Delegate {number:02}")
        for number in range(30)
    ]
    db.session.add_all(people)
    db.session.commit()
    api = api_as(Role.PLANNER)
    for number, someone in enumerate(people):
        role = "head_of_delegation" if number == 0 else "delegate"
        response = api.post(
            participants_url(visit),
            json={"person_id": someone.id, "side": "delegation", "role": role},
        )
        assert response.status_code == 201, response.json

    listed = api.all_pages(participants_url(visit))
    assert [p["display_name"] for p in listed] == [f"Delegate {n:02}" for n in range(30)]
    assert [p["precedence"] for p in listed] == list(range(1, 31))  # the order they came in
    first_page = api.get(participants_url(visit))
    assert json.loads(first_page.headers["X-Pagination"])["total"] == 30

    links = {p["id"]: p["feed_url"] for p in listed}
    assert len(set(links.values())) == 30
    with app.test_request_context():
        for participant_id, link in links.items():
            # The very link the participant's programme page shows.
            assert (
                link
                == participant_feed_links(db.session.get(Participant, participant_id)).https_url
            )
    base = app.config["BASE_URL"]
    some_link = links[listed[7]["id"]]
    assert some_link.startswith(f"{base}/feeds/") and some_link.endswith(".ics")
    feed = client.get(some_link.removeprefix(base))  # no sign-in: the link is the key
    assert feed.status_code == 200
    assert "Delegate 07" in feed.text


def test_a_revoked_feed_has_no_link_until_it_is_reissued(app, api_as, ambassador_visit):
    head = ambassador_visit.head_of_delegation
    url = f"{participants_url(ambassador_visit)}/{head.id}"
    viewer = api_as(Role.VIEWER)
    first = viewer.get(url).json["feed_url"]
    assert first is not None

    revoke_feed(db.session, head)
    db.session.commit()
    assert viewer.get(url).json["feed_url"] is None
    assert viewer.get(participants_url(ambassador_visit)).json[0]["feed_url"] is None

    reissue_feed(db.session, head)
    db.session.commit()
    renewed = viewer.get(url).json["feed_url"]
    assert renewed is not None and renewed != first


def test_list_is_ordered_by_side_and_precedence_and_filtered(
    api_as, ambassador_visit, add_participant
):
    add_participant(
        ambassador_visit, "Host Two", side=Side.HOST, role=ParticipantRole.HOST, precedence=2
    )
    add_participant(
        ambassador_visit, "Host One", side=Side.HOST, role=ParticipantRole.HOST, precedence=1
    )
    add_participant(ambassador_visit, "Driver", side=Side.SUPPORT, role=ParticipantRole.DRIVER)
    add_participant(ambassador_visit, "Counsellor", precedence=2)
    api = api_as(Role.VIEWER)

    def names(query: str = "") -> list[str]:
        response = api.get(f"{participants_url(ambassador_visit)}{query}")
        assert response.status_code == 200, response.json
        return [p["display_name"] for p in response.json]

    assert names() == ["Yerlan Abenov", "Counsellor", "Host One", "Host Two", "Driver"]
    assert names("?side=host") == ["Host One", "Host Two"]
    assert names("?role=driver") == ["Driver"]
    assert names("?page_size=2&page=2") == ["Host One", "Host Two"]
    refused = api.get(f"{participants_url(ambassador_visit)}?side=guests")
    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "side"


def test_one_head_of_delegation_in_the_forms_words(
    api_as, ambassador_visit, add_participant, person
):
    api = api_as(Role.PLANNER)
    deputy = person("Daniyar Omarov")
    response = api.post(
        participants_url(ambassador_visit),
        json={"person_id": deputy.id, "side": "delegation", "role": "head_of_delegation"},
    )
    assert response.status_code == 422
    assert response.json["errors"] == [{"field": "role", "reason": HEAD_TAKEN, "in": "body"}]
    assert participant_count() == 1

    counsellor = add_participant(ambassador_visit, "Counsellor", precedence=2)
    url = f"{participants_url(ambassador_visit)}/{counsellor.id}"
    changed = api.patch(url, json={"role": "head_of_delegation", "precedence": 1})
    assert changed.status_code == 422
    assert changed.json["errors"][0]["reason"] == HEAD_TAKEN
    assert saved(counsellor.id).precedence == 2  # nothing of the refused change is kept
    # The head themselves may be saved again as head.
    head_url = f"{participants_url(ambassador_visit)}/{ambassador_visit.head_of_delegation.id}"
    assert api.patch(head_url, json={"role": "head_of_delegation"}).status_code == 200


def test_an_interpreter_needs_two_languages_in_the_api_and_on_the_page(
    api_as, client, signed_in, ambassador_visit, add_participant, person
):
    interpreter = person("Aigerim Interpreter")
    api = api_as(Role.PLANNER)
    for languages in ([], ["kk"], ["kk", "KK"]):
        response = api.post(
            participants_url(ambassador_visit),
            json={
                "person_id": interpreter.id,
                "side": "delegation",
                "role": "interpreter",
                "interpreting_languages": languages,
            },
        )
        assert response.status_code == 422, languages
        assert response.json["errors"] == [
            {"field": "interpreting_languages", "reason": TWO_LANGUAGES, "in": "body"}
        ]
    assert participant_count() == 1

    # A change that makes a delegate an interpreter is checked against their saved languages.
    delegate = add_participant(ambassador_visit, "Counsellor", precedence=2)
    url = f"{participants_url(ambassador_visit)}/{delegate.id}"
    response = api.patch(url, json={"role": "interpreter"})
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "interpreting_languages"
    assert saved(delegate.id).role == ParticipantRole.DELEGATE
    assert (
        api.patch(
            url, json={"role": "interpreter", "interpreting_languages": ["kk", "fa"]}
        ).status_code
        == 200
    )
    dropping = api.patch(url, json={"interpreting_languages": ["kk"]})
    assert dropping.json["errors"][0]["reason"] == TWO_LANGUAGES

    signed_in(Role.PLANNER)
    page = client.post(
        f"/visits/{ambassador_visit.id}/participants/new",
        data={
            "person": interpreter.id,
            "side": "delegation",
            "role": "interpreter",
            "precedence": "3",
            "interpreting_languages": "kk",
        },
    )
    assert page.status_code == 400
    assert TWO_LANGUAGES in page.text


def test_only_interpreters_keep_interpreting_languages(api_as, ambassador_visit, person):
    api = api_as(Role.PLANNER)
    body = api.post(
        participants_url(ambassador_visit),
        json={
            "person_id": person("Ivan Interpreter").id,
            "side": "delegation",
            "role": "interpreter",
            "interpreting_languages": ["kk", "ru"],
        },
    ).json
    assert body["interpreting_languages"] == ["kk", "ru"]
    url = f"{participants_url(ambassador_visit)}/{body['id']}"
    demoted = api.patch(url, json={"role": "delegate"})
    assert demoted.json["interpreting_languages"] == []
    delegate = api.post(
        participants_url(ambassador_visit),
        json={
            "person_id": person("Dana").id,
            "side": "delegation",
            "role": "delegate",
            "interpreting_languages": ["kk", "ru"],
        },
    )
    assert delegate.json["interpreting_languages"] == []


def test_bad_input_names_each_field_and_saves_nothing(api_as, ambassador_visit, person):
    api = api_as(Role.PLANNER)
    response = api.post(
        participants_url(ambassador_visit),
        json={
            "person_id": 4040,
            "side": "guests",
            "role": "ambassador",
            "precedence": 0,
            "interpreting_languages": ["kk", "xx"],
            "feed_url": "https://example.com/feed.ics",
        },
    )
    assert response.status_code == 422
    reasons = {error["field"]: error["reason"] for error in response.json["errors"]}
    assert set(reasons) == {"side", "role", "precedence", "interpreting_languages", "feed_url"}
    assert reasons["interpreting_languages"].startswith(
        "Not a two-letter ISO 639-1 language code: xx."
    )
    assert participant_count() == 1

    unknown = api.post(
        participants_url(ambassador_visit),
        json={"person_id": 4040, "side": "host", "role": "host"},
    )
    assert unknown.status_code == 422
    assert unknown.json["errors"] == [
        {"field": "person_id", "reason": "There is no person 4040.", "in": "body"}
    ]

    again = api.post(
        participants_url(ambassador_visit),
        json={
            "person_id": ambassador_visit.head_of_delegation.person_id,
            "side": "host",
            "role": "host",
        },
    )
    assert again.status_code == 422
    assert again.json["errors"] == [
        {
            "field": "person_id",
            "reason": "This person already takes part in the visit.",
            "in": "body",
        }
    ]
    huge = api.post(
        participants_url(ambassador_visit),
        json={"person_id": person("Big").id, "side": "host", "role": "host", "precedence": 2**31},
    )
    assert huge.status_code == 422 and huge.json["errors"][0]["field"] == "precedence"
    assert participant_count() == 1


def test_participants_belong_to_their_live_visit(
    api_as, ambassador_visit, create_visit, add_participant
):
    other = create_visit(title="Another visit")
    stranger = add_participant(other, "Someone Else")
    api = api_as(Role.PLANNER)
    assert api.get(f"{participants_url(ambassador_visit)}/{stranger.id}").status_code == 404
    assert (
        api.patch(
            f"{participants_url(ambassador_visit)}/{stranger.id}", json={"precedence": 4}
        ).status_code
        == 404
    )
    assert api.delete(f"{participants_url(ambassador_visit)}/{stranger.id}").status_code == 404
    assert participant_count() == 2

    assert api.delete(f"/api/v1/visits/{other.id}").status_code == 204
    assert api.get(participants_url(other)).status_code == 404
    assert api.get(f"{participants_url(other)}/{stranger.id}").status_code == 404
    assert api.get("/api/v1/visits/999/participants").status_code == 404


def test_viewer_reads_with_feed_links_but_cannot_change(api_as, ambassador_visit, person):
    head = ambassador_visit.head_of_delegation
    viewer = api_as(Role.VIEWER)
    url = f"{participants_url(ambassador_visit)}/{head.id}"
    read = viewer.get(url)
    assert read.status_code == 200
    assert read.json["display_name"] == "Yerlan Abenov" and read.json["feed_url"]
    newcomer = person("Newcomer")
    assert (
        viewer.post(
            participants_url(ambassador_visit),
            json={"person_id": newcomer.id, "side": "host", "role": "host"},
        ).status_code
        == 403
    )
    assert viewer.patch(url, json={"precedence": 5}).status_code == 403
    assert viewer.delete(url).status_code == 403
    assert participant_count() == 1
    assert saved(head.id).precedence == 1


def test_removing_a_participant_cancels_their_invitations_as_the_page_does(
    api_as,
    client,
    signed_in,
    demo_visit,
    smtp_server,  # noqa: F811
):
    signed_in(Role.PLANNER)
    send(client, demo_visit, "programme")
    smtp_server.clear()
    db.session.expire_all()
    driver = next(p for p in demo_visit.participants if p.role.value == "driver" and p.person.email)
    driver_id, address = driver.id, driver.person.email
    invited = {stop.calendar_uid for stop in demo_visit.stops} & programme_uids(demo_visit, driver)
    assert invited

    api = api_as(Role.PLANNER)
    assert api.delete(f"{participants_url(demo_visit)}/{driver_id}").status_code == 204

    farewells = smtp_server.received()  # a cancellation for each stop
    assert sorted(farewell.uid for farewell in farewells) == sorted(invited)
    assert {(tuple(f.envelope_to), f.method) for f in farewells} == {((address,), "CANCEL")}
    assert saved(driver_id) is None
