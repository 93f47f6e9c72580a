"""The API opens only to a valid personal token; roles are the pages' roles; no cookie helps.

These walk every /api/v1 route, so each new resource is covered as it is added.
"""

import re

import sqlalchemy as sa

from planner.accounts.api_tokens import hash_token, revoke_token, tokens_of
from planner.accounts.models import ApiToken, Role
from planner.api import PUBLIC_API_ENDPOINTS
from planner.extensions import db
from tests.test_security import MUTATING

PROBLEM = "application/problem+json"


def api_urls(app):
    """(endpoint, method, url) for every API route, with 1 for each path argument."""
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.endpoint in PUBLIC_API_ENDPOINTS:
            continue
        with app.test_request_context():
            url = app.url_for(rule.endpoint, **{arg: 1 for arg in rule.arguments})
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


def test_the_api_has_routes_to_check(app):
    assert len(list(api_urls(app))) >= 5


def test_no_token_no_answer(app, client):
    for endpoint, method, url in api_urls(app):
        response = client.open(url, method=method, json={})
        assert response.status_code == 401, (endpoint, method, response.status_code)
        assert response.content_type == PROBLEM
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_signed_in_browser_cookie_does_not_open_the_api(app, client, signed_in):
    """A cookie is what a cross-site form would carry: it must not count, so the API needs
    no CSRF token and cannot be used to get around it."""
    signed_in(Role.ADMIN)
    assert client.get("/organizations").status_code == 200  # the cookie works on pages
    for endpoint, method, url in api_urls(app):
        response = client.open(url, method=method, json={})
        assert response.status_code == 401, (endpoint, method, response.status_code)


def test_a_revoked_token_is_refused_everywhere(app, client, api_as):
    api = api_as(Role.ADMIN)
    assert api.get("/api/v1/organizations").status_code == 200
    (token,) = tokens_of(db.session, api.user)
    revoke_token(db.session, token)
    db.session.commit()
    for endpoint, method, url in api_urls(app):
        response = api.open(url, method=method, json={})
        assert response.status_code == 401, (endpoint, method, response.status_code)
        assert "revoked" in response.json["detail"]


def test_a_disabled_user_s_token_is_refused(api_as):
    api = api_as(Role.PLANNER)
    api.user.active = False
    db.session.commit()
    assert api.get("/api/v1/organizations").status_code == 401


def test_viewer_token_reads_everything_and_changes_nothing(app, api_as):
    viewer = api_as(Role.VIEWER)
    checked = 0
    for endpoint, method, url in api_urls(app):
        response = viewer.open(url, method=method, json={})
        if method in MUTATING:
            assert response.status_code == 403, (endpoint, method, response.status_code)
            assert response.content_type == PROBLEM
            checked += 1
        else:
            assert response.status_code in (200, 404), (endpoint, response.status_code)
    assert checked > 0


def test_every_changing_api_view_declares_its_role(app):
    for endpoint, method, _url in api_urls(app):
        if method in MUTATING:
            view = app.view_functions[endpoint]
            assert getattr(view, "required_role", None) in (Role.PLANNER, Role.ADMIN), endpoint


def test_token_requests_need_no_csrf_token(app, api_as):
    app.config["WTF_CSRF_ENABLED"] = True
    api = api_as(Role.PLANNER)
    response = api.post(
        "/api/v1/organizations", json={"name": "Kazakh Invest", "kind": "company", "country": "KZ"}
    )
    assert response.status_code == 201, response.json


def test_only_the_hash_of_a_token_is_stored(api_as):
    api = api_as(Role.PLANNER)
    stored = db.session.scalars(sa.select(ApiToken)).one()
    assert stored.token_hash == hash_token(api.secret)
    assert api.secret not in {stored.token_hash, stored.prefix, stored.name}
    assert api.secret.startswith(stored.prefix)


def test_unknown_api_paths_and_methods_are_problems(api_as):
    api = api_as(Role.PLANNER)
    missing = api.get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and missing.content_type == PROBLEM
    wrong = api.open("/api/v1/organizations/1", method="PUT", json={})
    assert wrong.status_code == 405 and "PATCH" in wrong.headers["Allow"]


def test_the_openapi_document_is_public_and_describes_every_route(app, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json
    assert document["openapi"] == "3.1.0"
    assert document["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"
    assert document["security"] == [{"bearerToken": []}]
    documented = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
        if method in ("get", "post", "patch", "delete")
    }
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.endpoint not in PUBLIC_API_ENDPOINTS:
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            served |= {(m, path) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert served == documented
    operation_ids = [
        operation["operationId"]
        for operations in document["paths"].values()
        for operation in operations.values()
        if isinstance(operation, dict) and "operationId" in operation
    ]
    assert len(operation_ids) == len(documented) == len(set(operation_ids))


def test_a_token_goes_in_the_bearer_scheme(client, api_as):
    api = api_as(Role.PLANNER)
    basic = client.get("/api/v1/organizations", headers={"Authorization": f"Basic {api.secret}"})
    assert basic.status_code == 401
    assert "Bearer" in basic.json["detail"]


def test_a_form_encoded_body_is_refused_with_415_not_read_as_empty(api_as):
    api = api_as(Role.PLANNER)
    response = api.post("/api/v1/organizations", data={"name": "Kazakh Invest"})
    assert response.status_code == 415
    assert response.content_type == PROBLEM
    assert "application/json" in response.json["detail"]
