"""A script an office would write: the embassy sent a list of 30 delegates; import it through
the API, put everyone on the welcome and half of them on a factory tour, then read what one
delegate's calendar app will read from their feed."""

import csv
import io
from urllib.parse import urlsplit

from planner.accounts.models import Role
from tests.icscheck import check_ics

# What an embassy's list looks like once saved as CSV: Latin name, own-script name, position.
DELEGATION_CSV = "full_name_latin,full_name_native,position,languages\n" + "\n".join(
    f"Delegate {number:02} Abenov,Делегат {number:02} Абенов,"
    f'{"Head of delegation" if number == 1 else "Trade adviser"},"kk,ru"'
    for number in range(1, 31)
)


def import_delegation(api, visit_id: int, text: str) -> list[dict]:
    """Create each person, then make them a participant of the visit: the import script."""
    participants = []
    for number, row in enumerate(csv.DictReader(io.StringIO(text)), 1):
        person = api.post(
            "/api/v1/people",
            json={
                "full_name_latin": row["full_name_latin"],
                "full_name_native": row["full_name_native"],
                "position": row["position"],
                "nationality": "KZ",
                "languages": row["languages"].split(","),
            },
        )
        assert person.status_code == 201, person.json
        participant = api.post(
            f"/api/v1/visits/{visit_id}/participants",
            json={
                "person_id": person.json["id"],
                "side": "delegation",
                "role": "head_of_delegation" if number == 1 else "delegate",
            },
        )
        assert participant.status_code == 201, participant.json
        participants.append(participant.json)
    return participants


def test_import_a_30_person_delegation_and_read_a_participant_feed(api_as, client):
    api = api_as(Role.PLANNER)
    visit = api.post(
        "/api/v1/visits",
        json={
            "title": "Kazakh trade delegation to Lorestan",
            "visiting_country": "KZ",
            "start_date": "2026-12-15",
            "end_date": "2026-12-16",
            "timezone": "Asia/Tehran",
            "delegation_timezone": "Asia/Almaty",
        },
    )
    assert visit.status_code == 201, visit.json
    visit_id = visit.json["id"]

    imported = import_delegation(api, visit_id, DELEGATION_CSV)
    assert len(imported) == 30
    listed = api.all_pages(f"/api/v1/visits/{visit_id}/participants")
    assert sorted(p["id"] for p in listed) == sorted(p["id"] for p in imported)

    everyone = [p["id"] for p in imported]
    welcome = api.post(
        f"/api/v1/visits/{visit_id}/stops",
        json={
            "kind": "official_meeting",
            "title": "Welcome at the Chamber of Commerce",
            "starts_at": "2026-12-15T09:00:00+03:30",
            "ends_at": "2026-12-15T10:30:00+03:30",
            "attendee_ids": everyone,
        },
    )
    assert welcome.status_code == 201, welcome.json
    tour = api.post(
        f"/api/v1/visits/{visit_id}/stops",
        json={
            "kind": "factory_tour",
            "title": "Cement factory tour",
            # The same instant written from Almaty: the API keeps the instant, not the text.
            "starts_at": "2026-12-15T13:30:00+05:00",
            "ends_at": "2026-12-15T15:00:00+05:00",
            "attendee_ids": everyone[:15],
        },
    )
    assert tour.status_code == 201, tour.json
    assert tour.json["starts_at"] == "2026-12-15T12:00:00+03:30"  # shown in the visit's zone

    head, last = imported[0], imported[-1]
    head_feed = client.get(urlsplit(head["feed_url"]).path)
    assert head_feed.status_code == 200
    assert head_feed.content_type.startswith("text/calendar")
    calendar = check_ics(head_feed.data)  # ical.js, the parser inside Thunderbird
    events = {item["summary"]: item for item in calendar["items"]}
    assert set(events) == {"Welcome at the Chamber of Commerce", "Cement factory tour"}
    assert events["Welcome at the Chamber of Commerce"]["start_utc"].startswith(
        "2026-12-15T05:30:00"
    )
    assert events["Cement factory tour"]["start_utc"].startswith("2026-12-15T08:30:00")

    # The 30th delegate is not on the tour: their calendar has the welcome only.
    last_feed = check_ics(client.get(urlsplit(last["feed_url"]).path).data)
    assert [item["summary"] for item in last_feed["items"]] == [
        "Welcome at the Chamber of Commerce"
    ]
