"""The compact visit page: its parts one click away, each stop's actions in one menu, and
what was e-mailed in a section of its own."""

import re
from datetime import UTC, date, datetime

import pytest

from planner.accounts.models import Role
from planner.calendars.models import MailMessage, MailStatus, Method
from planner.extensions import db

DAY = date(2026, 12, 15)


@pytest.fixture
def tour(ambassador_visit, create_stop, castle):
    stop = create_stop(ambassador_visit, DAY, "10:00", "11:00", title="Castle tour", venue=castle)
    stop.attendees.append(ambassador_visit.participants[0])
    db.session.commit()
    return stop


def row_of(page: str, stop) -> str:
    row = page[page.index(f'id="stop-{stop.id}"') :]
    return re.split(r'<li class="stop |</ol>', row)[0]


def test_every_part_of_the_visit_is_one_link_from_the_top(tour, signed_in, client):
    signed_in(Role.VIEWER)
    page = client.get(f"/visits/{tour.visit_id}").text
    bar = page[page.index('<nav class="page-tabs') :].split("</nav>", 1)[0]
    anchors = re.findall(r'href="#([\w-]+)"', bar)
    assert anchors == ["programme", "participants", "outcomes", "mail"]
    for anchor in anchors:
        assert f'id="{anchor}"' in page, anchor
    # The programme first, then the people, then what the visit produced and sent.
    places = [page.index(f'id="{anchor}"') for anchor in anchors]
    assert places == sorted(places)


def test_a_planner_finds_each_action_of_a_stop_in_its_one_menu(tour, signed_in, client):
    signed_in(Role.PLANNER)
    row = row_of(client.get(f"/visits/{tour.visit_id}").text, tour)
    assert row.count('<details class="menu') == 1
    menu = row[row.index('<details class="menu') :]
    url = f"/visits/{tour.visit_id}/stops/{tour.id}"
    for action in ("/edit", "/attendees", "/shift", "/delete"):
        assert f'href="{url}{action}"' in menu, action
    assert "<form" not in row  # the kept programme holds no form and no token


def test_a_viewer_gets_no_menu_and_still_reads_the_stop(tour, signed_in, client):
    signed_in(Role.VIEWER)
    row = row_of(client.get(f"/visits/{tour.visit_id}").text, tour)
    assert "menu" not in row
    assert "<bdi>Castle tour</bdi>" in row
    assert "<bdi>Falak-ol-Aflak castle</bdi>" in row
    assert "<bdi>Yerlan Abenov</bdi>" in row  # folded under "Attending: 1 person"
    assert "Attending:</span> 1 person" in row


def letter(visit, status: MailStatus, sent_at=None) -> MailMessage:
    return MailMessage(
        visit_id=visit.id,
        recipient="guest@example.org",
        subject="Your programme",
        method=Method.REQUEST,
        body="",
        status=status,
        sent_at=sent_at,
    )


def test_the_mail_section_counts_what_was_sent_and_what_waits(ambassador_visit, signed_in, client):
    signed_in(Role.PLANNER)
    url = f"/visits/{ambassador_visit.id}"
    mail = client.get(url).text.split('id="mail"', 1)[1]
    assert "No e-mail has been sent for this visit." in mail
    assert f'href="{url}/mail/programme"' in mail
    assert f'href="{url}/mail/log"' in mail
    sent = datetime(2026, 12, 10, 6, 30, tzinfo=UTC)  # 10:00 in Tehran
    db.session.add_all(
        [
            letter(ambassador_visit, MailStatus.SENT, sent),
            letter(ambassador_visit, MailStatus.SENT, datetime(2026, 12, 9, 6, 30, tzinfo=UTC)),
            letter(ambassador_visit, MailStatus.FAILED),
        ]
    )
    db.session.commit()
    mail = client.get(url).text.split('id="mail"', 1)[1]
    counts = re.findall(r'badge--mail-(\w+)">[^<]*</span> (\d+)', mail)
    assert counts == [("sent", "2"), ("failed", "1")]
    assert "Last sent:" in mail and "10:00" in mail


def test_a_viewer_reads_the_mail_section_without_the_sending_links(
    ambassador_visit, signed_in, client
):
    signed_in(Role.VIEWER)
    url = f"/visits/{ambassador_visit.id}"
    mail = client.get(url).text.split('id="mail"', 1)[1]
    assert f'href="{url}/mail/log"' in mail
    assert "/mail/programme" not in mail and "/mail/updates" not in mail
