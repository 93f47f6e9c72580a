"""How tall the demo visit's page is, and whether it scrolls sideways, at 1280 px and 390 px.

Builds a throwaway database with the demo, serves it on loopback and measures the visit
page in Debian's Chromium, in English and Persian, as a planner: the page's height, its
width against the window's (a phone must never scroll sideways), the header's height and
how far down the participants and the outcomes start. Issue 14 asked for these figures
before and after the compact visit page; README.md keeps them.

Run: .venv/bin/python -m bench.page_layout [--screenshots FOLDER]
"""

import argparse
import tempfile
from pathlib import Path

from flask_migrate import upgrade
from playwright.sync_api import sync_playwright

from planner import create_app
from planner.accounts.models import Role
from planner.accounts.operations import create_user
from planner.demo import load_demo
from planner.extensions import db
from tests.browser import LiveServer, launch_chromium

PASSWORD = "layout only"  # noqa: S105 - a throwaway account in a temporary database
WIDTHS = (1280, 390)

MEASURE = """() => {
  const top = id => {
    const element = document.getElementById(id);
    return element ? Math.round(element.getBoundingClientRect().top + scrollY) : null;
  };
  return {
    height: document.documentElement.scrollHeight,
    scroll_width: document.documentElement.scrollWidth,
    header: Math.round(document.querySelector(".site-header").getBoundingClientRect().height),
    participants_at: top("participants"),
    outcomes_at: top("outcomes"),
  };
}"""


def main(screenshots: Path | None = None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"DATABASE_URL": f"sqlite:///{folder}/layout.sqlite3", "SECRET_KEY": "x"})
        with app.app_context():
            upgrade()
            visit_id = load_demo(db.session).id
            for language in ("en", "fa"):
                create_user(
                    db.session,
                    email=f"{language}@pishvaz.example",
                    name="Layout",
                    password=PASSWORD,
                    role=Role.PLANNER,
                    locale=language,
                )
            db.session.commit()
        with LiveServer(app) as server, sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            for language in ("en", "fa"):
                for width in WIDTHS:
                    page = browser.new_page(
                        base_url=server.url, viewport={"width": width, "height": 900}
                    )
                    page.goto("/sign-in")
                    page.fill("input[name=email]", f"{language}@pishvaz.example")
                    page.fill("input[name=password]", PASSWORD)
                    page.click("button[type=submit]")
                    page.goto(f"/visits/{visit_id}")
                    figures = page.evaluate(MEASURE)
                    print(language, width, " ".join(f"{k}={v}" for k, v in figures.items()))
                    if screenshots:
                        shot = screenshots / f"visit-{language}-{width}.png"
                        page.screenshot(path=str(shot), full_page=True)
                    page.close()
            browser.close()
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--screenshots", type=Path, help="a folder for full-page screenshots")
    main(parser.parse_args().screenshots)
