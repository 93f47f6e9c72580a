"""Take the README's screenshot of the demo visit page: .venv/bin/python -m docs.screenshot.

Builds a throwaway database with the demo, serves it on loopback and photographs the
visit page in Debian's Chromium (Playwright, no downloaded browser).
"""

import sys
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

OUT = Path(__file__).with_name("visit-page.png")
PASSWORD = "screenshot only"  # noqa: S105 - a throwaway account in a temporary database


def main(language: str = "en") -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"DATABASE_URL": f"sqlite:///{folder}/shot.sqlite3", "SECRET_KEY": "shot"})
        with app.app_context():
            upgrade()
            visit = load_demo(db.session)
            create_user(
                db.session,
                email="shot@pishvaz.example",
                name="Shot",
                password=PASSWORD,
                role=Role.PLANNER,
                locale=language,
            )
            db.session.commit()
            visit_id = visit.id
        with LiveServer(app) as server, sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(base_url=server.url, viewport={"width": 1280, "height": 900})
            page.goto("/sign-in")
            page.fill("input[name=email]", "shot@pishvaz.example")
            page.fill("input[name=password]", PASSWORD)
            page.click("main button[type=submit]")
            page.goto(f"/visits/{visit_id}")
            out = OUT if language == "en" else OUT.with_name(f"visit-page-{language}.png")
            page.screenshot(path=str(out), full_page=False)
            browser.close()
        with app.app_context():
            db.engine.dispose()
    print(f"wrote {out}")


if __name__ == "__main__":
    main(*sys.argv[1:])
