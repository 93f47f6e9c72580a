"""Every page needs a signed-in user; roles decide who may change what; forms carry CSRF."""

import re

import pytest
import sqlalchemy as sa

from planner.accounts.models import Role, User
from planner.extensions import db
from planner.security import PUBLIC_ENDPOINTS
from tests.conftest import PASSWORD

MUTATING = {"POST", "PUT", "PATCH", "DELETE"}
# What any signed-in user may do for themselves, whatever their role.
SELF_SERVICE = {
    "accounts.login",
    "accounts.logout",
    "accounts.profile",
    "accounts.change_password",
    "accounts.sign_out_everywhere",
    # One's own language, from the header's switcher (also before sign-in: a cookie).
    "accounts.set_language",
    # One's own calendar feed link (planner/calendars/views.py).
    "calendars.revoke_own_feed",
    "calendars.reissue_own_feed",
    # One's own API tokens (planner/accounts/views.py).
    "accounts.create_api_token",
    "accounts.revoke_api_token",
    # A participant's own answer to an invitation, by their reply link: no account, the
    # token is the key (tests/test_calendars_replies.py); a wrong one is 404.
    "calendars.save_reply",
}


def example_urls(app):
    """(endpoint, method, url) for every page's rule, with placeholder arguments filled in.

    The API (/api/) opens only to tokens: tests/test_api_security.py walks its routes."""
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            continue
        values = {arg: 1 for arg in rule.arguments}
        if rule.endpoint == "static":
            values = {"filename": "css/app.css"}
        with app.test_request_context():
            url = app.url_for(rule.endpoint, **values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


def test_url_map_is_not_empty(app):
    endpoints = {endpoint for endpoint, _method, _url in example_urls(app)}
    assert {"visits.list_visits", "visits.show_visit", "accounts.list_users"} <= endpoints


def test_every_url_refuses_an_anonymous_visitor(app, client):
    for endpoint, method, url in example_urls(app):
        if endpoint in PUBLIC_ENDPOINTS:
            continue
        response = client.open(url, method=method)
        assert response.status_code in (302, 401), (endpoint, method, response.status_code)
        if response.status_code == 302:
            assert response.location.startswith("/sign-in"), (endpoint, response.location)


def test_json_clients_get_401_not_a_redirect(client):
    response = client.get("/", headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response.json == {"error": "authentication required"}


def test_viewer_cannot_change_anything(app, client, signed_in):
    signed_in(Role.VIEWER)
    checked = 0
    for endpoint, method, url in example_urls(app):
        if method not in MUTATING or endpoint in SELF_SERVICE:
            continue
        response = client.open(url, method=method, data={})
        assert response.status_code == 403, (endpoint, method, response.status_code)
        checked += 1
    assert checked > 0


def test_every_changing_view_declares_the_role_it_needs(app):
    for endpoint, method, _url in example_urls(app):
        if method in MUTATING and endpoint not in SELF_SERVICE:
            view = app.view_functions[endpoint]
            assert getattr(view, "required_role", None) in (Role.PLANNER, Role.ADMIN), endpoint


def test_planner_cannot_manage_users(client, signed_in):
    signed_in(Role.PLANNER)
    before = db.session.scalar(sa.select(sa.func.count(User.id)))
    assert client.get("/users").status_code == 403
    assert client.get("/users/new").status_code == 403
    response = client.post(
        "/users/new",
        data={"email": "new@office.example", "name": "New", "role": "admin", "password": PASSWORD},
    )
    assert response.status_code == 403
    assert client.post("/users/1", data={"role": "admin"}).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == before


def test_admin_adds_a_planner_who_can_then_sign_in(client, signed_in, auth):
    signed_in(Role.ADMIN)
    response = client.post(
        "/users/new",
        data={
            "email": " Planner@Office.example ",
            "name": "Protocol Planner",
            "role": "planner",
            "locale": "fa",
            "active": "y",
            "password": "a long enough password",
        },
    )
    assert response.status_code == 302, response.text
    auth.logout()
    assert auth.login("planner@office.example", "a long enough password").status_code == 302


def test_admin_cannot_remove_the_last_administrator(client, signed_in):
    admin = signed_in(Role.ADMIN)
    response = client.post(
        f"/users/{admin.id}",
        data={
            "email": admin.email,
            "name": admin.name,
            "role": "viewer",
            "locale": "en",
            "active": "y",
            "your_password": PASSWORD,
        },
    )
    assert response.status_code == 400
    assert "at least one active administrator" in response.text
    db.session.expire_all()
    assert db.session.get(User, admin.id).role == Role.ADMIN


def test_wrong_password_and_disabled_account_are_refused(client, create_staff, auth):
    user = create_staff(Role.PLANNER)
    assert auth.login(user, "not the password").status_code == 401
    user.active = False
    db.session.commit()
    response = auth.login(user)
    assert response.status_code == 401
    assert "disabled" in response.text


def test_sign_in_never_redirects_off_site(client, create_staff):
    user = create_staff(Role.VIEWER)
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post(
            "/sign-in?next=" + target, data={"email": user.email, "password": PASSWORD}
        )
        assert response.location == "/", target
        client.post("/sign-out")


def test_sign_in_returns_to_the_page_asked_for(client, create_staff):
    user = create_staff(Role.VIEWER)
    response = client.get("/visits/1")
    assert response.location == "/sign-in?next=/visits/1"
    response = client.post(response.location, data={"email": user.email, "password": PASSWORD})
    assert response.location == "/visits/1"


@pytest.fixture
def csrf_client(app):
    app.config["WTF_CSRF_ENABLED"] = True  # the app fixture restores the test settings
    return app.test_client()


def test_forms_without_a_csrf_token_are_refused(csrf_client, create_staff):
    user = create_staff(Role.VIEWER)
    response = csrf_client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    page = csrf_client.get("/sign-in").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = csrf_client.post(
        "/sign-in", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    # Signing out is a change too: without the token it is refused.
    assert csrf_client.post("/sign-out").status_code == 400


def test_a_plain_http_client_is_sent_to_the_sign_in_page(client):
    response = client.get("/", headers={"Accept": "*/*"})
    assert response.status_code == 302
    assert response.location.startswith("/sign-in")
