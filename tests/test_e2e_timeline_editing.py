"""In a real browser: a planner drags stops on the timeline, stretches them, adds one at an
empty time, does the same with the keyboard, in English and on the mirrored Persian page;
a move based on a stale version is refused and the other planner's change is shown."""

import contextlib
import re
from datetime import date, datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from planner.accounts.models import Role
from planner.extensions import db
from planner.itinerary.kinds import StopKind
from planner.itinerary.models import Stop
from planner.timefmt import local_to_utc
from tests.browser import chromium_pages, sign_in

pytestmark = pytest.mark.browser

DAY = date(2026, 12, 15)

# Where a wall-clock minute of a day's view is on the screen (viewport pixels).
SCREEN_Y = """([svg, minute]) => {
  const y = Number(svg.dataset.header)
    + (minute - Number(svg.dataset.firstMinute)) * Number(svg.dataset.perMinute);
  return new DOMPoint(0, y).matrixTransform(svg.getScreenCTM()).y;
}"""


def at(wall: str):
    return local_to_utc(DAY, time.fromisoformat(wall), "Asia/Tehran")


def saved(stop) -> Stop:
    db.session.expire_all()
    return db.session.get(Stop, stop.id)


@pytest.fixture
def programme(create_visit, create_stop, add_participant):
    """The ambassador's castle visit at 10:00 and his lunch at 12:00."""
    visit = create_visit()
    head = add_participant(visit, "Yerlan Abenov")
    castle = create_stop(visit, DAY, "10:00", "11:00", title="Castle visit", attendees=[head])
    lunch = create_stop(visit, DAY, "12:00", "13:00", title="Lunch", attendees=[head])
    return visit, castle, lunch


@pytest.fixture
def signed_in_page(app, create_staff):
    """signed_in_page(locale): Chromium, signed in as a planner who reads `locale`."""
    app.config["WTF_CSRF_ENABLED"] = True  # the moves carry the token, as in production
    with contextlib.ExitStack() as stack:

        def _open(locale="en"):
            officer = create_staff(Role.PLANNER, name="Sara Tarahi", locale=locale)
            new_page = stack.enter_context(chromium_pages(app))
            page = new_page(viewport={"width": 1280, "height": 900})
            sign_in(page, officer)
            return page

        yield _open


@pytest.fixture
def page(signed_in_page):
    return signed_in_page()


@pytest.fixture
def persian_page(signed_in_page):
    return signed_in_page("fa")


def open_timeline(page, visit):
    page.goto(f"/visits/{visit.id}/timeline")
    page.evaluate("window.notReloaded = true")


def drag(page, stop, minutes: int, *, edge: bool = False):
    """Press on the stop (or its lower edge), move the pointer by `minutes` down, let go."""
    block = page.locator(f'[data-stop="{stop.id}"]')
    target = block.locator("[data-edge]" if edge else ".tl-block")
    target.scroll_into_view_if_needed()
    box = target.bounding_box()
    svg = block.locator("xpath=ancestor::*[local-name()='svg']").element_handle()
    per_minute = page.evaluate("svg => svg.getScreenCTM().d", svg)
    x, y = box["x"] + box["width"] / 2, box["y"] + (box["height"] / 2 if edge else 12)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y + minutes * per_minute / 2, steps=4)
    page.mouse.move(x, y + minutes * per_minute, steps=4)
    page.mouse.up()


def status(page):
    return page.locator("[data-timeline-status]")


@pytest.mark.committed
def test_dragging_a_stop_moves_it_and_the_findings_follow_without_a_reload(page, programme):
    visit, castle, lunch = programme
    open_timeline(page, visit)
    castle_block = page.locator(f'[data-stop="{castle.id}"]')
    expect(castle_block).not_to_have_class(re.compile("timeline__block--error"))

    drag(page, castle, 90)  # onto lunch: the ambassador cannot be at both
    expect(status(page)).to_contain_text("“\u2068Castle visit\u2069” is now at")
    expect(status(page)).to_contain_text("11:30–12:30")
    assert (saved(castle).starts_at, saved(castle).ends_at) == (at("11:30"), at("12:30"))
    assert saved(lunch).starts_at == at("12:00")  # only the dragged stop moved

    # The checker's findings, on the same page: the block is marked and the clash explained.
    expect(castle_block).to_have_class(re.compile("timeline__block--error"))
    expect(page.locator(".timeline-findings").first).to_contain_text("cannot be at")
    expect(castle_block.locator(".tl-block__time")).to_contain_text("11:30–12:30")
    assert page.evaluate("window.notReloaded") is True

    drag(page, castle, -30, edge=True)  # its lower edge up: half an hour shorter
    expect(status(page)).to_contain_text("11:30–12:00")
    assert saved(castle).ends_at == at("12:00")
    expect(castle_block).not_to_have_class(re.compile("timeline__block--error"))
    assert page.evaluate("window.notReloaded") is True


@pytest.mark.committed
def test_a_drag_based_on_a_stale_version_is_refused_and_shows_the_other_change(
    page, programme, create_staff
):
    visit, castle, _ = programme
    open_timeline(page, visit)
    # Behind the page's back, Leila moves the castle visit to 11:15.
    leila = create_staff(Role.PLANNER, name="Leila Amiri")
    stop = saved(castle)
    stop.reschedule(at("11:15"), at("12:15"))
    stop.updated_by = leila
    db.session.commit()

    drag(page, castle, 30)  # from the 10:00 the page still shows
    notice = page.locator("[data-timeline-alert]")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Leila Amiri")
    expect(notice).to_contain_text("moved “\u2068Castle visit\u2069” to \u206811:15–12:15")
    assert saved(castle).starts_at == at("11:15")  # the stale move changed nothing
    # The timeline now shows the stop where Leila put it, with its new version.
    block = page.locator(f'[data-stop="{castle.id}"]')
    expect(block.locator(".tl-block__time")).to_contain_text("11:15–12:15")
    expect(block).to_have_attribute("data-version", str(saved(castle).version))

    drag(page, castle, 15)  # again, from what the page now shows: accepted
    expect(status(page)).to_contain_text("11:30–12:30")
    expect(notice).to_be_hidden()
    assert saved(castle).starts_at == at("11:30")


@pytest.mark.committed
def test_keyboard_users_move_stretch_and_open_a_stop(page, programme):
    visit, castle, _ = programme
    open_timeline(page, visit)
    link = page.locator(f'[data-stop="{castle.id}"] .tl-block')
    link.focus()
    page.keyboard.press("ArrowDown")
    expect(status(page)).to_contain_text("10:15–11:15")
    assert saved(castle).starts_at == at("10:15")
    focused = "document.activeElement.closest('[data-stop]')?.dataset.stop"
    assert page.evaluate(focused) == str(castle.id)  # the focus stays on the stop

    page.keyboard.press("Shift+ArrowDown")
    expect(status(page)).to_contain_text("10:15–11:30")
    assert saved(castle).ends_at == at("11:30")

    # The row's buttons do the same, for whoever uses no arrow keys.
    row = page.locator(f'[data-move-stop="{castle.id}"]')
    row.get_by_role("button", name="15 min earlier").click()
    expect(status(page)).to_contain_text("10:00–11:15")
    row = page.locator(f'[data-move-stop="{castle.id}"]')
    row.get_by_role("button", name="15 min shorter").click()
    expect(status(page)).to_contain_text("10:00–11:00")
    assert (saved(castle).starts_at, saved(castle).ends_at) == (at("10:00"), at("11:00"))
    assert page.evaluate("document.activeElement.textContent.trim()") == "15 min shorter"

    page.locator(f'[data-stop="{castle.id}"] .tl-block').focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/visits/{visit.id}#stop-{castle.id}")


@pytest.mark.committed
def test_a_click_on_an_empty_time_opens_the_stop_form_there(page, programme):
    visit, _, _ = programme
    open_timeline(page, visit)
    svg = page.locator("svg.timeline").first
    slots = svg.locator("[data-slots]").bounding_box()
    y = page.evaluate(SCREEN_Y, [svg.element_handle(), 8 * 60 + 35])  # 08:35
    page.mouse.click(slots["x"] + 40, y)
    page.wait_for_url(re.compile(r"/stops/new\?day=2026-12-15&starts=08%3A30$"))
    assert page.input_value("input[name=starts]") == "08:30"
    # The end follows from the start by the chosen kind's usual length (the first kind's).
    kind = StopKind(page.input_value("select[name=kind]"))
    usual_end = datetime.combine(date.min, time(8, 30)) + timedelta(minutes=kind.usual_minutes)
    assert page.input_value("input[name=ends]") == f"{usual_end:%H:%M}"


@pytest.mark.committed
def test_on_the_mirrored_persian_timeline_a_drag_moves_and_stretches_a_stop(
    persian_page, programme
):
    page = persian_page
    visit, castle, _ = programme
    open_timeline(page, visit)
    # Mirrored: the hours are on the right of the stops.
    label = page.locator("svg.timeline .timeline__label").first.bounding_box()
    block = page.locator(f'[data-stop="{castle.id}"] .timeline__rect').bounding_box()
    assert label["x"] > block["x"] + block["width"]

    drag(page, castle, 60)
    expect(status(page)).to_contain_text("۱۱:۰۰–۱۲:۰۰")
    assert saved(castle).starts_at == at("11:00")
    drag(page, castle, 15, edge=True)
    expect(status(page)).to_contain_text("۱۱:۰۰–۱۲:۱۵")
    assert saved(castle).ends_at == at("12:15")
    assert page.evaluate("window.notReloaded") is True
