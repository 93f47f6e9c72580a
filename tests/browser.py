"""A live server and Debian's Chromium for end-to-end tests (Playwright, no downloaded browser)."""

import contextlib
import os
import shutil
import threading

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from planner.extensions import db
from tests.conftest import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


class LiveServer:
    """The app served on a free loopback port in a background thread."""

    def __init__(self, app):
        with app.app_context():
            if not isinstance(db.engine, sa.Engine):
                raise RuntimeError("a test that serves the app needs @pytest.mark.committed")
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def require_chromium() -> None:
    """CI must run browser tests; a developer machine without Chromium is told how to get it."""
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    message = f"{CHROMIUM} not found: apt-get install chromium (.ci/run does)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@contextlib.contextmanager
def chromium_pages(app):
    """A factory of Chromium pages on the app served live: new_page(**Playwright's options)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with LiveServer(app) as server, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield lambda **options: browser.new_page(base_url=server.url, **options)
        finally:
            browser.close()


def sign_in(page, user, password: str | None = None) -> None:
    """Sign `user` in through the sign-in page's own button: the header's language
    switcher is a form of submit buttons too, and comes first in the page."""
    page.goto("/sign-in")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", password or PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
