"""In a real browser, axe-core (from npm) reads the pages an officer and a guest use most,
in English and in Persian, and finds nothing serious or critical.

axe-core is a devDependency in package.json: `make test` runs `npm ci`, which puts it in
node_modules/axe-core/axe.min.js. The page's Content-Security-Policy allows no inline script,
so the page that injects it is opened with bypass_csp.
"""

import os
from pathlib import Path

import pytest

from planner.accounts.models import Role
from tests.browser import chromium_pages, sign_in

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"

# Every rule axe runs by default (WCAG 2 A and AA, and its best practices), and what of
# each violation a failing test should print.
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " | " + n.failureSummary),
    }));
}"""


def axe_core() -> Path:
    if not AXE.exists():
        message = f"{AXE} not found: run `npm ci` (make test does) for axe-core"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE


def violations(page, url: str) -> list[dict]:
    page.goto(url)
    page.add_script_tag(path=str(axe_core()))
    return [{"page": url, **v} for v in page.evaluate(RUN_AXE)]


@pytest.mark.parametrize("language", ["en", "fa"])
def test_axe_finds_nothing_serious_on_the_pages_used_most(language, app, demo_visit, create_staff):
    axe_core()
    officer = create_staff(Role.PLANNER, locale=language)
    visit = f"/visits/{demo_visit.id}"
    stop = demo_visit.live_stops[0]
    head = demo_visit.head_of_delegation
    with chromium_pages(app) as new_page:
        # The sign-in page speaks the browser's language; the rest the officer's.
        page = new_page(bypass_csp=True, locale=language, viewport={"width": 1280, "height": 900})
        found = violations(page, "/sign-in")
        assert page.locator("html").get_attribute("lang") == language
        sign_in(page, officer)
        for url in (
            "/dashboard",
            visit,
            f"{visit}/stops/{stop.id}/edit",
            f"{visit}/participants/{head.id}/programme",
        ):
            found += violations(page, url)
        assert page.locator("html").get_attribute("lang") == language
    assert found == [], "\n".join(
        f"{v['page']}: {v['impact']} {v['id']} ({v['help']}): {v['nodes']}" for v in found
    )
