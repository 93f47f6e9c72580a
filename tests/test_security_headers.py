"""Headers: behind https the cookies are Secure and __Host-, and HSTS is sent; no signed-in
page or feed is kept in a cache; the CSP forbids plugins, <base> and foreign form targets."""

import pytest

from planner.accounts.models import Role
from planner.extensions import db
from planner.security import CONTENT_SECURITY_POLICY
from tests.conftest import PASSWORD, make_app

HTTPS = "https://protocol.lorestan.example"


def sign_in(client, user, *, remember: bool = True):
    data = {"email": user.email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    return client.post("/sign-in", data=data)


def cookie_headers(response) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.getlist("Set-Cookie")}


@pytest.fixture
def https_app(databases):
    app = make_app(databases.database_url, BASE_URL=HTTPS)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.committed  # the https app is another app, on another connection
def test_under_https_cookies_are_host_only_and_hsts_is_sent(https_app, create_staff):
    with https_app.app_context():
        user = create_staff(Role.VIEWER)
        client = https_app.test_client()
        response = sign_in(client, user)
        assert response.status_code == 302
        cookies = cookie_headers(response)
        assert set(cookies) == {"__Host-session", "__Host-remember_token"}
        for header in cookies.values():
            attributes = [part.strip().lower() for part in header.split(";")[1:]]
            assert "secure" in attributes
            assert "path=/" in attributes
            assert not any(part.startswith("domain=") for part in attributes)
        page = client.get("/")
        assert page.status_code == 200
        assert page.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        assert page.headers["Cache-Control"] == "no-store"
        login_page = https_app.test_client().get("/sign-in")
        assert login_page.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_under_http_no_hsts_and_plain_cookie_names(client, create_staff):
    response = sign_in(client, create_staff(Role.VIEWER))
    assert set(cookie_headers(response)) == {"session", "remember_token"}
    assert "Strict-Transport-Security" not in response.headers
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_signed_in_pages_are_not_stored_but_the_sign_in_page_and_styles_may_be(client, signed_in):
    assert "no-store" not in client.get("/sign-in").headers.get("Cache-Control", "")
    signed_in(Role.PLANNER)
    for url in ("/", "/profile", "/people"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url
    stylesheet = client.get("/static/css/app.css")
    stylesheet.close()
    assert "no-store" not in stylesheet.headers.get("Cache-Control", "")


def test_the_api_answers_are_not_stored(api_as):
    response = api_as(Role.VIEWER).get("/api/v1/me")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_a_feed_is_not_stored(client, signed_in, create_staff):
    user = signed_in(Role.PLANNER)
    profile = client.get("/profile").text
    start = profile.index("/feeds/")
    path = profile[start : profile.index(".ics", start) + 4]
    client.post("/sign-out")
    response = client.get(path)
    assert response.status_code == 200, (path, user)
    assert response.headers["Cache-Control"] == "no-store"


def test_the_csp_forbids_plugins_base_and_foreign_forms(client):
    policy = client.get("/sign-in").headers["Content-Security-Policy"]
    assert policy == CONTENT_SECURITY_POLICY
    for directive in ("object-src 'none'", "base-uri 'none'", "form-action 'self'"):
        assert directive in policy
