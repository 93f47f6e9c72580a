"""In a real browser: a Persian sentence that starts with a Latin name still reads right to left."""

from datetime import date

import pytest

from planner.accounts.models import Role
from planner.extensions import db
from planner.itinerary.models import StopKind
from planner.venues.models import VenueClosure
from tests.browser import chromium_pages
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

DAY = date(2026, 12, 15)

# Where the last character of an element's text sits among all the characters of its line.
LAST_CHARACTER = """
element => {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const characters = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.data.length; i++) {
      if (!node.data[i].trim()) continue;
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rect = range.getBoundingClientRect();
      characters.push({text: node.data[i], left: rect.left, right: rect.right,
                       middle: (rect.top + rect.bottom) / 2, top: rect.top, bottom: rect.bottom});
    }
  }
  const last = characters[characters.length - 1];
  const line = characters.filter(c => c.middle > last.top && c.middle < last.bottom);
  return {
    text: last.text,
    left: last.left,
    leftmost: Math.min(...line.map(c => c.left)),
    rightmost: Math.max(...line.map(c => c.right)),
    line: line.length,
    elementLeft: element.getBoundingClientRect().left,
  };
}
"""


@pytest.fixture
def persian_page(app, create_staff):
    officer = create_staff(Role.VIEWER, locale="fa")
    with chromium_pages(app) as new_page:
        page = new_page(viewport={"width": 1280, "height": 900})
        page.goto("/sign-in")
        page.fill("input[name=email]", officer.email)
        page.fill("input[name=password]", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        yield page


@pytest.fixture
def closed_castle_visit(create_visit, create_stop, castle):
    """The castle is closed on the day of the tour: a finding that starts with its Latin name."""
    visit = create_visit()
    db.session.add(VenueClosure(venue=castle, day=DAY))
    tour = StopKind.CULTURAL_VISIT
    create_stop(visit, DAY, "15:00", "16:30", kind=tour, title="Castle tour", venue=castle)
    db.session.commit()
    return visit


def finding_message(page):
    """The sentence of the first finding at the top of the programme (without its label)."""
    finding = page.locator(".findings__list li.finding").first
    return finding.locator("span").nth(1)


def test_a_persian_finding_that_starts_with_a_latin_venue_ends_at_the_left(
    persian_page, closed_castle_visit
):
    page = persian_page
    page.goto(f"/visits/{closed_castle_visit.id}")
    message = finding_message(page)
    text = message.inner_text()
    assert text.startswith("Falak-ol-Aflak castle") and text.endswith(".")
    assert "«Castle tour»" in text
    last = message.evaluate(LAST_CHARACTER)
    assert last["text"] == "."
    assert last["line"] > 10
    # The full stop closes the sentence at the left end of its line, as Persian is read.
    assert last["left"] <= last["leftmost"] + 0.5, last
    assert abs(last["left"] - last["elementLeft"]) < 2, last


def test_the_persian_timeline_reads_the_finding_right_to_left(persian_page, closed_castle_visit):
    page = persian_page
    page.goto(f"/visits/{closed_castle_visit.id}/timeline")
    message = page.locator(".timeline-findings li.timeline-finding").first.locator("span").nth(1)
    assert message.inner_text().startswith("Falak-ol-Aflak castle")
    last = message.evaluate(LAST_CHARACTER)
    assert last["text"] == "."
    assert last["left"] <= last["leftmost"] + 0.5, last
