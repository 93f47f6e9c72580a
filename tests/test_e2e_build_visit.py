"""End to end through the pages: a planner builds a small visit from nothing and reads it back."""

import re

import sqlalchemy as sa

from planner.accounts.models import Role
from planner.extensions import db
from planner.itinerary.models import Stop
from planner.organizations.models import Organization
from planner.people.models import Person
from planner.venues.models import Venue
from planner.visits.models import Participant, Visit


def created_id(model, **where) -> int:
    return db.session.scalars(sa.select(model.id).filter_by(**where)).one()


def post(client, url: str, data: dict) -> None:
    response = client.post(url, data=data)
    assert response.status_code == 302, f"{url}: {response.status_code}\n" + "\n".join(
        re.findall(r'class="field-error"[^>]*>(.*?)</ul>', response.text, re.S)
    )


def every_day(opens: str, closes: str) -> dict:
    fields = {}
    for day in range(7):
        fields[f"hours-{day}-opens_1"] = opens
        fields[f"hours-{day}-closes_1"] = closes
    return fields


def test_planner_builds_the_castle_day_through_the_forms_and_reads_the_timeline(client, signed_in):
    signed_in(Role.PLANNER)

    post(
        client,
        "/organizations/new",
        {
            "name": "Lorestan Chamber of Commerce",
            "kind": "chamber_of_commerce",
            "country": "IR",
            "city": "Khorramabad",
        },
    )
    chamber_org = created_id(Organization, name="Lorestan Chamber of Commerce")

    post(
        client,
        "/venues/new",
        {
            "name": "Chamber of Commerce",
            "kind": "office",
            "organization_id": str(chamber_org),
            "city": "Khorramabad",
            "latitude": "33.4870",
            "longitude": "48.3538",
            "timezone": "Asia/Tehran",
            **every_day("07:30", "16:30"),
        },
    )
    post(
        client,
        "/venues/new",
        {
            "name": "Falak-ol-Aflak castle",
            "kind": "cultural_site",
            "city": "Khorramabad",
            "latitude": "33.4876",
            "longitude": "48.3551",
            "timezone": "Asia/Tehran",
            **every_day("08:00", "19:00"),
        },
    )
    chamber, castle = (
        created_id(Venue, name="Chamber of Commerce"),
        created_id(Venue, name="Falak-ol-Aflak castle"),
    )

    people = {
        "ambassador": {
            "full_name_latin": "Nurlan Zhaksylykov",
            "full_name_native": "Нұрлан Жақсылықов",
            "honorific": "H.E.",
            "nationality": "KZ",
            "languages": ["kk", "ru", "en"],
        },
        "president": {
            "full_name_latin": "Bahram Sepahvand",
            "full_name_native": "بهرام سپهوند",
            "nationality": "IR",
            "languages": ["fa"],
            "organization_id": str(chamber_org),
        },
        "interpreter": {
            "full_name_latin": "Dana Sarsenbayeva",
            "full_name_native": "Дана Сәрсенбаева",
            "nationality": "KZ",
            "languages": ["kk", "ru", "fa"],
        },
    }
    for fields in people.values():
        post(client, "/people/new", fields)
    person = {
        key: created_id(Person, full_name_latin=f["full_name_latin"]) for key, f in people.items()
    }

    post(
        client,
        "/visits/new",
        {
            "title": "Ambassador's castle day",
            "visiting_country": "KZ",
            "host_city": "Khorramabad",
            "host_region": "Lorestan",
            # A working day in Iran and Kazakhstan (the 16th is Kazakhstan's Independence
            # Day, which the checker would flag): this scenario's plan has no findings.
            "start_date": "2026-12-15",
            "end_date": "2026-12-15",
            "timezone": "Asia/Tehran",
            "delegation_timezone": "Asia/Almaty",
            "status": "draft",
        },
    )
    visit_id = created_id(Visit, title="Ambassador's castle day")

    roles = {
        "ambassador": ("delegation", "head_of_delegation", []),
        "president": ("host", "host", []),
        "interpreter": ("support", "interpreter", ["kk", "fa"]),
    }
    for key, (side, role, languages) in roles.items():
        post(
            client,
            f"/visits/{visit_id}/participants/new",
            {
                "person": str(person[key]),
                "side": side,
                "role": role,
                "precedence": "1",
                "interpreting_languages": languages,
            },
        )
    participant = {
        key: created_id(Participant, visit_id=visit_id, person_id=person[key]) for key in roles
    }

    everyone = [str(p) for p in participant.values()]
    post(
        client,
        f"/visits/{visit_id}/stops/new",
        {
            "kind": "courtesy_call",
            "title": "Courtesy call on the chamber president",
            "day": "2026-12-15",
            "starts": "09:30",
            "ends": "10:15",
            "venue_id": str(chamber),
            "attendee_ids": everyone,
            "status": "confirmed",
            "staff_notes": "President greets at the door.",
        },
    )
    post(
        client,
        f"/visits/{visit_id}/stops/new",
        {
            "kind": "cultural_visit",
            "title": "Falak-ol-Aflak castle",
            "day": "2026-12-15",
            "starts": "10:45",
            "ends": "12:05",
            "venue_id": str(castle),
            "attendee_ids": everyone,
            "status": "confirmed",
        },
    )

    # The timeline reads the day back in Tehran time, with Almaty beside it.
    timeline = client.get(f"/visits/{visit_id}/timeline")
    assert timeline.status_code == 200
    shown = re.sub(r"<[^>]+>", " ", timeline.text)
    assert "Courtesy call on the chamber president" in shown and "Falak-ol-Aflak castle" in shown
    assert "09:30" in shown and "10:45" in shown and "12:05" in shown
    assert "11:00" in shown  # 09:30 Tehran is 11:00 in Almaty
    assert client.get(f"/visits/{visit_id}/checks.json").json["findings"] == []

    # Without the interpreter, the ambassador and the president share no language.
    call = db.session.scalars(
        sa.select(Stop).filter_by(visit_id=visit_id, kind="courtesy_call")
    ).one()
    form = client.get(f"/visits/{visit_id}/stops/{call.id}/edit").text
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)
    post(
        client,
        f"/visits/{visit_id}/stops/{call.id}/edit",
        {
            "kind": "courtesy_call",
            "title": "Courtesy call on the chamber president",
            "day": "2026-12-15",
            "starts": "09:30",
            "ends": "10:15",
            "venue_id": str(chamber),
            "attendee_ids": [str(participant["ambassador"]), str(participant["president"])],
            "status": "confirmed",
            "staff_notes": "President greets at the door.",
            "version": version,
        },
    )
    findings = client.get(f"/visits/{visit_id}/checks.json").json["findings"]
    assert [f["code"] for f in findings] == ["no_shared_language"]
    assert findings[0]["stop_ids"] == [call.id]

    # The ambassador's own programme: staff see the staff note, the guest copy leaves it out.
    programme_url = f"/visits/{visit_id}/participants/{participant['ambassador']}/programme"
    staff_copy = client.get(programme_url).text
    assert "Falak-ol-Aflak castle" in staff_copy and "President greets at the door" in staff_copy
    guest_copy = client.get(programme_url + "?print=participant").text
    assert "Falak-ol-Aflak castle" in guest_copy
    assert "President greets at the door" not in guest_copy
