"""The visit list and a visit's page, as staff read them."""

from datetime import date, timedelta

from planner.accounts.models import Role
from planner.extensions import db
from planner.visits.models import ParticipantRole, Side, VisitStatus, visits_for_list


def test_visit_list_shows_upcoming_visits_first_soonest_first(create_visit, client, signed_in):
    today = date(2026, 11, 25)
    create_visit(
        title="Past visit",
        start_date=today - timedelta(days=40),
        end_date=today - timedelta(days=39),
    )
    create_visit(
        title="Later visit",
        start_date=today + timedelta(days=60),
        end_date=today + timedelta(days=61),
    )
    create_visit(
        title="Soon visit", start_date=today + timedelta(days=5), end_date=today + timedelta(days=6)
    )
    create_visit(
        title="Older visit",
        start_date=today - timedelta(days=400),
        end_date=today - timedelta(days=399),
    )
    titles = [visit.title for visit in visits_for_list(db.session, today)]
    assert titles == ["Soon visit", "Later visit", "Past visit", "Older visit"]


def test_visit_list_page_filters_by_status(create_visit, client, signed_in):
    create_visit(title="Confirmed trip", status=VisitStatus.CONFIRMED)
    create_visit(title="Draft trip", status=VisitStatus.DRAFT)
    signed_in(Role.VIEWER)
    page = client.get("/").text
    assert "Confirmed trip" in page and "Draft trip" in page
    page = client.get("/?status=draft").text
    assert "Draft trip" in page and "Confirmed trip" not in page
    assert client.get("/?status=nonsense").status_code == 400


def test_visit_page_shows_participants_by_side_and_the_programme_by_day(
    create_visit, create_stop, add_participant, client, signed_in
):
    visit = create_visit()
    ambassador = add_participant(
        visit, "Yerlan Abenov", role=ParticipantRole.HEAD_OF_DELEGATION, precedence=1
    )
    add_participant(visit, "Reza Karimi", side=Side.HOST, role=ParticipantRole.HOST, precedence=1)
    stop = create_stop(
        visit,
        date(2026, 12, 16),
        "10:00",
        "11:30",
        title="Falak-ol-Aflak castle",
        staff_notes="Gift: a book on Lorestan bronzes",
    )
    stop.attendees.append(ambassador)
    db.session.commit()
    signed_in(Role.VIEWER)
    page = client.get(f"/visits/{visit.id}").text
    assert "Yerlan Abenov" in page and "Reza Karimi" in page
    assert page.index("Yerlan Abenov") < page.index("Reza Karimi")  # delegation first
    assert "Falak-ol-Aflak castle" in page
    assert "Tuesday, 15 December 2026" in page and "Wednesday, 16 December 2026" in page
    assert page.index("Tuesday, 15 December 2026") < page.index("Falak-ol-Aflak castle")
    assert "Gift: a book on Lorestan bronzes" in page  # staff see staff notes


def test_missing_visit_is_a_404(client, signed_in):
    signed_in(Role.VIEWER)
    assert client.get("/visits/999").status_code == 404


def test_persian_user_gets_a_right_to_left_page_with_jalali_dates(create_visit, client, signed_in):
    visit = create_visit()
    user = signed_in(Role.VIEWER)
    user.locale = "fa"
    db.session.commit()
    page = client.get(f"/visits/{visit.id}").text
    assert 'dir="rtl"' in page and 'lang="fa"' in page
    assert "۱۴۰۵" in page  # the Jalali year of December 2026
