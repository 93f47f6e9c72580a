"""Titles and names are one line of text: the pages and the API refuse line breaks and other
control characters in them, by one rule; descriptions and notes keep their line breaks."""

from datetime import date

import pytest
import sqlalchemy as sa

from planner import rules
from planner.accounts.models import ApiToken, Role, User
from planner.extensions import db
from planner.itinerary.models import Stop
from planner.people.models import Person
from planner.visits.models import Visit

DAY = date(2026, 12, 15)
ONE_LINE = "Write this on one line"
BREAKS = ["Trade\rround table", "Trade\nround table", "Trade\r\nround table"]


def stop_form(**overrides) -> dict:
    return {
        "kind": "official_meeting",
        "title": "Trade round table",
        "day": DAY.isoformat(),
        "starts": "10:00",
        "ends": "11:00",
        "end_day": "",
        "venue_id": "0",
        "public_description": "",
        "staff_notes": "",
        "status": "planned",
        **overrides,
    }


def stop_body(**overrides) -> dict:
    return {
        "kind": "official_meeting",
        "title": "Trade round table",
        "starts_at": "2026-12-15T10:00:00+03:30",
        "ends_at": "2026-12-15T11:00:00+03:30",
        **overrides,
    }


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def saved_stop(stop_id: int) -> Stop:
    db.session.expire_all()
    return db.session.get(Stop, stop_id)


def api_reasons(response) -> dict[str, str]:
    assert response.status_code == 422, response.json
    return {error["field"]: error["reason"] for error in response.json["errors"]}


# --- The rule ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [*BREAKS, "Trade\tround", "Bell\x07", "Del\x7f", "Next\x85line", "Line\u2028sep", "P\u2029"],
)
def test_single_line_text_refuses_control_characters_and_line_separators(text):
    assert rules.single_line_error(text) is not None


@pytest.mark.parametrize(
    "text", ["Falak-ol-Aflak castle", "بازدید از قلعهٔ فلک‌الافلاک", "Ерлан Әбенов", "", None]
)
def test_single_line_text_takes_any_script_and_the_zero_width_non_joiner(text):
    assert rules.single_line_error(text) is None


def test_multi_line_text_keeps_tabs_and_line_breaks_but_not_other_controls():
    assert rules.multi_line_error("Arrive at 9.\r\nTea:\tin the hall.\n") is None
    for control in ("\x00", "\x07", "\x1b", "\x7f", "\x9b"):
        assert rules.multi_line_error(f"Arrive{control} at 9.") is not None


def test_single_line_makes_each_run_of_breaks_one_space():
    assert rules.single_line("Trade \r\n\r\n  round\ttable\x00") == "Trade round table"
    assert rules.single_line("Trade\u2028round table") == "Trade round table"
    assert rules.single_line("  فلک‌الافلاک  ") == "فلک‌الافلاک"
    assert rules.single_line(None) == ""


# --- The pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("title", BREAKS)
def test_stop_form_refuses_a_title_with_a_line_break_and_saves_nothing(
    title, create_visit, client, signed_in
):
    visit = create_visit()
    signed_in(Role.PLANNER)
    response = client.post(f"/visits/{visit.id}/stops/new", data=stop_form(title=title))
    assert response.status_code == 400
    assert 'id="title-error"' in response.text
    assert ONE_LINE in response.text
    assert count(Stop) == 0


def test_stop_form_refuses_a_new_title_with_a_line_break_and_keeps_the_saved_one(
    create_visit, create_stop, client, signed_in
):
    visit = create_visit()
    stop = create_stop(visit, DAY, "10:00", "11:00", title="Trade round table")
    signed_in(Role.PLANNER)
    edit_page = client.get(f"/visits/{visit.id}/stops/{stop.id}/edit")
    assert edit_page.status_code == 200
    response = client.post(
        f"/visits/{visit.id}/stops/{stop.id}/edit",
        data=stop_form(title="Trade\nround table", version=str(stop.version), seen=""),
    )
    assert response.status_code == 400
    assert ONE_LINE in response.text
    assert saved_stop(stop.id).title == "Trade round table"


def test_stop_form_keeps_line_breaks_in_the_description(create_visit, client, signed_in):
    visit = create_visit()
    signed_in(Role.PLANNER)
    description = "Arrive at 9.\r\nTea in the hall."
    response = client.post(
        f"/visits/{visit.id}/stops/new", data=stop_form(public_description=description)
    )
    assert response.status_code == 302, response.text
    assert db.session.scalars(sa.select(Stop)).one().public_description == description


def test_stop_form_refuses_other_control_characters_in_the_description(
    create_visit, client, signed_in
):
    visit = create_visit()
    signed_in(Role.PLANNER)
    response = client.post(
        f"/visits/{visit.id}/stops/new", data=stop_form(public_description="Arrive\x1b at 9.")
    )
    assert response.status_code == 400
    assert 'id="public_description-error"' in response.text
    assert "Control characters other than tabs and line breaks" in response.text
    assert count(Stop) == 0


def test_a_persian_speaking_planner_is_told_in_persian(create_visit, client, auth, create_staff):
    visit = create_visit()
    auth.login(create_staff(Role.PLANNER, locale="fa"))
    response = client.post(
        f"/visits/{visit.id}/stops/new", data=stop_form(title="Trade\nround table")
    )
    assert response.status_code == 400
    assert "این را در یک سطر بنویسید" in response.text
    assert count(Stop) == 0


def test_visit_form_refuses_a_title_with_a_line_break(client, signed_in):
    signed_in(Role.PLANNER)
    response = client.post(
        "/visits/new",
        data={
            "title": "Visit of the Governor\r\nof Kostanay Region",
            "visiting_country": "kz",
            "start_date": "2027-03-01",
            "end_date": "2027-03-03",
            "timezone": "Asia/Tehran",
            "status": "proposed",
        },
    )
    assert response.status_code == 400
    assert 'id="title-error"' in response.text
    assert ONE_LINE in response.text
    assert count(Visit) == 0


def test_person_form_refuses_a_name_with_a_line_break(client, signed_in):
    signed_in(Role.PLANNER)
    response = client.post(
        "/people/new",
        data={"full_name_latin": "Yerlan\nAbenov", "full_name_native": "", "languages": "kk"},
    )
    assert response.status_code == 400
    assert 'id="full_name_latin-error"' in response.text
    assert count(Person) == 0


def test_api_token_name_and_own_name_are_one_line(client, signed_in):
    user = signed_in(Role.PLANNER)
    name = user.name
    token = client.post("/profile/api-tokens", data={"token-name": "laptop\nscript"})
    assert token.status_code == 400
    assert ONE_LINE in token.text
    assert count(ApiToken) == 0
    profile = client.post(
        "/profile",
        data={"form": "profile", "profile-name": "Protocol\rOfficer", "profile-locale": "en"},
    )
    assert profile.status_code == 400
    assert ONE_LINE in profile.text
    db.session.expire_all()
    assert db.session.get(User, user.id).name == name


def test_users_create_refuses_a_name_with_a_line_break(runner):
    result = runner.invoke(
        args=["users", "create", "officer@chamber.example", "--name", "Protocol\nOfficer"],
        input="a very good password\n",
    )
    assert result.exit_code == 1
    assert ONE_LINE in result.output
    assert count(User) == 0


# --- The API -----------------------------------------------------------------------------------


@pytest.mark.parametrize("title", BREAKS)
def test_api_refuses_a_stop_title_with_a_line_break_and_saves_nothing(title, api_as, create_visit):
    visit = create_visit()
    api = api_as(Role.PLANNER)
    response = api.post(f"/api/v1/visits/{visit.id}/stops", json=stop_body(title=title))
    assert ONE_LINE in api_reasons(response)["title"]
    assert count(Stop) == 0


@pytest.mark.parametrize("title", BREAKS)
def test_api_refuses_a_change_of_title_with_a_line_break_and_keeps_the_saved_one(
    title, api_as, create_visit, create_stop
):
    visit = create_visit()
    stop = create_stop(visit, DAY, "10:00", "11:00", title="Trade round table")
    version = stop.version
    api = api_as(Role.PLANNER)
    response = api.patch(
        f"/api/v1/visits/{visit.id}/stops/{stop.id}", json={"version": version, "title": title}
    )
    assert ONE_LINE in api_reasons(response)["title"]
    kept = saved_stop(stop.id)
    assert (kept.title, kept.version) == ("Trade round table", version)


def test_api_keeps_line_breaks_in_staff_notes_but_not_in_the_title(api_as, create_visit):
    visit = create_visit()
    api = api_as(Role.PLANNER)
    response = api.post(
        f"/api/v1/visits/{visit.id}/stops",
        json=stop_body(staff_notes="Director greets at the gate.\nTea after."),
    )
    assert response.status_code == 201, response.json
    assert response.json["staff_notes"] == "Director greets at the gate.\nTea after."
    refused = api.post(f"/api/v1/visits/{visit.id}/stops", json=stop_body(staff_notes="Bell\x07"))
    assert "staff_notes" in api_reasons(refused)
    assert count(Stop) == 1


def test_api_refuses_a_visit_title_and_a_person_s_name_with_a_line_break(api_as):
    api = api_as(Role.PLANNER)
    visit = api.post(
        "/api/v1/visits",
        json={
            "title": "Visit of the Governor\nof Kostanay Region",
            "visiting_country": "kz",
            "start_date": "2027-03-01",
            "end_date": "2027-03-03",
            "timezone": "Asia/Tehran",
        },
    )
    assert ONE_LINE in api_reasons(visit)["title"]
    assert count(Visit) == 0
    person = api.post(
        "/api/v1/people",
        json={"full_name_latin": "Yerlan Abenov", "full_name_native": "Ерлан\u2028Әбенов"},
    )
    assert ONE_LINE in api_reasons(person)["full_name_native"]
    assert count(Person) == 0
