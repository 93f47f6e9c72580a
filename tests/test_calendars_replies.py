"""Participants' answers to their invitations: by the link in a letter, on their own
programme page, and by an iTIP REPLY read from the office's mailbox over IMAP."""

import email
import email.policy
import re
from email.message import EmailMessage

import pytest
import sqlalchemy as sa

from planner.accounts.models import Role
from planner.calendars import feeds, replies
from planner.calendars.mail import plan_programme, queue_messages
from planner.calendars.mail.letters import MailSettings
from planner.calendars.models import CalendarVersion
from planner.clock import utc_now
from planner.extensions import db
from planner.itinerary.checks import AttendeeInfo, Plan, StopInfo, check_declines
from planner.itinerary.findings import Code
from planner.itinerary.models import ReplyChannel, ReplyStatus, Stop, StopReply
from planner.itinerary.snapshot import check_visit
from planner.visits.models import ParticipantRole
from tests import imap

SECRET = "test-secret"  # conftest.make_app's SECRET_KEY


@pytest.fixture
def ambassador(demo_visit):
    return demo_visit.head_of_delegation


@pytest.fixture
def meeting(demo_visit, ambassador):
    return next(stop for stop in demo_visit.live_stops if ambassador in stop.attendees)


def stop_link(participant, stop) -> str:
    return replies.stop_reply_path(SECRET, participant, stop.id)


def programme_link(participant) -> str:
    return f"/replies/{replies.reply_token(SECRET, participant)}"


def answers() -> list[tuple[int, int, ReplyStatus, ReplyChannel]]:
    rows = db.session.scalars(sa.select(StopReply).order_by(StopReply.id))
    return [(r.stop_id, r.participant_id, r.status, r.channel) for r in rows]


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_the_letters_link_opens_a_page_and_its_get_answers_nothing(client, ambassador, meeting):
    response = client.get(stop_link(ambassador, meeting))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"  # the address is the secret
    assert meeting.title in response.text
    assert 'value="accept"' in response.text and 'value="decline"' in response.text
    assert answers() == []


def test_accepting_by_the_link_needs_the_pages_csrf_token(app, client, ambassador, meeting):
    app.config["WTF_CSRF_ENABLED"] = True  # the app fixture restores the test settings
    link = stop_link(ambassador, meeting)
    assert client.post(link, data={"answer": "accept"}).status_code == 400
    assert answers() == []
    token = csrf_token(client.get(link).text)
    response = client.post(link, data={"answer": "accept", "csrf_token": token})
    assert response.status_code == 302
    assert answers() == [(meeting.id, ambassador.id, ReplyStatus.ACCEPTED, ReplyChannel.LINK)]
    page = client.get(link).text
    assert 'data-status="ACCEPTED"' in page
    assert "You accepted" in page


def test_declining_replaces_the_earlier_answer(client, ambassador, meeting):
    client.post(stop_link(ambassador, meeting), data={"answer": "accept"})
    client.post(stop_link(ambassador, meeting), data={"answer": "decline"})
    assert answers() == [(meeting.id, ambassador.id, ReplyStatus.DECLINED, ReplyChannel.LINK)]


def test_an_answer_that_is_neither_is_refused_in_words(client, ambassador, meeting):
    response = client.post(stop_link(ambassador, meeting), data={"answer": "maybe"})
    assert response.status_code == 302
    assert "Choose Accept or Decline." in client.get(response.location).text
    assert answers() == []


def test_a_forged_revoked_or_foreign_link_is_404(client, demo_visit, ambassador, meeting):
    link = stop_link(ambassador, meeting)
    forged = link.replace(replies.reply_token(SECRET, ambassador), f"r{ambassador.id}.1.{'A' * 27}")
    assert client.get(forged).status_code == 404
    assert client.post(forged, data={"answer": "accept"}).status_code == 404
    # The feed's token is not a reply token, nor the other way round.
    feed = feeds.feed_token(SECRET, ambassador)
    assert client.get(f"/replies/{feed}").status_code == 404
    assert client.get(f"/feeds/{replies.reply_token(SECRET, ambassador)}.ics").status_code == 404
    # A stop they do not attend.
    other = next(s for s in demo_visit.live_stops if ambassador not in s.attendees)
    assert client.get(stop_link(ambassador, other)).status_code == 404
    # Revoking their calendar link ends the reply link too.
    feeds.revoke_feed(db.session, ambassador)
    db.session.commit()
    assert client.get(link).status_code == 404
    assert client.post(link, data={"answer": "accept"}).status_code == 404
    assert answers() == []
    # Reissued: the new link works, the old one stays dead.
    feeds.reissue_feed(db.session, ambassador)
    db.session.commit()
    assert client.get(link).status_code == 404
    assert client.get(stop_link(ambassador, meeting)).status_code == 200


def test_the_programme_page_answers_each_stop(client, demo_visit, ambassador):
    stops = [s for s in demo_visit.live_stops if ambassador in s.attendees]
    page = client.get(programme_link(ambassador))
    assert page.status_code == 200
    for stop in stops:
        assert f'id="stop-{stop.id}"' in page.text
    first, second = stops[0], stops[1]
    response = client.post(
        stop_link(ambassador, first), data={"answer": "decline", "back": "programme"}
    )
    assert response.location.endswith(f"{programme_link(ambassador)}#stop-{first.id}")
    client.post(stop_link(ambassador, second), data={"answer": "accept", "back": "programme"})
    assert sorted(answers()) == sorted(
        [
            (first.id, ambassador.id, ReplyStatus.DECLINED, ReplyChannel.LINK),
            (second.id, ambassador.id, ReplyStatus.ACCEPTED, ReplyChannel.LINK),
        ]
    )
    page = client.get(programme_link(ambassador)).text
    assert page.count('data-status="none"') == len(stops) - 2


def test_an_invitation_letter_carries_the_stops_reply_link(app, demo_visit, ambassador):
    settings = MailSettings.from_config(app.config)
    queued = queue_messages(
        db.session, plan_programme(db.session, demo_visit), settings, acting=None, now=utc_now()
    )
    letter = next(m for m in queued if m.participant_id == ambassador.id)
    stop = db.session.get(Stop, letter.stop_ids[0])
    link = app.config["BASE_URL"] + stop_link(ambassador, stop)
    message = email.message_from_string(letter.body, policy=email.policy.default)
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert link in text and f'href="{link}"' in html


def test_the_visit_page_shows_who_accepted_declined_or_not_answered(
    client, signed_in, demo_visit, ambassador, meeting
):
    signed_in(Role.PLANNER)
    page = f"/visits/{demo_visit.id}"
    before = client.get(page).text  # kept: the answers must change what is kept
    assert "not answered" not in before
    others = [p for p in meeting.attendees if p is not ambassador]
    client.post(stop_link(ambassador, meeting), data={"answer": "accept"})
    client.post(stop_link(others[0], meeting), data={"answer": "decline"})
    after = client.get(page).text
    unanswered = len(meeting.attendees) - 2
    assert f"1 accepted, 1 declined, {unanswered} not answered" in after
    row = after[after.index(f'id="stop-{meeting.id}"') :]
    row = row[: row.index("</li>")]
    assert "Accepted:</dt><dd><bdi>" + ambassador.person.display_name in row
    assert "Declined:</dt><dd><bdi>" + others[0].person.display_name in row


def test_a_declining_head_of_delegation_is_a_finding(app, demo_visit, ambassador, meeting):
    def flagged() -> set[int]:
        findings = check_visit(db.session, demo_visit, app.config)
        return {
            stop_id
            for f in findings
            if f.code == Code.HEAD_OF_DELEGATION_DECLINED
            for stop_id in f.stop_ids
        }

    assert flagged() == set()  # and kept for the visit's version
    replies.record_reply(
        db.session, ambassador, meeting, ReplyStatus.DECLINED, ReplyChannel.LINK, now=utc_now()
    )
    db.session.commit()
    db.session.expire_all()
    assert flagged() == {meeting.id}
    replies.record_reply(
        db.session, ambassador, meeting, ReplyStatus.ACCEPTED, ReplyChannel.LINK, now=utc_now()
    )
    db.session.commit()
    db.session.expire_all()
    assert flagged() == set()


def _stop(*attendees, declined=()) -> Plan:
    from datetime import UTC, date, datetime

    stop = StopInfo(
        id=1,
        visit_id=1,
        title="Factory tour",
        kind="site_visit",
        starts_at=datetime(2026, 12, 15, 8, tzinfo=UTC),
        ends_at=datetime(2026, 12, 15, 9, tzinfo=UTC),
        attendees=attendees,
        declined=frozenset(declined),
    )
    day = date(2026, 12, 15)
    return Plan(1, "Asia/Tehran", day, day, (stop,), {})


def _person(person_id: int, role: ParticipantRole) -> AttendeeInfo:
    return AttendeeInfo(person_id, f"Person {person_id}", "host", role.value)


def test_only_the_only_interpreters_decline_is_a_finding():
    one = _person(1, ParticipantRole.INTERPRETER)
    two = _person(2, ParticipantRole.INTERPRETER)
    delegate = _person(3, ParticipantRole.DELEGATE)
    codes = [f.code for f in check_declines(_stop(one, delegate, declined={1}))]
    assert codes == [Code.ONLY_INTERPRETER_DECLINED]
    assert check_declines(_stop(one, two, delegate, declined={1})) == []
    assert check_declines(_stop(one, delegate, declined={3})) == []


# iTIP REPLY by e-mail, read over IMAP from a real server on loopback.


def itip_reply(uid: str, address: str, partstat: str) -> bytes:
    calendar = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test client//EN\r\nMETHOD:REPLY\r\n"
        "BEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:20261210T080000Z\r\nSEQUENCE:0\r\n"
        f"ATTENDEE;PARTSTAT={partstat}:mailto:{address}\r\n"
        "ORGANIZER:mailto:protocol@pishvaz.invalid\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    message = EmailMessage()
    message["Subject"] = f"{partstat.title()}: a stop"
    message["From"] = address
    message["To"] = "protocol@pishvaz.invalid"
    message.set_content("Answered from my calendar.")
    message.add_alternative(
        calendar.encode(),
        maintype="text",
        subtype="calendar",
        params={"method": "REPLY", "charset": "utf-8"},
    )
    return message.as_bytes()


@pytest.fixture
def mailbox(app):
    if not imap.available():
        pytest.skip("dovecot-imapd is not installed (.ci/run installs it)")
    with imap.dovecot() as mailbox:
        app.config.update(
            IMAP_HOST=mailbox.host,
            IMAP_PORT=mailbox.port,
            IMAP_SSL=False,
            IMAP_USER=mailbox.user,
            IMAP_PASSWORD=mailbox.password,
            IMAP_FOLDER="INBOX",
        )
        try:
            yield mailbox
        finally:
            app.config["IMAP_HOST"] = ""


def test_fetch_replies_stores_the_partstat_and_marks_the_messages_seen(
    runner, mailbox, demo_visit, ambassador, meeting
):
    address = ambassador.person.email
    mailbox.deliver(itip_reply(meeting.calendar_uid, address.upper(), "DECLINED"))
    mailbox.deliver(itip_reply("no-such-stop@pishvaz", address, "ACCEPTED"))
    mailbox.deliver(b"Subject: lunch?\r\nFrom: someone@example.org\r\n\r\nNot a reply.\r\n")
    assert all(b"\\Seen" not in flags for flags in mailbox.flags())

    result = runner.invoke(args=["mail", "fetch-replies"])
    assert result.exit_code == 0, result.output
    assert "Read 3 messages: 1 answers stored, 1 matched no stop." in result.output
    db.session.expire_all()
    assert answers() == [(meeting.id, ambassador.id, ReplyStatus.DECLINED, ReplyChannel.EMAIL)]
    flags = mailbox.flags()
    assert len(flags) == 3 and all(b"\\Seen" in f for f in flags)

    # Read once: a second run finds nothing unseen.
    again = runner.invoke(args=["mail", "fetch-replies"])
    assert "Read 0 messages" in again.output


def test_fetch_replies_says_when_no_mailbox_is_configured(runner):
    result = runner.invoke(args=["mail", "fetch-replies"])
    assert result.exit_code != 0
    assert "no mailbox is configured" in result.output


def test_an_answer_changes_the_visit_page_but_no_calendar(client, demo_visit, ambassador, meeting):
    def versions() -> dict:
        rows = db.session.scalars(sa.select(CalendarVersion))
        return {(r.owner_kind, r.owner_id): r.version for r in rows}

    before, stop_version, sequence = versions(), meeting.version, meeting.sequence
    client.post(stop_link(ambassador, meeting), data={"answer": "decline"})
    db.session.expire_all()
    changed = {key for key, version in versions().items() if before.get(key) != version}
    assert changed == {("visit", demo_visit.id)}  # what the kept visit page goes by
    assert (meeting.version, meeting.sequence) == (stop_version, sequence)
