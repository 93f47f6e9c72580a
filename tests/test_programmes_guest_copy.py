"""The copy handed to a guest: in their language, one compact list a day, no workflow words,
and who else is there said as 'with the principal and N others'."""

import re

from flask_babel import force_locale
from markupsafe import escape

from planner.accounts.models import Role
from planner.extensions import db
from planner.itinerary.models import StopKind, StopStatus
from planner.programmes.guest_copy import company
from planner.visits.models import ParticipantRole, Side, VisitStatus


def status_words(app, language: str) -> set[str]:
    """The workflow's words as a reader of `language` reads them: every stop and visit status."""
    with app.test_request_context(), force_locale(language):
        return {str(status.label) for status in (*StopStatus, *VisitStatus)}


def copy_url(visit, participant, **query) -> str:
    url = f"/visits/{visit.id}/participants/{participant.id}/programme?print=participant"
    return url + "".join(f"&{key}={value}" for key, value in query.items())


def printed(page: str) -> str:
    """What goes on paper: the copy without the officer's bar above it."""
    return page.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def item(page: str, stop) -> str:
    return page.split(f'id="stop-{stop.id}"', 1)[1].split("</li>", 1)[0]


def by_role(visit, role: ParticipantRole):
    return next(p for p in visit.participants if p.role == role)


def person_named(visit, latin: str):
    return next(p for p in visit.participants if p.person.full_name_latin == latin)


def test_copy_is_in_the_guests_language_whatever_the_officers(demo_visit, client, signed_in):
    officer = signed_in(Role.VIEWER)
    officer.locale = "fa"
    db.session.commit()
    ambassador = demo_visit.head_of_delegation  # speaks Kazakh, Russian and English
    page = client.get(copy_url(demo_visit, ambassador)).text
    assert page.startswith('<!doctype html>\n<html lang="en" dir="ltr">')
    assert "Times are local to the host" in printed(page)
    # The bar above the copy speaks to the officer, in Persian, and does not print.
    bar = page.split('class="guest-toolbar no-print" lang="fa" dir="rtl"', 1)[1].split("</div>")[0]
    assert "نسخهٔ ویژهٔ شرکت‌کننده." in bar

    president = person_named(demo_visit, "Bahram Sepahvand")  # an Iranian host
    page = client.get(copy_url(demo_visit, president)).text
    assert '<html lang="fa" dir="rtl">' in page
    assert "ساعت‌ها به وقت محلی میزبان" in printed(page)


def test_officer_may_print_the_copy_in_another_language(demo_visit, client, signed_in):
    signed_in(Role.VIEWER)
    ambassador = demo_visit.head_of_delegation
    page = client.get(copy_url(demo_visit, ambassador, lang="fa")).text
    assert '<html lang="fa" dir="rtl">' in page
    assert f'href="{copy_url(demo_visit, ambassador, lang="en").replace("&", "&amp;")}"' in page
    refused = client.get(copy_url(demo_visit, ambassador, lang="kk"))
    assert refused.status_code == 400
    assert "“lang” in the address must be one of: en, fa." in refused.text


def test_persian_copy_dates_each_day_in_jalali_and_gregorian(demo_visit, client, signed_in):
    signed_in(Role.VIEWER)
    page = printed(client.get(copy_url(demo_visit, demo_visit.head_of_delegation, lang="fa")).text)
    assert page.count('<section class="guest-day"') == 2  # each day once: no timeline beside
    assert "<svg" not in page
    first = page.split('<section class="guest-day"')[1]
    assert "روز ۱" in first and "سه‌شنبه ۲۴ آذر ۱۴۰۵" in first and "(۱۵ دسامبر ۲۰۲۶)" in first
    assert ">۰۸:۳۰</time>" in first and ">۱۰:۰۰</time>" in first  # Tehran, and Almaty beside


def test_copy_says_no_workflow_status_and_leaves_out_what_is_cancelled(
    app, demo_visit, client, signed_in
):
    signed_in(Role.VIEWER)
    ambassador = demo_visit.head_of_delegation
    attended = [s for s in demo_visit.live_stops if ambassador in s.attendees]
    assert {StopStatus.PLANNED, StopStatus.CONFIRMED} <= {s.status for s in attended}
    castle = next(s for s in attended if s.kind == StopKind.CULTURAL_VISIT)
    castle.status = StopStatus.CANCELLED
    db.session.commit()

    english = printed(client.get(copy_url(demo_visit, ambassador)).text)
    words = status_words(app, "en")
    assert "Planned" in words
    assert not [word for word in words if re.search(rf"\b{word}\b", english)]
    assert "badge" not in english
    assert f"<bdi>{escape(castle.title)}</bdi>" not in english
    assert english.count('<li class="guest-stop"') == len(attended) - 1

    persian = printed(client.get(copy_url(demo_visit, ambassador, lang="fa")).text)
    words = status_words(app, "fa")
    assert "برنامه‌ریزی‌شده" in words
    assert not [word for word in words if word in persian]


def test_attendees_are_the_principal_and_a_count(demo_visit, client, signed_in):
    signed_in(Role.VIEWER)
    ambassador = demo_visit.head_of_delegation
    call = next(s for s in demo_visit.live_stops if s.kind == StopKind.COURTESY_CALL)
    president = person_named(demo_visit, "Bahram Sepahvand")
    others = len(call.attendees) - 2  # neither the reader nor the principal
    assert ambassador in call.attendees and president in call.attendees and others > 1

    english = item(client.get(copy_url(demo_visit, ambassador)).text, call)
    assert f"With <bdi>Mr. Bahram Sepahvand</bdi> and {others} others" in english
    photographer = by_role(demo_visit, ParticipantRole.PHOTOGRAPHER)
    assert photographer in call.attendees
    assert escape(photographer.person.full_name_latin) not in english  # not every name

    persian = item(client.get(copy_url(demo_visit, ambassador, lang="fa")).text, call)
    digits = str(others).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert f"همراه با <bdi>بهرام سپهوند</bdi> و {digits} نفر دیگر" in persian

    # A host's copy names the head of delegation, the one they are there to meet.
    hosts_copy = item(client.get(copy_url(demo_visit, president)).text, call)
    assert f"<bdi>{escape(ambassador.person.display_name)}</bdi>" in hosts_copy


def test_company_is_one_other_without_a_count_and_nobody_alone(
    create_visit, add_participant, create_stop
):
    visit = create_visit()
    leads = ParticipantRole.HEAD_OF_DELEGATION
    head = add_participant(visit, "Yerlan Abenov", role=leads, precedence=5)
    delegate = add_participant(visit, "Aigerim Nurpeisova", precedence=1)
    host = add_participant(visit, "Bahram Sepahvand", side=Side.HOST, role=ParticipantRole.HOST)
    driver = add_participant(
        visit, "Hossein Yousefvand", side=Side.SUPPORT, role=ParticipantRole.DRIVER
    )

    assert company([head], head).principal is None
    assert company([head, delegate], head) == company([delegate, head], head)
    assert company([head, delegate], head).principal is delegate
    assert company([head, delegate], head).others == 0
    # The head of delegation leads their side whatever its precedence number says.
    assert company([host, delegate, head, driver], host).principal is head
    assert company([driver, delegate, head], driver).principal is head
    # A guest is with the hosts first.
    assert company([head, delegate, host, driver], delegate).principal is host
    assert company([head, delegate, host, driver], delegate).others == 2
    stop = create_stop(visit, visit.start_date, "10:00", "11:00", attendees=[head, delegate])
    assert company(stop.attendees, delegate).principal is head


def test_singular_and_nobody_else(create_visit, add_participant, create_stop, client, signed_in):
    visit = create_visit()
    head = add_participant(visit, "Yerlan Abenov", role=ParticipantRole.HEAD_OF_DELEGATION)
    host = add_participant(visit, "Bahram Sepahvand", side=Side.HOST, role=ParticipantRole.HOST)
    delegate = add_participant(visit, "Aigerim Nurpeisova", precedence=2)
    pair = create_stop(visit, visit.start_date, "10:00", "11:00", attendees=[head, host])
    three = create_stop(visit, visit.start_date, "11:00", "12:00", attendees=[head, host, delegate])
    alone = create_stop(visit, visit.start_date, "13:00", "14:00", attendees=[head], title="Rest")
    signed_in(Role.VIEWER)
    page = client.get(copy_url(visit, head)).text
    assert '<p class="guest-stop__with">With <bdi>Bahram Sepahvand</bdi></p>' in item(page, pair)
    assert "With <bdi>Bahram Sepahvand</bdi> and 1 other<" in item(page, three)
    assert "guest-stop__with" not in item(page, alone)
