"""Names inside sentences keep their own direction, and Persian pages write numbers in Persian.

A Latin venue name at the start of a Persian sentence must not turn it around: on pages the
name sits in <bdi> (escaped) and the sentence has the page's direction; in plain text and
e-mail it sits between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE.
"""

import email
import email.message
import email.policy
import re
from datetime import date

import pytest
import sqlalchemy as sa

from planner.accounts.models import Role
from planner.bidi import FSI, PDI
from planner.calendars.mail import POLICY, MailSettings, plan_programme, queue_messages
from planner.calendars.models import MailMessage
from planner.clock import utc_now
from planner.extensions import db
from planner.itinerary.checks import ERROR, Finding, Names
from planner.itinerary.messages import HTML, TEXT, render_finding
from planner.itinerary.models import StopKind
from planner.venues.models import Venue, VenueClosure, VenueKind
from planner.visits.models import ParticipantRole, Side

DAY = date(2026, 12, 15)
LATIN_DIGIT = re.compile(r"[0-9]")


def closed_venue(name: str) -> Venue:
    venue = Venue(name=name, kind=VenueKind.CULTURAL_SITE, timezone="Asia/Tehran")
    venue.closures.append(VenueClosure(day=DAY))
    db.session.add(venue)
    db.session.commit()
    return venue


@pytest.fixture
def persian_reader(signed_in):
    user = signed_in(Role.PLANNER)
    user.locale = "fa"
    db.session.commit()
    return user


def finding_messages(page: str) -> list[str]:
    return re.findall(r'<span class="finding__message" dir="([a-z]+)">(.*?)</span>\s*[<\n]', page)


def test_a_persian_finding_isolates_the_latin_venue_and_reads_right_to_left(
    visit, create_stop, castle, client, persian_reader
):
    castle.closures.append(VenueClosure(day=DAY))
    create_stop(visit, DAY, "15:00", "16:30", title="Castle tour", venue=castle)
    page = client.get(f"/visits/{visit.id}").text
    messages = finding_messages(page)
    assert messages, page
    direction, message = messages[0]
    assert direction == "rtl"  # the page's, not dir="auto" (which the Latin name would turn)
    assert message.startswith("<bdi>Falak-ol-Aflak castle</bdi> در ")
    assert "«<bdi>Castle tour</bdi>»" in message
    assert message.endswith("به وقت محلی است.")
    assert "۱۵:۰۰–۱۶:۳۰" in message  # the stop's time, in Persian digits


def test_an_english_finding_has_the_english_direction(
    visit, create_stop, castle, client, signed_in
):
    signed_in(Role.PLANNER)
    castle.closures.append(VenueClosure(day=DAY))
    create_stop(visit, DAY, "15:00", "16:30", title="Castle tour", venue=castle)
    page = client.get(f"/visits/{visit.id}").text
    direction, message = finding_messages(page)[0]
    assert direction == "ltr"
    assert message.startswith("<bdi>Falak-ol-Aflak castle</bdi> is closed on ")


def test_a_name_with_markup_in_a_finding_is_text_inside_bdi(
    visit, create_stop, client, persian_reader
):
    venue = closed_venue("<b>x</b>")
    create_stop(visit, DAY, "15:00", "16:30", title="<script>alert(1)</script>", venue=venue)
    page = client.get(f"/visits/{visit.id}").text
    _, message = finding_messages(page)[0]
    assert message.startswith("<bdi>&lt;b&gt;x&lt;/b&gt;</bdi>")
    assert "«<bdi>&lt;script&gt;alert(1)&lt;/script&gt;</bdi>»" in message
    assert "<b>x</b>" not in page and "<script>alert(1)" not in page


def test_html_and_text_media_isolate_each_name_in_a_list():
    finding = Finding(
        ERROR,
        "person_double_booked",
        "%(people)s cannot be at “%(first)s” (%(first_time)s) and “%(second)s” "
        "(%(second_time)s) at once.",
        {
            "people": Names(("<i>Ann</i>", "Bahram Sepahvand")),
            "first": "Lunch",
            "first_time": "12:00–13:00",
            "second": "Tour",
            "second_time": "12:30–14:00",
        },
        (1, 2),
    )
    html = render_finding(finding, "fa", medium=HTML)
    assert html.startswith("<bdi>&lt;i&gt;Ann&lt;/i&gt;</bdi> و <bdi>Bahram Sepahvand</bdi>")
    assert "(۱۲:۰۰–۱۳:۰۰)" in html and "<bdi>12" not in html  # times are ours: not isolated
    text = render_finding(finding, "fa", medium=TEXT)
    assert text.startswith(f"{FSI}<i>Ann</i>{PDI} و {FSI}Bahram Sepahvand{PDI}")
    assert f"“{FSI}Lunch{PDI}”" in text
    # JSON and logs keep the bare English words.
    assert finding.message.startswith("<i>Ann</i> and Bahram Sepahvand cannot be at “Lunch”")


def test_a_flash_message_isolates_the_title_and_escapes_it(visit, create_stop, client, signed_in):
    signed_in(Role.PLANNER)
    stop = create_stop(visit, DAY, "10:00", "11:00", title="<b>Tea</b> with the mayor")
    response = client.post(f"/visits/{visit.id}/stops/{stop.id}/delete", follow_redirects=True)
    assert "“<bdi>&lt;b&gt;Tea&lt;/b&gt; with the mayor</bdi>” is in the bin" in response.text
    assert "<b>Tea</b>" not in response.text


def test_a_persian_flash_message_counts_in_persian_digits(
    visit, create_stop, add_participant, client, persian_reader
):
    stop = create_stop(visit, DAY, "10:00", "11:00", title="Courtesy call")
    for name in ("Yerlan Abenov", "Aigerim Temirbekova", "Serik Abenov"):
        add_participant(visit, name)
    response = client.post(
        f"/visits/{visit.id}/stops/{stop.id}/attendees",
        data={"preset": "delegation"},
        follow_redirects=True,
    )
    flash = re.search(r'<p class="flash flash--success"[^>]*>(.*?)</p>', response.text).group(1)
    assert "۳ نفر" in flash and "«<bdi>Courtesy call</bdi>»" in flash
    assert not LATIN_DIGIT.search(flash)


def test_a_persian_visit_page_counts_days_findings_and_people_in_persian(
    demo_visit, client, persian_reader
):
    page = client.get(f"/visits/{demo_visit.id}").text
    badges = re.findall(r'<span class="badge badge--(?:error|warning)">(.*?)</span>', page)
    days = re.findall(r'<span class="day__number">(.*?)</span>', page)
    counts = re.findall(r'<span class="count">(.*?)</span>', page)
    stop_links = re.findall(r'<a class="small" href="#stop-\d+" dir="ltr">(.*?)</a>', page)
    assert days[:2] == ["روز ۱", "روز ۲"]
    assert badges and all(re.fullmatch(r"[۰-۹]+ (مشکل|هشدار)", badge) for badge in badges), badges
    assert counts and all(re.fullmatch(r"[۰-۹]+", count) for count in counts), counts
    assert stop_links and all(re.fullmatch(r"#[۰-۹]+", link) for link in stop_links), stop_links
    attending = re.findall(r'<span class="stop__label">[^<]*</span>\s*([^<]*نفر)', page)
    assert attending and not any(LATIN_DIGIT.search(text) for text in attending), attending


def test_the_persian_timeline_and_programme_count_in_persian(demo_visit, client, persian_reader):
    timeline = client.get(f"/visits/{demo_visit.id}/timeline").text
    assert re.findall(r'<span class="day__number">(.*?)</span>', timeline)[:2] == [
        "روز ۱",
        "روز ۲",
    ]
    badges = re.findall(
        r'<span class="badge timeline-badge--(?:error|warning)">(.*?)</span>', timeline
    )
    assert badges and not any(LATIN_DIGIT.search(badge) for badge in badges), badges
    participant = demo_visit.participants[0]
    programme = client.get(f"/visits/{demo_visit.id}/participants/{participant.id}/programme")
    days = re.findall(r'<span class="day__number">(.*?)</span>', programme.text)
    assert days and not any(LATIN_DIGIT.search(day) for day in days), days


def test_the_persian_dashboard_chart_years_are_in_persian_digits(
    demo_visit, client, persian_reader
):
    page = client.get("/dashboard").text
    titles = re.findall(r"<rect class=\"chart__bar[^>]*>\s*<title>(.*?)</title>", page)
    assert titles and not any(LATIN_DIGIT.search(title) for title in titles), titles


def test_an_english_page_keeps_latin_digits(demo_visit, client, signed_in):
    signed_in(Role.VIEWER)
    page = client.get(f"/visits/{demo_visit.id}").text
    assert re.findall(r'<span class="day__number">(.*?)</span>', page)[:2] == ["Day 1", "Day 2"]


def test_a_letter_to_a_persian_reader_isolates_the_latin_titles(
    visit, create_stop, add_participant, app
):
    # Stored without a Persian name, so the letter greets them by the Latin one.
    host = add_participant(
        visit, "Bahram Sepahvand", side=Side.HOST, role=ParticipantRole.HOST, languages=["fa"]
    )
    host.person.nationality = "IR"
    host.person.email = "sepahvand@lorestan-chamber.example"
    tour = create_stop(
        visit, DAY, "15:00", "16:30", kind=StopKind.CULTURAL_VISIT, title="Falak-ol-Aflak tour"
    )
    tour.attendees.append(host)
    db.session.commit()
    settings = MailSettings("protocol@lorestan-chamber.example", "Protocol Office", "127.0.0.1", 25)
    queue_messages(
        db.session, plan_programme(db.session, visit), settings, acting=None, now=utc_now()
    )
    row = db.session.scalars(sa.select(MailMessage)).one()
    message = email.message_from_string(row.body, policy=email.policy.default)
    title = f"{FSI}{visit.title}{PDI}"
    # One letter a stop: the subject names the stop, the sentence inside the visit.
    subject = f"دعوت\u200cنامه: {FSI}Falak-ol-Aflak tour{PDI}"
    assert message["Subject"] == subject == row.subject
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_content()
    assert f"«{title}»" in text or f"“{title}”" in text  # the visit's title inside the sentence
    # A Latin name at the start of a Persian sentence: isolated, so the greeting stays RTL.
    assert f"{FSI}{host.person.display_name}{PDI} گرامی،" in text
    assert "Falak-ol-Aflak tour" in text
    html = next(p for p in message.walk() if p.get_content_type() == "text/html").get_content()
    assert 'dir="rtl"' in html and title in html


def test_a_long_persian_subject_keeps_the_space_before_the_isolated_title():
    subject = f"برنامهٔ سفر به‌روزشده: {FSI}Visit of the Ambassador of Kazakhstan to Lorestan{PDI}"
    message = email.message.EmailMessage(policy=POLICY)
    message["Subject"] = subject
    message.set_content("x")
    raw = message.as_string()
    assert raw.isascii() and all(len(line) <= 78 for line in raw.splitlines())
    assert email.message_from_string(raw, policy=email.policy.default)["Subject"] == subject
