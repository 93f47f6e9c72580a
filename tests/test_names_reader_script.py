"""Names in the reader's script: where a Persian name of a venue, person or organization is
stored, Persian pages show it, and English pages the Latin one (planner/names.py)."""

import email
import email.policy
import re
from datetime import date

import pytest
import sqlalchemy as sa

from planner.accounts.models import Role
from planner.bidi import FSI, PDI
from planner.calendars.mail import MailSettings, plan_programme, queue_messages
from planner.calendars.models import MailMessage
from planner.clock import utc_now
from planner.extensions import db
from planner.itinerary.checks import ERROR, Finding
from planner.itinerary.findings import finding_from_json, finding_to_json
from planner.itinerary.messages import HTML, Name, Names, render_finding
from planner.itinerary.models import StopKind
from planner.names import in_persian_script
from planner.organizations.models import Organization, OrganizationKind
from planner.people.models import Person
from planner.venues.models import Venue, VenueClosure
from planner.visits.models import Participant, ParticipantRole, Side

DAY = date(2026, 12, 15)


@pytest.fixture
def reader(signed_in):
    """reader(language): the test client signed in as a planner who reads that language."""

    def _sign_in(language: str):
        user = signed_in(Role.PLANNER)
        user.locale = language
        db.session.commit()
        return user

    return _sign_in


def demo_person(visit, latin: str) -> Participant:
    return next(p for p in visit.participants if p.person.full_name_latin == latin)


@pytest.mark.parametrize(
    ("text", "persian"),
    [
        ("قلعه فلک‌الافلاک", True),
        ("حيدر عبد الكريم", True),  # Arabic letters read as Persian
        ("«Сарыарқа Астық» ЖШС", False),  # Cyrillic: not for a Persian reader
        ("Falak-ol-Aflak Castle", False),
        ("", False),
        (None, False),
    ],
)
def test_which_stored_names_are_in_the_persian_script(text, persian):
    assert in_persian_script(text) is persian


def test_a_person_venue_and_organization_are_named_in_the_reader_s_script():
    host = Person(
        full_name_latin="Bahram Sepahvand", full_name_native="بهرام سپهوند", honorific="Mr."
    )
    ambassador = Person(full_name_latin="Nurlan Zhaksylykov", full_name_native="Нұрлан Жақсылықов")
    assert (host.name_in("fa"), host.other_name_in("fa")) == ("بهرام سپهوند", "Bahram Sepahvand")
    assert (host.name_in("en"), host.other_name_in("en")) == (
        "Mr. Bahram Sepahvand",
        "بهرام سپهوند",
    )
    # A Kazakh's Cyrillic name is not Persian: the Latin one for Persian readers too.
    assert ambassador.name_in("fa") == "Nurlan Zhaksylykov"
    assert ambassador.other_name_in("fa") == "Нұрлан Жақсылықов"
    castle = Venue(name="Falak-ol-Aflak Castle", name_native="قلعه فلک‌الافلاک")
    assert (castle.name_in("fa"), castle.name_in("en")) == ("قلعه فلک‌الافلاک", castle.name)
    assert Venue(name="Hotel", name_native=None).other_name_in("fa") is None
    chamber = Organization(name="Lorestan Chamber of Commerce", name_native="اتاق بازرگانی لرستان")
    assert chamber.name_in("fa") == "اتاق بازرگانی لرستان"


def test_the_visit_page_names_venues_and_people_in_the_reader_s_script(client, reader, demo_visit):
    reader("fa")
    page = client.get(f"/visits/{demo_visit.id}").text
    assert "<bdi>قلعه فلک‌الافلاک</bdi>" in page
    assert "<bdi>فرهاد بیرانوند</bdi>" in page  # the host, in Persian
    assert "<bdi>H.E. Nurlan Zhaksylykov</bdi>" in page  # the Kazakh guest, in Latin
    assert "<bdi>Falak-ol-Aflak Castle</bdi>" not in page.split('id="participants"')[0]


def test_the_english_visit_page_keeps_the_latin_names(client, reader, demo_visit):
    reader("en")
    page = client.get(f"/visits/{demo_visit.id}").text
    assert "<bdi>Falak-ol-Aflak Castle</bdi>" in page
    assert "<bdi>Dr. Farhad Beiranvand</bdi>" in page
    assert "<bdi>فرهاد بیرانوند</bdi>" in page  # beside it, as the name in their own script


def test_a_participant_programme_is_headed_by_the_name_in_the_reader_s_script(
    client, reader, demo_visit
):
    reader("fa")
    host = demo_person(demo_visit, "Farhad Beiranvand")
    page = client.get(f"/visits/{demo_visit.id}/participants/{host.id}/programme").text
    assert re.search(r"<h1><bdi>فرهاد بیرانوند</bdi></h1>", page)
    assert '<p class="person__native"><bdi>Farhad Beiranvand</bdi></p>' in page


def test_a_finding_names_the_venue_in_the_reader_s_script(
    client, reader, visit, create_stop, castle
):
    castle.name_native = "قلعه فلک‌الافلاک"
    castle.closures.append(VenueClosure(day=DAY))
    create_stop(visit, DAY, "15:00", "16:30", title="Castle tour", venue=castle)
    reader("fa")
    persian = client.get(f"/visits/{visit.id}").text
    assert '<span class="finding__message" dir="rtl"><bdi>قلعه فلک‌الافلاک</bdi> در ' in persian
    # The same kept finding in English, with the Latin name: the JSON the API and logs read.
    checks = client.get(f"/visits/{visit.id}/checks.json").get_json()
    assert any(
        finding["message"].startswith("Falak-ol-Aflak castle is closed")
        for finding in checks["findings"]
    ), checks


def test_kept_findings_keep_both_names_of_a_person():
    finding = Finding(
        ERROR,
        "person_double_booked",
        "%(people)s: %(venue)s.",
        {
            "people": Names((Name("Bahram Sepahvand", "بهرام سپهوند"), "Serik Abenov")),
            "venue": Name("Falak-ol-Aflak Castle", "قلعه فلک‌الافلاک"),
        },
        (1,),
    )
    kept = finding_from_json(finding_to_json(finding))
    assert kept == finding
    assert render_finding(kept, "en") == "Bahram Sepahvand and Serik Abenov: Falak-ol-Aflak Castle."
    persian = render_finding(kept, "fa", medium=HTML)
    assert (
        persian == "<bdi>بهرام سپهوند</bdi> و <bdi>Serik Abenov</bdi>: <bdi>قلعه فلک‌الافلاک</bdi>."
    )


def test_the_organization_picker_names_and_orders_them_in_the_reader_s_script(client, reader):
    for name, native in (("Zagros Hotel", "هتل زاگرس"), ("Alborz Insurance", "بیمه البرز")):
        db.session.add(
            Organization(name=name, name_native=native, kind=OrganizationKind.COMPANY, country="IR")
        )
    db.session.commit()
    reader("fa")
    form = client.get("/people/new").text
    select = re.search(r'<select[^>]*name="organization_id".*?</select>', form, re.S).group(0)
    labels = re.findall(r"<option[^>]*>([^<]*)</option>", select)
    assert labels[1:] == ["بیمه البرز", "هتل زاگرس"]  # آ-ی order, not by the Latin names
    assert 'data-search="Zagros Hotel | هتل زاگرس"' in select
    assert "data-picker" in select
    assert db.session.scalar(sa.select(sa.func.count(Organization.id))) == 2


def test_a_letter_in_persian_greets_by_the_persian_name_and_gives_the_persian_venue(
    visit, create_stop, add_participant, castle
):
    castle.name_native = "قلعه فلک‌الافلاک"
    host = add_participant(
        visit,
        "Bahram Sepahvand",
        native="بهرام سپهوند",
        side=Side.HOST,
        role=ParticipantRole.HOST,
        languages=["fa"],
    )
    host.person.nationality = "IR"
    host.person.email = "sepahvand@lorestan-chamber.example"
    tour = create_stop(
        visit, DAY, "15:00", "16:30", kind=StopKind.CULTURAL_VISIT, title="Castle tour"
    )
    tour.venue = castle
    tour.attendees.append(host)
    db.session.commit()
    settings = MailSettings("protocol@lorestan-chamber.example", "Protocol Office", "127.0.0.1", 25)
    queue_messages(
        db.session, plan_programme(db.session, visit), settings, acting=None, now=utc_now()
    )
    row = db.session.scalars(sa.select(MailMessage)).one()
    message = email.message_from_string(row.body, policy=email.policy.default)
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_content()
    assert f"{FSI}بهرام سپهوند{PDI} گرامی،" in text
    assert "قلعه فلک‌الافلاک" in text and "Falak-ol-Aflak castle" not in text
