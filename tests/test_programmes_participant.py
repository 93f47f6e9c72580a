"""What is my programme: one participant's stops, for staff and as the copy handed to the guest."""

from datetime import timedelta

from markupsafe import escape

from planner.accounts.models import Role
from planner.calendars import mail
from planner.clock import utc_now
from planner.extensions import db
from planner.itinerary.models import Stop, StopKind, StopStatus
from planner.timefmt import format_time
from planner.visits.models import ParticipantRole, Side


def programme_url(visit, participant, **query) -> str:
    url = f"/visits/{visit.id}/participants/{participant.id}/programme"
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def attended(visit, participant) -> list[Stop]:
    """What the model says the participant's programme holds."""
    return [stop for stop in visit.live_stops if participant in stop.attendees]


def listed_stops(page: str) -> int:
    return page.count('<li class="stop stop--')


def shows(page: str, stop: Stop) -> bool:
    return f"<bdi>{escape(stop.title)}</bdi>" in page


def test_drivers_programme_holds_only_the_transfers(demo_visit, client, signed_in):
    driver = next(p for p in demo_visit.participants if p.role == ParticipantRole.DRIVER)
    expected = attended(demo_visit, driver)
    assert expected and {stop.kind for stop in expected} == {StopKind.TRANSFER}
    signed_in(Role.VIEWER)
    page = client.get(programme_url(demo_visit, driver)).text
    assert escape(driver.person.display_name) in page
    assert listed_stops(page) == len(expected)
    for stop in demo_visit.live_stops:
        assert shows(page, stop) == (stop in expected), stop.title


def test_ambassadors_programme_leaves_out_a_transfer_he_does_not_take(
    demo_visit, create_stop, client, signed_in
):
    ambassador = demo_visit.head_of_delegation
    driver = next(p for p in demo_visit.participants if p.role == ParticipantRole.DRIVER)
    luggage = create_stop(
        demo_visit,
        demo_visit.start_date,
        "09:05",
        "09:40",
        kind=StopKind.TRANSFER,
        title="Luggage to the Zagros Hotel",
        attendees=[driver],
    )
    signed_in(Role.VIEWER)
    page = client.get(programme_url(demo_visit, ambassador)).text
    expected = attended(demo_visit, ambassador)
    assert luggage not in expected
    assert listed_stops(page) == len(expected)
    for stop in demo_visit.live_stops:
        assert shows(page, stop) == (stop in expected), stop.title
    assert shows(client.get(programme_url(demo_visit, driver)).text, luggage)


def test_binned_stop_is_not_in_anyones_programme(demo_visit, client, signed_in):
    ambassador = demo_visit.head_of_delegation
    castle = next(s for s in demo_visit.live_stops if s.kind == StopKind.CULTURAL_VISIT)
    assert ambassador in castle.attendees
    castle.deleted_at = utc_now()
    db.session.commit()
    signed_in(Role.VIEWER)
    page = client.get(programme_url(demo_visit, ambassador)).text
    assert not shows(page, castle)
    assert listed_stops(page) == len(attended(demo_visit, ambassador))


def test_delegate_reads_host_and_home_times_with_venue_address_and_description(
    demo_visit, client, signed_in
):
    ambassador = demo_visit.head_of_delegation
    arrival = next(s for s in attended(demo_visit, ambassador) if s.kind == StopKind.ARRIVAL)
    signed_in(Role.VIEWER)
    page = client.get(programme_url(demo_visit, ambassador)).text
    assert str(ambassador.role.label) in page and str(Side.DELEGATION.label) in page
    host = format_time(arrival.starts_at, demo_visit.timezone)
    home = format_time(arrival.starts_at, demo_visit.delegation_timezone)
    assert (host, home) == ("08:30", "10:00")
    item = page.split(f'id="stop-{arrival.id}"')[1].split("</li>")[0]
    assert f">{host}</time>" in item and f">{home}</time>" in item
    assert "stop__home--own" in item  # the home clock is the one a delegate cares about
    assert escape(arrival.venue.address) in item
    assert escape(arrival.public_description) in item


def test_staff_notes_are_marked_for_staff_and_left_out_of_the_participants_copy(
    demo_visit, client, signed_in
):
    ambassador = demo_visit.head_of_delegation
    noted = [stop for stop in attended(demo_visit, ambassador) if stop.staff_notes]
    assert noted
    signed_in(Role.VIEWER)
    staff_page = client.get(programme_url(demo_visit, ambassador)).text
    for stop in noted:
        item = staff_page.split(f'id="stop-{stop.id}"')[1].split("</li>")[0]
        note = item.split('<div class="staff-note">')[1]
        assert "Staff only" in note and escape(stop.staff_notes) in note
    assert "Print for the participant" in staff_page

    copy = client.get(programme_url(demo_visit, ambassador, print="participant")).text
    assert copy.count('<li class="guest-stop"') == listed_stops(staff_page)
    for stop in noted:
        assert escape(stop.staff_notes) not in copy
        assert escape(stop.public_description) in copy
    assert "Staff only" not in copy and "staff-note" not in copy
    assert "The copy for the participant." in copy


def test_participant_of_another_visit_is_a_404(
    demo_visit, create_visit, add_participant, client, signed_in
):
    other = create_visit(title="Visit of the Basra chamber", start_date=demo_visit.start_date)
    guest = add_participant(other, "Haidar Kareem")
    signed_in(Role.VIEWER)
    assert client.get(programme_url(demo_visit, guest)).status_code == 404
    assert client.get(programme_url(other, guest)).status_code == 200
    assert client.get(f"/visits/{demo_visit.id}/participants/99999/programme").status_code == 404
    assert client.get(f"/visits/99999/participants/{guest.id}/programme").status_code == 404


def test_viewer_can_read_the_timeline_and_a_programme(demo_visit, client, signed_in):
    signed_in(Role.VIEWER)
    ambassador = demo_visit.head_of_delegation
    assert client.get(f"/visits/{demo_visit.id}/timeline").status_code == 200
    assert client.get(programme_url(demo_visit, ambassador)).status_code == 200
    assert client.get(programme_url(demo_visit, ambassador, print="participant")).status_code == 200


def test_timeline_links_each_attendee_to_their_programme(demo_visit, client, signed_in):
    signed_in(Role.VIEWER)
    page = client.get(f"/visits/{demo_visit.id}/timeline").text
    for participant in demo_visit.participants:
        assert programme_url(demo_visit, participant) in page


def test_participant_with_nothing_planned_is_told_so(
    create_visit, add_participant, client, signed_in
):
    visit = create_visit()
    guest = add_participant(visit, "Aigerim Nurpeisova")
    signed_in(Role.VIEWER)
    page = client.get(programme_url(visit, guest)).text
    assert "attends no stop of this visit yet" in page
    assert page.count("Nothing planned") == visit.duration_days
    assert "<svg" not in page


def test_stop_across_midnight_is_on_the_day_it_starts_and_says_it_continues(
    create_visit, create_stop, add_participant, client, signed_in
):
    visit = create_visit()
    guest = add_participant(visit, "Aigerim Nurpeisova")
    stop = create_stop(visit, visit.start_date, "22:00", "23:00", title="Night train to Tehran")
    stop.ends_at = stop.starts_at + timedelta(hours=3)
    stop.attendees.append(guest)
    db.session.commit()
    signed_in(Role.VIEWER)
    page = client.get(programme_url(visit, guest)).text
    first, second = page.split('<section class="timeline-day"')[1:]
    assert "continues after midnight" in first and shows(first, stop)
    assert "Nothing planned" in second


def test_persian_programme_has_persian_digits_and_runs_right_to_left(demo_visit, client, signed_in):
    user = signed_in(Role.VIEWER)
    user.locale = "fa"
    db.session.commit()
    page = client.get(programme_url(demo_visit, demo_visit.head_of_delegation)).text
    assert 'dir="rtl"' in page
    assert ">۰۸:۳۰</time>" in page and ">۱۰:۰۰</time>" in page  # Tehran and Almaty


def test_programme_page_removal_page_and_invitations_hold_the_same_stops(
    demo_visit, client, signed_in
):
    ambassador = demo_visit.head_of_delegation
    press = next(s for s in attended(demo_visit, ambassador) if s.kind == StopKind.PRESS)
    castle = next(s for s in attended(demo_visit, ambassador) if s.kind == StopKind.CULTURAL_VISIT)
    press.status = StopStatus.CANCELLED
    castle.deleted_at = utc_now()
    db.session.commit()
    expected = attended(demo_visit, ambassador)
    assert press in expected and castle not in expected
    signed_in(Role.PLANNER)

    page = client.get(programme_url(demo_visit, ambassador)).text
    assert listed_stops(page) == len(expected) and all(shows(page, stop) for stop in expected)
    assert f"<del><bdi>{escape(press.title)}</bdi></del>" in page  # cancelled, still listed

    removal = client.get(f"/visits/{demo_visit.id}/participants/{ambassador.id}/remove").text
    taken_off = removal.split('class="confirm__list"', 1)[1].split("</ul>", 1)[0]
    assert taken_off.count("<li>") == len(expected)
    assert all(shows(taken_off, stop) for stop in expected)

    # Invitations list only what takes place: the cancelled press statement is left out.
    plan = mail.plan_programme(db.session, demo_visit)
    [invited] = [r for r in plan.recipients if r.participant.id == ambassador.id]
    assert [i.stop for i in invited.invitations] == [s for s in expected if s is not press]


def test_one_stop_card_folds_a_crowd_on_the_visit_page_and_names_everyone_in_the_programme(
    demo_visit, client, signed_in
):
    ambassador = demo_visit.head_of_delegation
    crowded = max(attended(demo_visit, ambassador), key=lambda stop: len(stop.attendees))
    assert len(crowded.attendees) > 6
    signed_in(Role.VIEWER)

    def card(page: str) -> str:
        return page.split(f'id="stop-{crowded.id}"', 1)[1].split('<li class="stop ', 1)[0]

    on_visit_page = card(client.get(f"/visits/{demo_visit.id}").text)
    assert '<details class="stop__more">' in on_visit_page
    in_programme = card(client.get(programme_url(demo_visit, ambassador)).text)
    assert "<details" not in in_programme
    assert f"{len(crowded.attendees)} people —" in in_programme
    for attendee in crowded.attendees:
        name = f"<bdi>{escape(attendee.person.display_name)}</bdi>"
        assert name in on_visit_page and name in in_programme
