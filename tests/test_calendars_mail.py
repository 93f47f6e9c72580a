"""E-mail invitations and updates (iTIP, RFC 5546) arrive at a real SMTP server on loopback."""

import email
import email.policy
import html
import re
import smtplib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from planner.accounts.models import Role
from planner.bidi import isolate_text
from planner.calendars.mail import letter_locale, plan_updates
from planner.calendars.models import MailMessage, MailStatus, Method, SentEvent
from planner.extensions import db
from planner.itinerary.models import Stop, StopStatus
from planner.itinerary.operations import delete_stop, update_stop
from planner.people.models import Person
from planner.visits.models import Participant, Visit
from tests.conftest import count
from tests.icscheck import check_all, check_with_shared_tool, shared_checker_available, unfold
from tests.itipcheck import check_itip
from tests.smtp import SENDER, free_port


@pytest.fixture
def planner(signed_in):
    return signed_in(Role.PLANNER)


def fingerprint(page: str) -> str:
    return re.search(r'name="fingerprint" value="([0-9a-f]+)"', page).group(1)


def send(client, visit: Visit, kind: str):
    """Open the preview, then press Send on it, as a planner does."""
    preview = client.get(f"/visits/{visit.id}/mail/{kind}")
    assert preview.status_code == 200, preview.text
    return client.post(
        f"/visits/{visit.id}/mail/{kind}",
        data={"fingerprint": fingerprint(preview.text)},
        follow_redirects=True,
    )


def stop_titled(visit: Visit, title: str) -> Stop:
    return next(stop for stop in visit.stops if stop.title == title)


def participant_named(visit: Visit, name: str) -> Participant:
    return next(p for p in visit.participants if p.person.full_name_latin == name)


def programme_uids(visit: Visit, participant: Participant) -> set[str]:
    return {
        stop.calendar_uid
        for stop in visit.stops
        if stop.deleted_at is None and not stop.is_cancelled and participant in stop.attendees
    }


def fresh(visit: Visit) -> Visit:
    """The visit as the requests left it (they run in their own database sessions)."""
    db.session.expire_all()
    return db.session.get(Visit, visit.id)


def edit(stop: Stop, acting, **values) -> None:
    update_stop(db.session, stop, acting=acting, expected_version=stop.version, **values)
    db.session.commit()


def move(stop: Stop, minutes: int, acting) -> None:
    delta = timedelta(minutes=minutes)
    edit(stop, acting, starts_at=stop.starts_at + delta, ends_at=stop.ends_at + delta)


def take_off(stop: Stop, participant: Participant, acting) -> None:
    edit(stop, acting, attendees=[p for p in stop.attendees if p.id != participant.id])


@pytest.fixture
def programme_sent(client, planner, demo_visit, smtp_server) -> Visit:
    """The demo after "Send programme": everyone has their invitation, the inbox is empty again."""
    send(client, demo_visit, "programme")
    smtp_server.clear()
    return fresh(demo_visit)


# --- Send programme ---------------------------------------------------------------------------


def test_send_programme_invites_each_participant_to_each_of_their_stops_a_letter_a_stop(
    client, planner, demo_visit, smtp_server
):
    """Outlook and Gmail act on the first event of an invitation only: each stop comes in a
    letter of its own, one METHOD:REQUEST for one UID."""
    response = send(client, demo_visit, "programme")
    assert response.status_code == 200
    visit = fresh(demo_visit)
    expected = {p.person.email: p for p in visit.participants if programme_uids(visit, p)}
    letters = sum(len(programme_uids(visit, p)) for p in expected.values())
    assert len(expected) == 20 and letters > len(expected)
    assert f"{letters} messages sent." in response.text
    assert count(MailMessage) == letters

    received = smtp_server.letters_by_recipient()
    assert set(received) == set(expected)
    ambassador = visit.head_of_delegation
    assert len(received[ambassador.person.email]) == len(programme_uids(visit, ambassador)) > 10
    for address, mails in received.items():
        participant = expected[address]
        uids = [mail.uid for mail in mails]
        assert sorted(uids) == sorted(programme_uids(visit, participant))
        for mail in mails:
            stop = next(s for s in visit.stops if s.calendar_uid == mail.uid)
            assert unfold(mail.calendar_bytes).count("\r\nUID:") == 1
            assert mail.envelope_to == [address]
            assert address in mail.message["To"] and SENDER in mail.message["From"]
            assert mail.message["Subject"] == invitation_subject(participant, stop)
            assert mail.message["Message-ID"] and mail.message["Date"]
            content_types = [part.get_content_type() for part in mail.message.walk()]
            assert {"text/plain", "text/html", "text/calendar", "application/ics"} <= set(
                content_types
            )
            attachment = mail.part("application/ics")
            assert attachment.get_filename() == "invite.ics"
            assert attachment.get_payload(decode=True) == mail.calendar_bytes
            assert mail.calendar_part.get_param("method") == "REQUEST"
            assert mail.calendar_part.get_content_charset() == "utf-8"
            assert mail.method == "REQUEST"
            event = mail.event
            assert event["SEQUENCE"] == stop.sequence
            assert [str(a) for a in _list(event["ATTENDEE"])] == [f"mailto:{address}"]
            assert str(event["ORGANIZER"]) == f"mailto:{SENDER}"
            assert stop.title in mail.text and stop.title in mail.html


def invitation_subject(participant: Participant, stop: Stop) -> str:
    if writes_to_in_persian(participant):
        return f"دعوت‌نامه: {isolate_text(stop.title)}"
    return f"Invitation: {isolate_text(stop.title)}"


def writes_to_in_persian(participant: Participant) -> bool:
    """In the demo, Iranians who speak Persian read Persian; everyone else reads English,
    the office's language, which every foreign guest of the demo speaks or has no rival to."""
    person = participant.person
    return "fa" in person.languages and (person.nationality == "IR" or "en" not in person.languages)


def _list(value) -> list:
    return value if isinstance(value, list) else [value]


def test_programme_mail_holds_public_text_only_and_local_times(
    client, planner, demo_visit, smtp_server
):
    send(client, demo_visit, "programme")
    visit = fresh(demo_visit)
    ambassador = participant_named(visit, "Nurlan Zhaksylykov")
    castle = stop_titled(visit, "Visit to Falak-ol-Aflak Castle")
    letters = smtp_server.letters_by_recipient()[ambassador.person.email]
    [mail] = [letter for letter in letters if letter.uid == castle.calendar_uid]
    # 10:45 in Khorramabad, and 12:15 beside it in Almaty (UTC+05:00, 90 minutes ahead).
    assert "10:45–12:05" in mail.text and "Almaty 12:15–13:35" in mail.text
    assert "Falak-ol-Aflak Hill, city centre, Khorramabad" in mail.text
    assert castle.public_description.split(" and its museums")[0] in mail.text
    assert "10:45–12:05" in mail.html

    secrets = [visit.notes] + [stop.staff_notes for stop in visit.stops if stop.staff_notes]
    every_letter = smtp_server.received()
    calendar_text = " ".join(
        str(event.get(name, ""))
        for letter in every_letter
        for event in letter.calendar.walk("VEVENT")
        for name in ("SUMMARY", "DESCRIPTION", "LOCATION")
    )
    everything = " ".join(
        [calendar_text]
        + [part for m in every_letter for part in (m.text, m.html, m.raw.decode("ascii"))]
    )
    for secret in secrets:
        assert secret[:40] not in everything

    # Read back by ical.js as a calendar client would: times are the planned local ones.
    calendars = [m.calendar_bytes for m in smtp_server.received()]
    report = check_all(calendars)
    if shared_checker_available():
        check_with_shared_tool(calendars)
    seen = {item["uid"]: item for calendar in report for item in calendar["items"]}
    assert all(calendar["method"] == "REQUEST" for calendar in report)
    item = seen[castle.calendar_uid]
    assert item["tzid"] == "Asia/Tehran"
    assert item["start_local"].startswith("2026-12-16T10:45")
    assert item["start_utc"] == castle.starts_at.isoformat().replace("+00:00", ".000Z")


def test_each_participant_is_written_to_in_their_own_language(
    client, planner, demo_visit, smtp_server
):
    """The Kazakh ambassador reads English; the chamber's president reads Persian, right to
    left, with Solar Hijri dates and Persian digits. The calendar inside is the same."""
    send(client, demo_visit, "programme")
    visit = fresh(demo_visit)
    received = smtp_server.letters_by_recipient()
    castle = stop_titled(visit, "Visit to Falak-ol-Aflak Castle")

    ambassador = participant_named(visit, "Nurlan Zhaksylykov")
    for mail in received[ambassador.person.email]:
        stop = next(s for s in visit.stops if s.calendar_uid == mail.uid)
        assert mail.message["Subject"] == f"Invitation: {isolate_text(stop.title)}"
        assert mail.text.startswith("Dear ")
        assert 'dir="ltr"' in mail.html

    president = participant_named(visit, "Bahram Sepahvand")  # languages: fa, en
    for host in received[president.person.email]:
        stop = next(s for s in visit.stops if s.calendar_uid == host.uid)
        assert host.message["Subject"] == f"دعوت‌نامه: {isolate_text(stop.title)}"
        assert "گرامی،" in host.text and "Dear " not in host.text
        assert 'dir="rtl"' in host.html and 'lang="fa"' in host.html
        assert "۱۴۰۵" in host.text  # December 2026 in the Solar Hijri calendar
        if stop == castle:
            assert "۱۰:۴۵–۱۲:۰۵" in host.text
    # Times in the calendar do not depend on the letter's language.
    starts = {str(m.event["DTSTART"].dt) for m in received[president.person.email]}
    assert starts <= {str(m.event["DTSTART"].dt) for ms in received.values() for m in ms}


def test_a_letter_is_in_the_reader_s_language_when_pishvaz_writes_it():
    def reader(nationality, *languages) -> Person:
        return Person(
            full_name_latin="Reader",
            full_name_native="Reader",
            nationality=nationality,
            languages=list(languages),
        )

    assert letter_locale(reader("IR", "en", "fa"), "en") == "fa"  # their country's language
    assert letter_locale(reader("KZ", "en", "kk", "ru"), "fa") == "en"  # no Kazakh: English
    assert letter_locale(reader("KZ", "en", "fa", "kk"), "fa") == "fa"  # the office's, spoken
    assert letter_locale(reader("KZ", "fa", "kk", "ru"), "en") == "fa"  # the one they read
    assert letter_locale(reader("KZ", "kk", "ru"), "fa") == "fa"  # none: the office's
    assert letter_locale(reader(None), "en") == "en"


def test_participant_without_an_address_is_listed_and_gets_nothing(
    client, planner, demo_visit, smtp_server, add_participant
):
    guest = add_participant(demo_visit, "Yerlan Nurpeisov")
    castle = stop_titled(demo_visit, "Visit to Falak-ol-Aflak Castle")
    castle.attendees.append(guest)
    db.session.commit()

    preview = client.get(f"/visits/{demo_visit.id}/mail/programme")
    assert "No e-mail address" in preview.text and "Yerlan Nurpeisov" in preview.text
    send(client, demo_visit, "programme")
    visit = fresh(demo_visit)
    letters = sum(len(programme_uids(visit, p)) for p in visit.participants if p.person.email)
    assert len(smtp_server.received()) == letters
    assert count(MailMessage) == letters
    assert len(smtp_server.letters_by_recipient()) == 20


# --- Send updates -----------------------------------------------------------------------------


def test_updates_go_to_the_affected_only_with_a_higher_sequence_and_cancellations(
    client, planner, programme_sent, smtp_server
):
    visit = programme_sent
    stone = stop_titled(visit, "Tour of Sefidkuh Stone Industries")
    castle = stop_titled(visit, "Visit to Falak-ol-Aflak Castle")
    photographer = participant_named(visit, "Babak Rashidi")
    sent_sequence = stone.sequence
    cancelled_from = castle.sequence

    move(stone, 30, planner)
    take_off(castle, photographer, planner)

    response = send(client, visit, "updates")
    visit = fresh(visit)
    stone = stop_titled(visit, "Tour of Sefidkuh Stone Industries")
    assert stone.sequence > sent_sequence
    received = smtp_server.by_recipient()
    stone_people = {p.person.email for p in stone.attendees}
    assert set(received) == stone_people | {photographer.person.email}
    assert f"{len(stone_people) + 1} messages sent." in response.text

    languages = set()
    for participant in stone.attendees:
        mail = received[participant.person.email]
        assert mail.method == "REQUEST"
        assert mail.calendar_part.get_param("method") == "REQUEST"
        assert list(mail.events) == [stone.calendar_uid]
        assert mail.events[stone.calendar_uid]["SEQUENCE"] == stone.sequence
        if writes_to_in_persian(participant):
            languages.add("fa")
            assert mail.message["Subject"] == f"تغییر کرد: {isolate_text(stone.title)}"
            assert "۰۹:۰۰–۱۰:۱۵ ← ۰۹:۳۰–۱۰:۴۵" in mail.text
        else:
            languages.add("en")
            assert mail.message["Subject"] == f"Changed: {isolate_text(stone.title)}"
            assert "09:00–10:15 → 09:30–10:45" in mail.text
    assert languages == {"en", "fa"}  # the tour has Kazakh guests and Persian hosts

    cancellation = received[photographer.person.email]
    assert cancellation.calendar_part.get_param("method") == "CANCEL"
    assert cancellation.method == "CANCEL"
    assert writes_to_in_persian(photographer)
    assert cancellation.message["Subject"] == "لغو شد: \u2068Visit to Falak-ol-Aflak Castle\u2069"
    event = cancellation.events[castle.calendar_uid]
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] > cancelled_from
    assert list(cancellation.events) == [castle.calendar_uid]

    # Nobody else: not the mayor, not the castle director who stays on the castle visit.
    for name in ("Reza Hassanvand", "Nasrin Gholami", "Mehdi Dalvand"):
        assert participant_named(visit, name).person.email not in received

    calendars = [m.calendar_bytes for m in received.values()]
    report = check_all(calendars)
    assert {calendar["method"] for calendar in report} == {"REQUEST", "CANCEL"}
    check_itip(calendars)
    if shared_checker_available():
        check_with_shared_tool(calendars)

    smtp_server.clear()
    again = client.get(f"/visits/{visit.id}/mail/updates")
    assert "Nothing changed" in again.text
    response = client.post(
        f"/visits/{visit.id}/mail/updates",
        data={"fingerprint": fingerprint(again.text)},
        follow_redirects=True,
    )
    assert "There was nothing to send." in response.text
    assert smtp_server.received() == []


def test_updates_preview_shows_who_and_what_changed_and_sends_nothing(
    client, planner, programme_sent, smtp_server
):
    visit = programme_sent
    move(stop_titled(visit, "Tour of Sefidkuh Stone Industries"), 30, planner)
    take_off(
        stop_titled(visit, "Visit to Falak-ol-Aflak Castle"),
        participant_named(visit, "Babak Rashidi"),
        planner,
    )
    messages, sent_events = count(MailMessage), count(SentEvent)
    sent_before = {
        (row.stop_id, row.participant_id): row.sequence
        for row in db.session.scalars(sa.select(SentEvent))
    }

    page = client.get(f"/visits/{visit.id}/mail/updates").text
    assert "Maryam Papi" in page  # the stone company's director, on the moved tour
    assert "<del>09:00–10:15</del> → <ins>09:30–10:45</ins>" in page
    assert "Babak Rashidi" in page and "no longer attending" in page
    assert "Reza Hassanvand" not in page  # the mayor: unaffected
    assert "Google Calendar only every 12 hours" in page

    assert smtp_server.received() == []
    db.session.expire_all()
    assert (count(MailMessage), count(SentEvent)) == (messages, sent_events)
    assert {
        (row.stop_id, row.participant_id): row.sequence
        for row in db.session.scalars(sa.select(SentEvent))
    } == sent_before
    assert client.get(f"/visits/{visit.id}/mail/programme").status_code == 200
    assert count(MailMessage) == messages


def test_confirming_a_stop_tells_its_attendees_the_new_status(
    client, planner, programme_sent, smtp_server
):
    visit = programme_sent
    lunch = stop_titled(visit, "Lunch hosted by the Mayor of Khorramabad")
    edit(lunch, planner, status=StopStatus.CONFIRMED)

    page = client.get(f"/visits/{visit.id}/mail/updates").text
    assert "<del>Planned</del> → <ins>Confirmed</ins>" in page
    send(client, visit, "updates")
    received = smtp_server.by_recipient()
    assert set(received) == {p.person.email for p in lunch.attendees}
    event = next(iter(received.values())).events[lunch.calendar_uid]
    assert str(event["STATUS"]) == "CONFIRMED"


def test_adding_someone_to_a_stop_invites_only_them(client, planner, programme_sent, smtp_server):
    visit = programme_sent
    castle = stop_titled(visit, "Visit to Falak-ol-Aflak Castle")
    mayor = participant_named(visit, "Reza Hassanvand")
    edit(castle, planner, attendees=[*castle.attendees, mayor])

    send(client, visit, "updates")
    received = smtp_server.by_recipient()
    # The others' calendars show the castle visit exactly as before: nobody else is disturbed.
    assert list(received) == [mayor.person.email]
    assert list(received[mayor.person.email].events) == [castle.calendar_uid]
    assert writes_to_in_persian(mayor)
    assert "موارد تازه در برنامهٔ سفر شما" in received[mayor.person.email].text


def test_a_binned_stop_is_cancelled_for_everyone_who_was_invited(
    client, planner, programme_sent, smtp_server
):
    visit = programme_sent
    breakfast = stop_titled(visit, "Working breakfast on grain imports")
    delete_stop(db.session, breakfast, acting=planner)
    db.session.commit()

    page = client.get(f"/visits/{visit.id}/mail/updates").text
    assert "the stop was taken off the programme" in page
    send(client, visit, "updates")
    received = smtp_server.by_recipient()
    assert set(received) == {p.person.email for p in breakfast.attendees}
    assert {mail.method for mail in received.values()} == {"CANCEL"}


def test_send_refuses_a_plan_that_changed_since_the_preview(
    client, planner, programme_sent, smtp_server
):
    visit = programme_sent
    stone = stop_titled(visit, "Tour of Sefidkuh Stone Industries")
    move(stone, 30, planner)
    preview = client.get(f"/visits/{visit.id}/mail/updates").text
    move(stop_titled(fresh(visit), "Visit to Falak-ol-Aflak Castle"), 15, planner)

    response = client.post(
        f"/visits/{visit.id}/mail/updates", data={"fingerprint": fingerprint(preview)}
    )
    assert response.status_code == 409
    assert "The programme changed while you were reading this page" in response.text
    assert "Visit to Falak-ol-Aflak Castle" in response.text
    assert smtp_server.received() == []


# --- Failures and retries ---------------------------------------------------------------------


def test_smtp_failure_keeps_every_message_and_a_retry_sends_it_as_it_was(
    app, client, planner, demo_visit, smtp_server
):
    app.config["SMTP_PORT"] = free_port()  # nothing listens there
    response = send(client, demo_visit, "programme")
    visit = fresh(demo_visit)
    letters = sum(len(programme_uids(visit, p)) for p in visit.participants if p.person.email)
    assert f"{letters} messages could not be sent" in response.text
    assert "Connection refused" in response.text
    assert f'<a href="/visits/{demo_visit.id}/mail/log">Open the mail log</a>' in response.text
    assert smtp_server.received() == []

    db.session.expire_all()
    messages = db.session.scalars(sa.select(MailMessage)).all()
    assert len(messages) == letters
    assert {(m.status, m.attempts) for m in messages} == {(MailStatus.FAILED, 1)}
    assert all("Connection refused" in m.error for m in messages)
    assert count(SentEvent) == 0
    log = client.get(f"/visits/{demo_visit.id}/mail/log").text
    assert log.count("badge--mail-failed") == letters and "Connection refused" in log

    app.config["SMTP_PORT"] = smtp_server.port  # the server is back
    response = client.post(f"/visits/{demo_visit.id}/mail/retry", follow_redirects=True)
    assert f"{letters} messages sent." in response.text
    db.session.expire_all()
    messages = db.session.scalars(sa.select(MailMessage)).all()
    assert {(m.status, m.attempts, m.error) for m in messages} == {(MailStatus.SENT, 2, None)}
    assert all(m.sent_at is not None for m in messages)
    stored = {
        email.message_from_string(m.body, policy=email.policy.default)["Message-ID"]: m
        for m in messages
    }
    received = smtp_server.received()
    assert {mail.message["Message-ID"] for mail in received} == set(stored)
    for mail in received:
        kept = stored[mail.message["Message-ID"]]
        assert mail.envelope_to == [kept.recipient]
        sent_again = email.message_from_bytes(
            kept.body.encode("ascii"), policy=email.policy.default
        )
        assert mail.calendar_bytes == next(
            p for p in sent_again.walk() if p.get_content_type() == "text/calendar"
        ).get_payload(decode=True)
    visit = fresh(demo_visit)
    assert count(SentEvent) == sum(len(programme_uids(visit, p)) for p in visit.participants)


def test_a_failed_update_is_offered_again_and_sent_event_moves_only_on_success(
    app, client, planner, programme_sent, smtp_server
):
    visit = programme_sent
    stone = stop_titled(visit, "Tour of Sefidkuh Stone Industries")
    old_sequence = stone.sequence
    move(stone, 30, planner)

    app.config["SMTP_PORT"] = free_port()
    send(client, visit, "updates")
    db.session.expire_all()
    sent = db.session.scalars(sa.select(SentEvent).where(SentEvent.stop_id == stone.id)).all()
    assert {row.sequence for row in sent} == {old_sequence}
    assert len(plan_updates(db.session, fresh(visit)).recipients) == len(stone.attendees)
    failed = db.session.scalars(
        sa.select(MailMessage).where(MailMessage.status == MailStatus.FAILED)
    ).all()
    assert len(failed) == len(stone.attendees)

    app.config["SMTP_PORT"] = smtp_server.port
    first = failed[0]
    response = client.post(f"/visits/{visit.id}/mail/{first.id}/retry", follow_redirects=True)
    assert "1 message sent." in response.text
    assert [m.envelope_to for m in smtp_server.received()] == [[first.recipient]]
    db.session.expire_all()
    moved = db.session.scalars(
        sa.select(SentEvent).where(
            SentEvent.stop_id == stone.id, SentEvent.participant_id == first.participant_id
        )
    ).one()
    assert moved.sequence == stone.sequence and moved.method == Method.REQUEST
    assert moved.starts_at == stone.starts_at
    still_offered = plan_updates(db.session, fresh(visit)).recipients
    assert first.participant_id not in {r.participant.id for r in still_offered}
    assert len(still_offered) == len(stone.attendees) - 1


# --- Who may do what --------------------------------------------------------------------------


def test_viewer_reads_the_mail_log_but_cannot_send(client, signed_in, demo_visit, smtp_server):
    signed_in(Role.VIEWER)
    for kind in ("programme", "updates"):
        assert client.get(f"/visits/{demo_visit.id}/mail/{kind}").status_code == 403
        assert client.post(f"/visits/{demo_visit.id}/mail/{kind}").status_code == 403
    assert client.post(f"/visits/{demo_visit.id}/mail/retry").status_code == 403
    log = client.get(f"/visits/{demo_visit.id}/mail/log")
    assert log.status_code == 200 and "No e-mail has been sent for this visit." in log.text
    assert "Send again" not in log.text
    assert smtp_server.received() == []


def test_visit_page_offers_the_mail_pages_to_planners(client, signed_in, demo_visit):
    signed_in(Role.PLANNER)
    page = client.get(f"/visits/{demo_visit.id}").text
    assert f"/visits/{demo_visit.id}/mail/programme" in page
    assert f"/visits/{demo_visit.id}/mail/updates" in page
    assert f"/visits/{demo_visit.id}/mail/log" in page


def test_message_of_another_visit_is_not_found(client, planner, demo_visit, create_visit):
    other = create_visit(title="Another visit")
    message = MailMessage(
        visit_id=demo_visit.id,
        recipient="someone@example.org",
        subject="Programme",
        method=Method.REQUEST,
        stop_ids=[],
        body="",
        status=MailStatus.FAILED,
    )
    db.session.add(message)
    db.session.commit()
    assert client.post(f"/visits/{other.id}/mail/{message.id}/retry").status_code == 404


def test_removing_a_participant_from_the_visit_cancels_their_invitations(
    client, programme_sent, smtp_server
):
    visit = programme_sent
    driver = next(p for p in visit.participants if p.role.value == "driver" and p.person.email)
    driver_id, address = driver.id, driver.person.email
    invited = {
        stop.calendar_uid: stop.sequence
        for stop in visit.stops
        if stop.calendar_uid in programme_uids(visit, driver)
    }
    assert invited
    response = client.post(
        f"/visits/{visit.id}/participants/{driver_id}/remove", follow_redirects=True
    )
    assert "A cancellation went to" in response.text
    farewells = smtp_server.received()
    assert sorted(farewell.uid for farewell in farewells) == sorted(invited)  # one a stop
    for farewell in farewells:
        assert farewell.envelope_to == [address]
        assert farewell.calendar_part.get_param("method") == "CANCEL"
        assert farewell.method == "CANCEL"
        event = farewell.event
        assert str(event["STATUS"]) == "CANCELLED"
        assert int(event["SEQUENCE"]) > invited[farewell.uid]  # outranks the invitation
    check_itip([farewell.calendar_bytes for farewell in farewells])
    assert driver_id not in {p.id for p in fresh(visit).participants}


# --- Sent after the commit ----------------------------------------------------------------


def driver_of(visit: Visit) -> Participant:
    return next(p for p in visit.participants if p.role.value == "driver" and p.person.email)


def test_letters_go_out_only_once_the_change_that_asks_for_them_is_committed(
    client, programme_sent, smtp_server, monkeypatch
):
    visit = programme_sent
    driver_id = driver_of(visit).id
    happened = []
    commit, sendmail = db.session.commit, smtplib.SMTP.sendmail

    def commit_and_note():
        happened.append("commit")
        commit()

    def send_and_note(smtp, *args, **kwargs):
        happened.append("send")
        return sendmail(smtp, *args, **kwargs)

    monkeypatch.setattr(db.session, "commit", commit_and_note)
    monkeypatch.setattr(smtplib.SMTP, "sendmail", send_and_note)
    response = client.post(f"/visits/{visit.id}/participants/{driver_id}/remove")
    monkeypatch.undo()

    assert response.status_code == 302
    # The removal (and the queued cancellations, one a stop) is saved, then they are sent,
    # then the log says so.
    messages = db.session.scalars(
        sa.select(MailMessage).where(MailMessage.method == Method.CANCEL)
    ).all()
    assert len(messages) > 1
    assert happened == ["commit", *["send"] * len(messages), "commit"]
    assert {(m.status, m.participant_id) for m in messages} == {(MailStatus.SENT, None)}


def test_no_letter_goes_out_for_a_removal_that_was_never_saved(
    client, programme_sent, smtp_server, monkeypatch
):
    visit = programme_sent
    driver_id = driver_of(visit).id

    def refuse():
        raise sa.exc.OperationalError("COMMIT", {}, Exception("the database went away"))

    monkeypatch.setattr(db.session, "commit", refuse)
    with pytest.raises(sa.exc.OperationalError):
        client.post(f"/visits/{visit.id}/participants/{driver_id}/remove")
    monkeypatch.undo()

    assert smtp_server.received() == []
    assert driver_id in {p.id for p in fresh(visit).participants}
    cancellations = sa.select(MailMessage).where(MailMessage.method == Method.CANCEL)
    assert db.session.scalars(cancellations).all() == []


def test_sending_the_programme_waits_for_the_commit_too(
    client, planner, demo_visit, smtp_server, monkeypatch
):
    preview = client.get(f"/visits/{demo_visit.id}/mail/programme")

    def refuse():
        raise sa.exc.OperationalError("COMMIT", {}, Exception("the database went away"))

    monkeypatch.setattr(db.session, "commit", refuse)
    with pytest.raises(sa.exc.OperationalError):
        client.post(
            f"/visits/{demo_visit.id}/mail/programme",
            data={"fingerprint": fingerprint(preview.text)},
        )
    monkeypatch.undo()

    assert smtp_server.received() == []
    assert count(MailMessage) == 0


# --- Every letter is one stop, and every client can act on it --------------------------------


def itip_calendar_properties(data: bytes) -> set[str]:
    """The VCALENDAR's and the VTIMEZONEs' own properties, as NAME or VTIMEZONE:NAME."""
    names, open_components = set(), []
    for line in unfold(data).split("\r\n"):
        if line.startswith("BEGIN:"):
            open_components.append(line[len("BEGIN:") :])
        elif line.startswith("END:"):
            open_components.pop()
        elif open_components in (["VCALENDAR"], ["VCALENDAR", "VTIMEZONE"]):
            prefix = "VTIMEZONE:" if len(open_components) == 2 else ""
            names.add(prefix + line.split(":", 1)[0].split(";", 1)[0])
    return names


def test_every_letter_of_a_programme_update_and_cancel_sequence_is_one_stop_every_client_reads(
    client, planner, demo_visit, smtp_server
):
    """Send programme; move a stop, take someone off one, bin one, add someone to one, send
    updates; remove a participant. Every letter holds one event with one UID, parses in
    ical.js and passes libical's iTIP restrictions; a REQUEST's SEQUENCE rises on update."""
    send(client, demo_visit, "programme")
    programme = smtp_server.received()
    first_sequence = {(m.envelope_to[0], m.uid): int(m.event["SEQUENCE"]) for m in programme}
    smtp_server.clear()

    visit = fresh(demo_visit)
    stone = stop_titled(visit, "Tour of Sefidkuh Stone Industries")
    castle = stop_titled(visit, "Visit to Falak-ol-Aflak Castle")
    breakfast = stop_titled(visit, "Working breakfast on grain imports")
    photographer = participant_named(visit, "Babak Rashidi")
    mayor = participant_named(visit, "Reza Hassanvand")
    move(stone, 30, planner)
    take_off(castle, photographer, planner)
    edit(castle, planner, attendees=[*castle.attendees, mayor])
    delete_stop(db.session, breakfast, acting=planner)
    db.session.commit()
    send(client, visit, "updates")
    updates = smtp_server.received()
    smtp_server.clear()

    visit = fresh(visit)
    driver = driver_of(visit)
    response = client.post(f"/visits/{visit.id}/participants/{driver.id}/remove")
    assert response.status_code == 302
    farewells = smtp_server.received()

    letters = [*programme, *updates, *farewells]
    assert updates and farewells
    for mail in letters:
        assert len(mail.calendar.walk("VEVENT")) == 1
        assert unfold(mail.calendar_bytes).count("\r\nUID:") == 1
        assert mail.calendar_part.get_param("method") == mail.method
        properties = itip_calendar_properties(mail.calendar_bytes)
        assert "X-WR-CALNAME" not in properties and "VTIMEZONE:COMMENT" not in properties
        assert "VTIMEZONE:TZID" in properties
    reports = check_all([mail.calendar_bytes for mail in letters])
    assert all(len(report["items"]) == 1 for report in reports)
    check_itip([mail.calendar_bytes for mail in letters])

    # The updates: a higher SEQUENCE for the moved tour; a CANCEL for the photographer's
    # castle visit and for the binned breakfast; the mayor's invitation to the castle.
    kinds = {(m.envelope_to[0], m.uid): m for m in updates}
    for participant in stone.attendees:
        mail = kinds[(participant.person.email, stone.calendar_uid)]
        assert mail.method == "REQUEST"
        assert (
            int(mail.event["SEQUENCE"])
            > first_sequence[(participant.person.email, stone.calendar_uid)]
        )
    cancelled = kinds[(photographer.person.email, castle.calendar_uid)]
    assert (cancelled.method, cancelled.calendar_part.get_param("method")) == ("CANCEL", "CANCEL")
    assert str(cancelled.event["STATUS"]) == "CANCELLED"
    for participant in breakfast.attendees:
        assert kinds[(participant.person.email, breakfast.calendar_uid)].method == "CANCEL"
    assert kinds[(mayor.person.email, castle.calendar_uid)].method == "REQUEST"
    assert {m.method for m in farewells} == {"CANCEL"}


def test_the_mail_log_shows_each_person_s_letters_together(
    client, planner, programme_sent, smtp_server
):
    visit = programme_sent
    page = client.get(f"/visits/{visit.id}/mail/log").text
    groups = page.split('<tbody class="mail-log__person">')[1:]
    people = [p for p in visit.participants if p.person.email and programme_uids(visit, p)]
    assert len(groups) == len(people) == 20
    ambassador = visit.head_of_delegation
    [theirs] = [group for group in groups if ambassador.person.email in group.split("</th>")[0]]
    stops = programme_uids(visit, ambassador)
    assert theirs.count('class="mail-log__row ') == len(stops)
    assert f"· {len(stops)} letters" in theirs
    for stop in visit.stops:
        if stop.calendar_uid in stops:
            assert f"Invitation: {isolate_text(stop.title)}" in html.unescape(theirs)
