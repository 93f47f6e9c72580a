"""The API's documentation page in a real browser: it renders the OpenAPI document under our
Content-Security-Policy, and a developer can authorize with a token, send a request and copy
the curl command that does the same."""

import pytest

from planner.accounts.api_tokens import issue_token
from planner.accounts.models import Role
from planner.extensions import db
from tests.browser import LiveServer, launch_chromium, require_chromium

pytestmark = pytest.mark.browser


def test_developer_reads_the_docs_and_tries_a_request(app, create_staff):
    require_chromium()
    from playwright.sync_api import sync_playwright

    _token, secret = issue_token(db.session, create_staff(Role.PLANNER), "docs page")
    db.session.commit()
    with LiveServer(app) as server, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(base_url=server.url)
        problems = []
        page.on(
            "console", lambda message: message.type == "error" and problems.append(message.text)
        )
        page.on("pageerror", lambda error: problems.append(str(error)))
        try:
            page.goto("/api/v1/docs")
            page.wait_for_selector("#operations-Organizations-list_organizations")
            # Every resource is documented, tagged as the README names them.
            for tag in ("Visits", "Stops", "Participants", "Findings", "Outcomes", "Partnerships"):
                assert page.locator(f"#operations-tag-{tag}").count() == 1, tag

            page.click("button.authorize")
            page.fill(".modal-ux input[type=text]", secret)
            page.click(".modal-ux button.authorize")
            page.click(".modal-ux button.close-modal")

            page.click("#operations-Organizations-list_organizations .opblock-summary")
            page.click("#operations-Organizations-list_organizations button.try-out__btn")
            page.click("#operations-Organizations-list_organizations button.execute")
            page.wait_for_selector("#operations-Organizations-list_organizations .curl-command")
            curl = page.inner_text("#operations-Organizations-list_organizations .curl-command")
            assert f"Authorization: Bearer {secret}" in curl
            assert f"{server.url}/api/v1/organizations" in curl
            status = page.inner_text(
                "#operations-Organizations-list_organizations"
                " .live-responses-table tbody .response-col_status"
            )
            assert status.strip().startswith("200"), status
        finally:
            browser.close()
    # A blocked script or style (the page runs under default-src 'self') shows up here.
    assert problems == []
