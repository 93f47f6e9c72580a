"""Subscription feeds: opened by a revocable token, polled cheaply, and kept up to date."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from planner.accounts.models import Role
from planner.calendars import rendered, views
from planner.calendars.feeds import feed_token
from planner.calendars.tokens import make_token
from planner.extensions import db
from planner.itinerary import operations
from planner.visits.models import ParticipantRole
from tests.conftest import Statements
from tests.icscheck import check_all, check_ics

SECRET = "test-secret"  # conftest.make_app's SECRET_KEY
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def feed_url(owner) -> str:
    return f"/feeds/{feed_token(SECRET, owner)}.ics"


def programme_url(participant) -> str:
    return f"/visits/{participant.visit_id}/participants/{participant.id}/programme"


def feed_action(participant, action: str) -> str:
    return f"/visits/{participant.visit_id}/participants/{participant.id}/feed/{action}"


def events_by_uid(calendar: dict) -> dict:
    return {event["uid"]: event for event in calendar["items"]}


@pytest.fixture
def ambassador(demo_visit):
    return demo_visit.head_of_delegation


@pytest.fixture
def planner(create_staff):
    return create_staff(Role.PLANNER)


def attended(visit, participant):
    return [stop for stop in visit.live_stops if participant in stop.attendees]


def test_a_feed_needs_no_sign_in_and_holds_the_participants_programme(
    demo_visit, ambassador, client
):
    response = client.get(feed_url(ambassador))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    # The feed's address is its secret: no cache keeps it (planner/security.py).
    assert response.headers["Cache-Control"] == "no-store"
    assert "Content-Disposition" not in response.headers
    assert "Set-Cookie" not in response.headers  # a poller gets no session
    calendar = check_ics(response.data)
    assert calendar["refresh_interval"] == "PT15M"
    assert calendar["published_ttl"] == "PT15M"
    assert calendar["calname"] == f"{demo_visit.title} — {ambassador.person.display_name}"
    assert set(events_by_uid(calendar)) == {
        s.calendar_uid for s in attended(demo_visit, ambassador)
    }


def test_refresh_interval_follows_the_setting(ambassador, client, app):
    app.config["FEED_REFRESH_MINUTES"] = 60
    response = client.get(feed_url(ambassador))
    assert check_ics(response.data)["refresh_interval"] == "PT1H"


def test_moving_a_stop_raises_its_sequence_and_changes_the_etag(
    demo_visit, ambassador, planner, client
):
    url = feed_url(ambassador)
    before = client.get(url)
    castle = next(s for s in attended(demo_visit, ambassador) if "castle" in s.title.lower())
    operations.update_stop(
        db.session,
        castle,
        acting=planner,
        expected_version=castle.version,
        starts_at=castle.starts_at + timedelta(minutes=30),
        ends_at=castle.ends_at + timedelta(minutes=30),
    )
    db.session.commit()

    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    old, new = (events_by_uid(c)[castle.calendar_uid] for c in check_all([before.data, after.data]))
    assert new["sequence"] > old["sequence"]
    assert datetime.fromisoformat(new["start_utc"]) - datetime.fromisoformat(
        old["start_utc"]
    ) == timedelta(minutes=30)


@pytest.mark.parametrize("header", ["If-None-Match", "If-Modified-Since"])
def test_an_unchanged_feed_answers_304_without_building_the_calendar(
    ambassador, client, monkeypatch, header
):
    url = feed_url(ambassador)
    first = client.get(url)
    validator = first.headers["ETag" if header == "If-None-Match" else "Last-Modified"]

    def refuse(*_args, **_kwargs):
        raise AssertionError("the calendar was built for a 304")

    monkeypatch.setattr(views, "build_calendar", refuse)
    monkeypatch.setattr(views, "participant_events", refuse)
    response = client.get(url, headers={header: validator})
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == first.headers["ETag"]
    assert response.headers["Cache-Control"] == "no-store"


def test_the_downloads_answer_304_too(demo_visit, ambassador, client, signed_in, monkeypatch):
    signed_in(Role.VIEWER)
    urls = [
        f"/visits/{demo_visit.id}/calendar.ics",
        f"/visits/{demo_visit.id}/participants/{ambassador.id}/calendar.ics",
    ]
    etags = [client.get(url).headers["ETag"] for url in urls]
    last_modified = [client.get(url).headers["Last-Modified"] for url in urls]
    monkeypatch.setattr(views, "build_calendar", lambda *a, **k: pytest.fail("built for a 304"))
    for url, etag, modified in zip(urls, etags, last_modified, strict=True):
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
        assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304


def test_a_change_elsewhere_leaves_the_participants_feed_unchanged(demo_visit, planner, client):
    driver = next(p for p in demo_visit.participants if p.role == ParticipantRole.DRIVER)
    etag = client.get(feed_url(driver)).headers["ETag"]
    lunch = next(s for s in demo_visit.live_stops if s.kind.value == "meal")
    assert driver not in lunch.attendees
    operations.update_stop(
        db.session, lunch, acting=planner, expected_version=lunch.version, title="Lunch, moved"
    )
    db.session.commit()
    assert client.get(feed_url(driver), headers={"If-None-Match": etag}).status_code == 304
    whole = client.get(f"/feeds/{feed_token(SECRET, planner)}.ics")
    assert "Lunch, moved" in {e["summary"] for e in check_ics(whole.data)["items"]}


def test_renaming_a_venue_changes_the_etag(demo_visit, ambassador, client):
    url = feed_url(ambassador)
    etag = client.get(url).headers["ETag"]
    venue = next(s.venue for s in attended(demo_visit, ambassador) if s.venue is not None)
    venue.address = "A new address"
    db.session.commit()
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert any("A new address" in (e["location"] or "") for e in check_ics(response.data)["items"])


def test_a_stop_the_participant_left_is_gone_from_their_feed_at_the_next_request(
    demo_visit, ambassador, planner, client
):
    """A subscribed calendar is replaced whole at each refresh: the event it no longer finds
    is removed. Kept as CANCELLED, Outlook would show it as an ordinary event."""
    url = feed_url(ambassador)
    before = client.get(url)
    castle = next(s for s in attended(demo_visit, ambassador) if "castle" in s.title.lower())
    others = [p for p in castle.attendees if p.id != ambassador.id]
    stays = events_by_uid(check_ics(client.get(feed_url(others[0])).data))[castle.calendar_uid]
    operations.update_stop(
        db.session, castle, acting=planner, expected_version=castle.version, attendees=others
    )
    db.session.commit()

    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    old, new = (events_by_uid(c) for c in check_all([before.data, after.data]))
    assert old[castle.calendar_uid]["status"] == "CONFIRMED"
    assert castle.calendar_uid not in new
    assert set(new) == set(old) - {castle.calendar_uid}
    # Everyone still on the stop sees it as before, with its new sequence.
    still = events_by_uid(check_ics(client.get(feed_url(others[0])).data))[castle.calendar_uid]
    assert still["status"] == "CONFIRMED" and still["sequence"] > stays["sequence"]


def test_a_stop_moved_to_the_bin_is_gone_from_the_feed(demo_visit, ambassador, planner, client):
    url = feed_url(ambassador)
    before = client.get(url)
    castle = next(s for s in attended(demo_visit, ambassador) if "castle" in s.title.lower())
    operations.delete_stop(db.session, castle, acting=planner)
    db.session.commit()
    response = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert response.status_code == 200
    assert response.headers["ETag"] != before.headers["ETag"]
    assert castle.calendar_uid not in events_by_uid(check_ics(response.data))
    assert castle.calendar_uid in events_by_uid(check_ics(before.data))


def test_revoked_link_answers_404_and_a_reissued_one_works(ambassador, client, auth, create_staff):
    old_url = feed_url(ambassador)
    assert client.get(old_url).status_code == 200
    auth.login(create_staff(Role.PLANNER))

    response = client.post(feed_action(ambassador, "revoke"))
    assert response.status_code == 302
    assert response.location == programme_url(ambassador) + "#calendar"
    db.session.refresh(ambassador)
    assert ambassador.feed_enabled is False
    assert client.get(old_url).status_code == 404
    assert client.get(feed_url(ambassador)).status_code == 404  # switched off, not just moved
    page = client.get(programme_url(ambassador)).text
    assert "Link revoked" in page and "/feeds/" not in page

    assert client.post(feed_action(ambassador, "reissue")).status_code == 302
    db.session.refresh(ambassador)
    new_url = feed_url(ambassador)
    assert new_url != old_url
    assert client.get(new_url).status_code == 200
    assert client.get(old_url).status_code == 404
    assert new_url in client.get(programme_url(ambassador)).text


def test_only_planners_revoke_a_participants_link(ambassador, client, signed_in):
    signed_in(Role.VIEWER)
    assert client.post(feed_action(ambassador, "revoke")).status_code == 403
    db.session.refresh(ambassador)
    assert ambassador.feed_enabled and ambassador.feed_generation == 1
    page = client.get(programme_url(ambassador)).text
    assert feed_url(ambassador) in page  # a viewer may hand the link over
    assert "Revoke the link" not in page


def test_every_wrong_token_gets_the_same_404(
    demo_visit, ambassador, create_visit, add_participant, create_staff, client
):
    token = feed_token(SECRET, ambassador)
    binned_visit = create_visit(title="Binned visit", deleted_at=datetime.now(UTC))
    binned = add_participant(binned_visit, "Someone Binned")
    disabled = demo_visit.participants[1]
    disabled.feed_enabled = False
    inactive = create_staff(Role.PLANNER)
    inactive.active = False
    db.session.commit()
    head, generation, mac = token.split(".")
    wrong = [
        f"{head}.{generation}.{mac[:-2]}{'AA' if not mac.endswith('AA') else 'BB'}",  # tampered
        f"{head}.{generation}.{mac}x",
        f"{head}.2.{mac}",  # another generation with the old MAC
        make_token("another-secret", "p", ambassador.id, 1),
        make_token(SECRET, "p", ambassador.id, 2),  # genuine, but not the current generation
        make_token(SECRET, "p", 99_999, 1),  # nobody
        feed_token(SECRET, binned),
        feed_token(SECRET, disabled),
        feed_token(SECRET, inactive),
        "u1",
        "not-a-token",
        # The right MAC under another spelling of the same id: a token has one spelling.
        token.replace(f"p{ambassador.id}", f"p0{ambassador.id}", 1),
        token.replace(f"p{ambassador.id}", "p" + str(ambassador.id).translate(ARABIC_DIGITS), 1),
    ]
    responses = [client.get(f"/feeds/{token}.ics") for token in wrong]
    assert [r.status_code for r in responses] == [404] * len(wrong)
    assert len({r.data for r in responses}) == 1
    assert client.get(f"/feeds/{token}.ics").status_code == 200


def test_a_staff_member_subscribes_to_every_visit_and_manages_their_own_link(
    demo_visit, client, signed_in
):
    viewer = signed_in(Role.VIEWER)
    page = client.get("/profile").text
    url = feed_url(viewer)
    assert f"http://127.0.0.1:5000{url}" in page
    assert f"webcal://127.0.0.1:5000{url}" in page
    assert 'src="data:image/svg+xml;' in page and "QR code of the calendar link" in page
    assert "every 12 hours" in page

    calendar = check_ics(client.get(url).data)
    assert calendar["calname"] == f"Official visits — {viewer.name}"
    live_stops = {s.calendar_uid for v in [demo_visit] for s in v.live_stops}
    assert live_stops <= set(events_by_uid(calendar))  # and the Basra visit's stop
    assert len(calendar["items"]) == len(live_stops) + 1

    # Self-service: a viewer may revoke and reissue their own link.
    assert client.post("/profile/feed/revoke").location == "/profile#calendar"
    assert client.get(url).status_code == 404
    assert "Link revoked" in client.get("/profile").text
    assert client.post("/profile/feed/reissue").status_code == 302
    db.session.refresh(viewer)
    assert client.get(url).status_code == 404
    assert client.get(feed_url(viewer)).status_code == 200


def test_participant_page_offers_the_feed_as_link_webcal_qr_and_download(
    ambassador, client, signed_in
):
    signed_in(Role.PLANNER)
    page = client.get(programme_url(ambassador)).text
    url = f"http://127.0.0.1:5000{feed_url(ambassador)}"
    assert f'value="{url}"' in page
    assert f'href="{url.replace("http://", "webcal://")}"' in page
    assert re.search(r'<img class="calendar-feed__qr-image" src="data:image/svg\+xml;[^"]+"', page)
    download = f"/visits/{ambassador.visit_id}/participants/{ambassador.id}/calendar.ics"
    assert f'href="{download}"' in page
    assert f'action="{feed_action(ambassador, "revoke")}"' in page
    assert f'action="{feed_action(ambassador, "reissue")}"' in page
    assert "style=" not in page.split('id="calendar"')[1]  # the CSP forbids inline styles
    # The copy printed for the guest carries no link.
    printed = client.get(programme_url(ambassador) + "?print=participant").text
    assert "/feeds/" not in printed


def test_feed_tokens_are_long_enough_to_be_unguessable(ambassador):
    mac = feed_token(SECRET, ambassador).rsplit(".", 1)[1]
    assert len(mac) * 6 >= 128


def test_a_feed_built_anew_loads_only_what_it_prints(demo_visit, ambassador, planner, client):
    # A staff feed prints no attendees, and a participant's reads who attends a stop by id
    # alone (to know their own programme): never every attendee's person.
    def sent(owner) -> list[str]:
        rendered.calendars.clear()
        url = feed_url(owner)
        with Statements() as statements:
            assert client.get(url).status_code == 200
        return [" ".join(statement.split()) for statement in statements]

    staff = sent(planner)
    assert not [s for s in staff if "stop_attendees" in s or "people" in s]
    participant = sent(ambassador)
    attendees = [s for s in participant if "JOIN stop_attendees" in s]
    assert len(attendees) == 1
    selected = attendees[0].split(" FROM ")[0]
    assert selected == "SELECT stops_1.id AS stops_1_id, participants.id AS participants_id"
    assert len([s for s in participant if "people" in s]) <= 1  # the owner's own name
