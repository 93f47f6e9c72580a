"""Editing on the timeline, server side: the JSON move a drag or a key sends, its refusals,
the planners' timeline with its controls, and the mirrored picture of Persian pages."""

import re
from datetime import UTC, date, datetime, time

import pytest

from planner.accounts.models import Role
from planner.clock import utc_now
from planner.extensions import db
from planner.itinerary.models import Stop
from planner.programmes.timeline import Canvas, layout_day
from planner.timefmt import local_to_utc
from tests.conftest import PASSWORD

DAY = date(2026, 12, 15)  # the first of the test visit's two days
TEHRAN = "Asia/Tehran"
JSON = {"Accept": "application/json"}


def move_url(visit, stop) -> str:
    return f"/visits/{visit.id}/timeline/stops/{stop.id}"


def move(client, visit, stop, *, version=..., headers=None, **values):
    body = {
        "version": stop.version if version is ... else version,
        "day": DAY.isoformat(),
        "starts": "11:00",
        "minutes": 60,
        **values,
    }
    return client.post(move_url(visit, stop), json=body, headers={**JSON, **(headers or {})})


def at(day: date, wall: str) -> datetime:
    return local_to_utc(day, time.fromisoformat(wall), TEHRAN)


def saved(stop) -> Stop:
    db.session.expire_all()
    return db.session.get(Stop, stop.id)


@pytest.fixture
def castle_visit(create_visit, create_stop):
    visit = create_visit()
    stop = create_stop(visit, DAY, "10:00", "11:00", title="Castle visit")
    return visit, stop


def test_a_move_saves_the_new_times_and_answers_the_stop_and_the_findings(
    castle_visit, client, signed_in
):
    visit, stop = castle_visit
    signed_in(Role.PLANNER)
    version = stop.version
    response = move(client, visit, stop, starts="11:15", minutes=80, day="2026-12-16")
    assert response.status_code == 200
    answer = response.get_json()
    moved = saved(stop)
    assert (moved.starts_at, moved.ends_at) == (
        at(date(2026, 12, 16), "11:15"),
        at(date(2026, 12, 16), "12:35"),
    )
    assert answer["stop"] == {
        "id": stop.id,
        "title": "Castle visit",
        "version": version + 1,
        "starts_at": "2026-12-16T11:15:00+03:30",
        "ends_at": "2026-12-16T12:35:00+03:30",
    }
    assert answer["message"].startswith("“\u2068Castle visit\u2069” is now at \u206811:15–12:35")
    assert {"errors", "warnings", "findings"} <= answer.keys()


def test_a_move_into_a_clash_answers_the_new_finding(
    castle_visit, create_stop, add_participant, client, signed_in
):
    visit, stop = castle_visit
    head = add_participant(visit, "Yerlan Abenov")
    stop.attendees = [head]
    lunch = create_stop(visit, DAY, "12:00", "13:00", title="Lunch", attendees=[head])
    signed_in(Role.PLANNER)
    before = client.get(f"/visits/{visit.id}/checks.json").get_json()["errors"]
    answer = move(client, visit, saved(stop), starts="12:30", minutes=60).get_json()
    assert answer["errors"] > before
    clash = [f for f in answer["findings"] if set(f["stop_ids"]) == {stop.id, lunch.id}]
    assert clash and clash[0]["severity"] == "error"
    assert "1 problem" in answer["message"]


def test_a_move_based_on_an_older_version_is_refused_with_the_other_change(
    castle_visit, client, signed_in, create_staff
):
    visit, stop = castle_visit
    seen_version, seen_starts = stop.version, stop.starts_at
    leila = create_staff(Role.PLANNER, name="Leila Amiri")
    # Leila moved it to 11:15 meanwhile, through the stop form.
    stop.reschedule(at(DAY, "11:15"), at(DAY, "12:15"))
    stop.updated_by = leila
    db.session.commit()
    signed_in(Role.PLANNER)
    response = move(
        client,
        visit,
        stop,
        version=seen_version,
        starts="10:30",
        seen_starts_at=seen_starts.isoformat(),
    )
    assert response.status_code == 409
    answer = response.get_json()
    assert answer["error"] == (
        "\u2068Leila Amiri\u2069 moved “\u2068Castle visit\u2069” to \u206811:15–12:15\u2069 "
        "meanwhile, so it was not moved again. The timeline now shows it as it is."
    )
    assert answer["stop"]["version"] == stop.version
    assert answer["stop"]["starts_at"] == "2026-12-15T11:15:00+03:30"
    assert saved(stop).starts_at == at(DAY, "11:15")  # nothing of the stale move


def test_a_stale_move_after_another_change_than_the_time_says_it_was_changed(
    castle_visit, client, signed_in
):
    visit, stop = castle_visit
    seen_version, seen_starts = stop.version, stop.starts_at
    stop.title = "Castle and museum"  # by nobody known (a script, the command line)
    db.session.commit()
    signed_in(Role.PLANNER)
    response = move(
        client, visit, stop, version=seen_version, seen_starts_at=seen_starts.isoformat()
    )
    assert response.status_code == 409
    assert response.get_json()["error"].startswith(
        "\u2068Someone else\u2069 changed “\u2068Castle and museum\u2069” meanwhile "
        "(now \u206810:00–11:00"
    )
    assert saved(stop).starts_at == at(DAY, "10:00")


def test_a_persian_refusal_reads_in_persian_with_persian_digits(
    castle_visit, client, signed_in, create_staff
):
    visit, stop = castle_visit
    seen_version, seen_starts = stop.version, stop.starts_at
    stop.reschedule(at(DAY, "11:15"), at(DAY, "12:15"))
    stop.updated_by = create_staff(Role.PLANNER, name="Leila Amiri")
    db.session.commit()
    user = signed_in(Role.PLANNER)
    user.locale = "fa"
    db.session.commit()
    response = move(
        client, visit, stop, version=seen_version, seen_starts_at=seen_starts.isoformat()
    )
    assert response.status_code == 409
    assert response.get_json()["error"].startswith(
        "در این میان \u2068Leila Amiri\u2069 «\u2068Castle visit\u2069» "
        "را به \u2068۱۱:۱۵–۱۲:۱۵\u2069 برد"
    )


@pytest.fixture
def csrf_client(app):
    app.config["WTF_CSRF_ENABLED"] = True  # the app fixture restores the test settings
    return app.test_client()


def test_a_move_needs_the_csrf_token_in_its_header(castle_visit, csrf_client, create_staff):
    visit, stop = castle_visit
    planner = create_staff(Role.PLANNER)
    sign_in = csrf_client.get("/sign-in").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', sign_in).group(1)
    csrf_client.post(
        "/sign-in", data={"email": planner.email, "password": PASSWORD, "csrf_token": token}
    )
    assert move(csrf_client, visit, stop).status_code == 400
    assert saved(stop).starts_at == at(DAY, "10:00")
    page = csrf_client.get(f"/visits/{visit.id}/timeline").text
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    response = move(csrf_client, visit, stop, headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert saved(stop).starts_at == at(DAY, "11:00")


def test_a_viewer_cannot_move_a_stop_nor_can_anyone_signed_out(castle_visit, client, signed_in):
    visit, stop = castle_visit
    assert move(client, visit, stop).status_code == 401
    signed_in(Role.VIEWER)
    response = move(client, visit, stop)
    assert response.status_code == 403
    assert response.is_json
    assert saved(stop).starts_at == at(DAY, "10:00")


@pytest.mark.parametrize(
    "path",
    [
        "/visits/{visit}/timeline/stops/abc",
        "/visits/abc/timeline/stops/{stop}",
        "/visits/{visit}/timeline/stops/12345678901234567890",
        "/visits/12345678901234567890/timeline/stops/{stop}",
        "/visits/{visit}/timeline/stops/0",
    ],
)
def test_an_address_no_stop_can_have_is_a_404(path, castle_visit, client, signed_in):
    visit, stop = castle_visit
    signed_in(Role.PLANNER)
    url = path.format(visit=visit.id, stop=stop.id)
    response = client.post(url, json={"version": 1}, headers=JSON)
    assert response.status_code == 404


def test_a_stop_of_another_visit_or_in_the_bin_is_a_404(
    castle_visit, create_visit, create_stop, client, signed_in
):
    visit, stop = castle_visit
    other = create_stop(create_visit(title="Another visit"), DAY, "10:00", "11:00")
    binned = create_stop(visit, DAY, "15:00", "16:00", deleted_at=utc_now())
    signed_in(Role.PLANNER)
    assert move(client, visit, other).status_code == 404
    response = move(client, visit, binned)
    assert response.status_code == 404
    assert response.get_json() == {"error": "This stop is not in the visit's programme any more."}


BAD_MOVES = [
    ({"version": "three"}, "version", "Not a valid integer value."),
    ({"version": 12345678901234567890}, "version", "This is not a version of a stop."),
    ({"version": None}, "version", "Send the version of the stop the page showed."),
    ({"version": ""}, "version", "Send the version of the stop the page showed."),
    ({"minutes": 2.5}, "minutes", "Not a valid integer value."),
    ({"minutes": True}, "minutes", "Not a valid integer value."),
    ({"minutes": 0}, "minutes", "A stop lasts from 5 minutes to 24 hours."),
    ({"minutes": 1441}, "minutes", "A stop lasts from 5 minutes to 24 hours."),
    ({"starts": "25:00"}, "starts", "Not a valid time value."),
    ({"starts": ["11:00"]}, "starts", "Send the start as HH:MM."),
    ({"day": "15/12/2026"}, "day", "Not a valid date value."),
    (
        {"day": "2026-12-17"},
        "day",
        "The visit runs from 15 Dec 2026 to 16 Dec 2026: move the stop within its days.",
    ),
    (
        {"day": "2026-12-14"},
        "day",
        "The visit runs from 15 Dec 2026 to 16 Dec 2026: move the stop within its days.",
    ),
    ({"seen_starts_at": "yesterday"}, "seen_starts_at", "Send the start the page showed"),
]


@pytest.mark.parametrize(("values", "field", "message"), BAD_MOVES)
def test_bad_input_is_refused_with_a_clear_message(
    values, field, message, castle_visit, client, signed_in
):
    visit, stop = castle_visit
    signed_in(Role.PLANNER)
    response = move(client, visit, stop, **{"version": stop.version, **values})
    assert response.status_code == 422
    answer = response.get_json()
    assert answer["errors"][field][0].startswith(message)
    assert answer["error"].startswith(message)
    assert saved(stop).starts_at == at(DAY, "10:00")


@pytest.mark.parametrize("body", ["not json", "[1, 2]", "3"])
def test_a_body_that_is_not_a_json_object_is_a_400(body, castle_visit, client, signed_in):
    visit, stop = castle_visit
    signed_in(Role.PLANNER)
    response = client.post(
        move_url(visit, stop), data=body, content_type="application/json", headers=JSON
    )
    assert response.status_code == 400
    assert response.get_json() == {"error": "Send the move as a JSON object."}


def test_a_stop_may_run_into_the_next_night_but_no_further(castle_visit, client, signed_in):
    visit, stop = castle_visit
    signed_in(Role.PLANNER)
    assert move(client, visit, stop, starts="23:00", minutes=120).status_code == 200
    assert saved(stop).ends_at == at(date(2026, 12, 16), "01:00")
    # 24 hours from 23:00 still ends the next day; what the form allows, the timeline does.
    assert move(client, visit, saved(stop), starts="23:00", minutes=1440).status_code == 200


# The planners' timeline, and the viewers'.


def test_planners_timeline_carries_the_controls_and_viewers_none(
    castle_visit, client, signed_in, auth
):
    visit, stop = castle_visit
    signed_in(Role.VIEWER)
    page = client.get(f"/visits/{visit.id}/timeline").text
    assert "data-stop=" not in page and "timeline-edit.js" not in page
    assert "data-move-stop" not in page and 'name="csrf-token"' not in page

    auth.logout()
    signed_in(Role.PLANNER)
    page = client.get(f"/visits/{visit.id}/timeline").text
    assert f'data-stop="{stop.id}" data-version="{stop.version}"' in page
    assert 'data-start-minute="600"' in page and 'data-minutes="60"' in page
    assert f'data-move-stop="{stop.id}"' in page and "15 min later" in page
    assert "timeline-edit.js" in page
    # The empty second day is drawn for planners, to be clicked on.
    assert page.count("data-slots") == 2
    assert f"/visits/{visit.id}/stops/new?day=2026-12-16" in page
    fragment = client.get(f"/visits/{visit.id}/timeline/body").text
    assert fragment.strip() in page and "<html" not in fragment


def test_a_clicked_slot_opens_the_stop_form_at_its_time(castle_visit, client, signed_in):
    visit, _ = castle_visit
    signed_in(Role.PLANNER)
    form = client.get(f"/visits/{visit.id}/stops/new?day=2026-12-16&starts=14:30").text
    assert re.search(r'<input[^>]*name="starts"[^>]*value="14:30"', form)
    # The end is left to the kind's usual length (the form's script shows it as you type).
    assert not re.search(r'<input[^>]*name="ends"[^>]*value="\d', form)
    assert re.search(
        r'<option selected value="2026-12-16"|<option value="2026-12-16" selected', form
    )
    late = client.get(f"/visits/{visit.id}/stops/new?day=2026-12-16&starts=23:30").text
    assert re.search(r'<input[^>]*name="starts"[^>]*value="23:30"', late)
    nonsense = client.get(f"/visits/{visit.id}/stops/new?starts=noon")
    assert nonsense.status_code == 200


def test_the_persian_picture_is_mirrored():
    stops = [
        type("Slot", (), {"starts_at": at(DAY, s), "ends_at": at(DAY, e)})()
        for s, e in (("10:00", "11:00"), ("10:30", "11:30"))
    ]
    layout = layout_day(stops, DAY, TEHRAN, "Asia/Almaty")
    ltr, rtl = Canvas.for_day(layout), Canvas.for_day(layout, mirrored=True)
    for canvas in (ltr, rtl):
        first, second = (canvas.box(block) for block in layout.blocks)
        assert first.width == second.width
        assert 0 <= min(first.x, second.x) and max(first.x, second.x) + first.width <= 1000
    ltr_first, ltr_second = (ltr.box(block) for block in layout.blocks)
    rtl_first, rtl_second = (rtl.box(block) for block in layout.blocks)
    # The same picture reflected: labels on the right, the first column rightmost.
    assert rtl.label_anchor == "start" and rtl.label_x(0) == 1000 - ltr.label_x(0)
    assert rtl.label_x(0) > rtl_first.x + rtl_first.width
    assert rtl_first.x > rtl_second.x
    assert rtl_first.x == 1000 - ltr_first.x - ltr_first.width
    assert rtl.rule() == (0, 1000 - ltr.chart_x)
    assert ltr.rule(3) == (ltr.chart_x - 3, 1000)


def test_a_persian_timeline_draws_its_hours_on_the_right(castle_visit, client, signed_in):
    visit, _ = castle_visit
    user = signed_in(Role.VIEWER)
    user.locale = "fa"
    db.session.commit()
    svg = client.get(f"/visits/{visit.id}/timeline").text.split("</svg>")[0]
    label = re.search(r'<text class="timeline__label" x="([\d.]+)"[^>]*text-anchor="start"', svg)
    block = re.search(r'<rect class="timeline__rect" x="([\d.]+)"[^>]*width="([\d.]+)"', svg)
    assert float(label.group(1)) > float(block.group(1)) + float(block.group(2))


def test_layout_reports_the_wall_minute_at_its_top():
    layout = layout_day([], DAY, TEHRAN)
    assert layout.first_minute == 7 * 60
    assert at(DAY, "07:00") == datetime(2026, 12, 15, 3, 30, tzinfo=UTC)
