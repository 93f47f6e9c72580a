"""A title stored with a line break, from before titles had to be one line, breaks no e-mail:
headers are built on one line, and "Send updates" does not take it for a change at every send."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from planner.accounts.models import Role
from planner.calendars.mail import Letter, MailSettings, build_message
from planner.calendars.models import MailMessage, Method, SentEvent
from planner.extensions import db
from planner.itinerary.models import Stop
from planner.itinerary.operations import update_stop
from tests.conftest import count
from tests.smtp import SENDER
from tests.test_calendars_mail import fingerprint, fresh, send

DAY = date(2026, 12, 15)


@pytest.fixture
def planner(signed_in):
    return signed_in(Role.PLANNER)


@pytest.fixture
def round_table(create_visit, create_stop, add_participant):
    """A round table with a guest and a host, and a lunch for the host only."""
    visit = create_visit()
    guest = add_participant(visit, "Yerlan Abenov")
    host = add_participant(visit, "Reza Hassanvand")
    guest.person.email, host.person.email = "guest@embassy.example", "host@chamber.example"
    table = create_stop(visit, DAY, "10:00", "11:00", title="Trade round table")
    lunch = create_stop(visit, DAY, "12:00", "13:00", title="Lunch")
    table.attendees = [guest, host]
    lunch.attendees = [host]
    db.session.commit()
    return visit


def store_title(model, title: str) -> None:
    """Put a title straight into the database, as rows saved before the rule may hold."""
    db.session.execute(
        sa.update(model).where(model.title == "Trade round table").values(title=title)
    )
    db.session.commit()


def stop_titled(visit, start: str) -> Stop:
    return next(stop for stop in fresh(visit).stops if stop.title.startswith(start))


def send_updates_finds_nothing(client, visit, smtp_server) -> None:
    """The preview says nothing changed, and Send sends nothing."""
    smtp_server.clear()
    messages = count(MailMessage)
    preview = client.get(f"/visits/{visit.id}/mail/updates")
    assert "Nothing changed" in preview.text
    response = client.post(
        f"/visits/{visit.id}/mail/updates",
        data={"fingerprint": fingerprint(preview.text)},
        follow_redirects=True,
    )
    assert "There was nothing to send." in response.text
    assert smtp_server.received() == []
    assert count(MailMessage) == messages


@pytest.mark.parametrize("title", ["Trade\nround table", "Trade\r\nround table"])
def test_a_stored_line_break_in_a_stop_title_does_not_stop_its_cancellation(
    title, client, planner, round_table, smtp_server
):
    store_title(Stop, title)
    send(client, round_table, "programme")
    # What the calendars of invitations sent before this fix recorded: the break itself.
    store_title(SentEvent, title)
    smtp_server.clear()

    visit = fresh(round_table)
    table, lunch = stop_titled(visit, "Trade"), stop_titled(visit, "Lunch")
    guest = next(p for p in visit.participants if p.person.email.startswith("guest"))
    update_stop(
        db.session,
        table,
        acting=planner,
        expected_version=table.version,
        attendees=[p for p in table.attendees if p.id != guest.id],
    )
    update_stop(
        db.session, lunch, acting=planner, expected_version=lunch.version, title="Working lunch"
    )
    db.session.commit()

    response = send(client, visit, "updates")
    assert response.status_code == 200
    assert "2 messages sent." in response.text
    received = smtp_server.by_recipient()
    cancellation = received["guest@embassy.example"]
    assert cancellation.method == "CANCEL"
    # One line, the title isolated from the sentence around it.
    assert cancellation.message["Subject"] == "Cancelled: \u2068Trade round table\u2069"
    assert received["host@chamber.example"].method == "REQUEST"  # the host's unrelated change

    send_updates_finds_nothing(client, visit, smtp_server)


def test_a_stored_carriage_return_in_a_title_is_not_a_change_at_every_send(
    client, planner, round_table, smtp_server
):
    store_title(Stop, "Trade\rround table")
    first = send(client, round_table, "updates")
    assert "3 messages sent." in first.text  # the table to both, the lunch to the host
    summaries = [str(mail.event["SUMMARY"]) for mail in smtp_server.received()]
    assert sorted(summaries) == ["Lunch", "Trade round table", "Trade round table"]

    send_updates_finds_nothing(client, round_table, smtp_server)


def test_every_header_is_one_line_whatever_the_names_hold():
    letter = Letter(
        subject="Cancelled: Trade\r\nround table",
        greeting="Dear guest,",
        paragraphs=(),
        sections=(),
        closing="With kind regards,",
        signature="Protocol Office",
        locale="en",
    )
    settings = MailSettings(
        sender=SENDER,
        office_name="Lorestan Chamber\nof Commerce",
        smtp_host="127.0.0.1",
        smtp_port=25,
    )
    message = build_message(
        letter,
        b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
        method=Method.CANCEL,
        to=("Yerlan\u2028Abenov", "guest@embassy.example\n"),
        settings=settings,
        now=datetime(2026, 12, 15, 6, 30, tzinfo=UTC),
    )
    assert message["Subject"] == "Cancelled: Trade round table"
    assert message["From"] == f"Lorestan Chamber of Commerce <{SENDER}>"
    assert message["To"] == "Yerlan Abenov <guest@embassy.example>"
    assert message.as_string().startswith("Subject: Cancelled: Trade round table\r\nFrom: ")
