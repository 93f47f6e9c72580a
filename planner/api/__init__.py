"""The JSON API at /api/v1/: personal tokens, the same roles and rules as the pages, and an
OpenAPI 3.1 document generated from the code by flask-smorest.

Only a bearer token opens the API. A browser's session cookie is ignored here, so a page on
another site cannot ride on a signed-in planner's cookie: that is why the API needs no CSRF
token, and why it is exempt from the forms' CSRF check.
"""

import http
from typing import Any

import marshmallow as ma
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls
from flask import Flask, g, request
from flask_smorest import Api as SmorestApi
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import HTTPException, Unauthorized, UnsupportedMediaType

from planner import security
from planner.accounts.api_tokens import user_for_token
from planner.api import (
    docs,
    findings,
    follow_ups,
    organizations,
    outcomes,
    participants,
    partnerships,
    people,
    stops,
    users,
    venues,
    visits,
)
from planner.api.problems import (
    API_PREFIX,
    PROBLEM_JSON,
    ProblemSchema,
    from_http_exception,
    is_api_request,
)
from planner.extensions import csrf, db

# What request bodies may be: JSON, and multipart for a document upload.
BODY_TYPES = frozenset({"application/json", "multipart/form-data"})
# Reachable without a token: the description of the API and the page that renders it.
PUBLIC_API_ENDPOINTS = frozenset({"api-docs.openapi_json", "api_docs.docs_page"})
# API blueprints are named for their tag in the OpenAPI document ("Organizations"), which
# also keeps them apart from the pages' blueprints ("organizations").

DESCRIPTION = """\
Pishvaz's JSON API: visits, their itinerary and participants, the directory of people,
organizations and venues, outcomes, follow-ups and partnerships, and the checker's findings.

**Authentication.** Create a personal token on your profile page (it is shown once) and send
it with every request: `Authorization: Bearer pv_…`. You get the rights of your role:
viewers read, planners also change, administrators also manage users (on the pages).

**Building a visit**, in order: `GET /api/v1/me` (your id, for follow-ups);
`POST /organizations` (the embassy, the host chamber); `POST /venues` with their opening
hours, and `POST /venues/{id}/drive-times` between them; `POST /people`; `POST /visits`;
`POST /visits/{id}/participants` for each person, with side and role; `POST
/visits/{id}/stops` with their `attendee_ids` (participant ids); then `GET
/visits/{id}/findings` for what the checker finds wrong, and each participant's
`feed_url` for their calendar. Outcomes, follow-ups and partnerships record what came of it.

**Times** are ISO 8601 with their UTC offset, e.g. `2026-12-15T09:00:00+03:30`; a time
without an offset is refused. Stops are returned in their own zone: their venue's, else
the visit's.

**Lists** are paged with `page` and `page_size`; the `X-Pagination` header gives the total.

**Errors** are RFC 9457 problem details (`application/problem+json`); validation errors
list each field and the reason in `errors`. A stop changed by someone else since you read it
is refused with 409: send the `version` you read with each change.
"""


# One module per resource, each with its blueprint `blp`, in the order of the documentation.
RESOURCES = (
    visits,
    participants,
    stops,
    findings,
    people,
    organizations,
    venues,
    outcomes,
    follow_ups,
    partnerships,
    users,
)


class Api(SmorestApi):
    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self):
        """Document every error as application/problem+json, which is what we send."""
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
                prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "An error, as problem details", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)

    def handle_http_exception(self, error: HTTPException):
        """Problem details on the API; elsewhere the pages' own error handling stands."""
        if is_api_request():
            return from_http_exception(error)
        return error


def schema_name(schema) -> str:
    """OrganizationSchema -> Organization; its partial form for PATCH -> OrganizationPatch."""
    resolved = resolve_schema_cls(schema)
    schema_class = resolved[0] if isinstance(resolved, list) else resolved
    name = schema_class.__name__.removesuffix("Schema")
    if isinstance(schema, ma.Schema) and schema.partial:
        name += "Patch"
    return name


api = Api(spec_kwargs={"marshmallow_plugin": MarshmallowPlugin(schema_name_resolver=schema_name)})


def init_app(app: Flask) -> None:
    app.config.setdefault("API_TITLE", "Pishvaz")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "info": {"description": DESCRIPTION},
            "servers": [{"url": "/", "description": "This Pishvaz"}],
            "security": [{"bearerToken": []}],
            "components": {
                "securitySchemes": {
                    "bearerToken": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": "A personal API token from your profile page.",
                    }
                }
            },
        },
    )
    api.init_app(app)

    for module in RESOURCES:
        csrf.exempt(module.blp)
        api.register_blueprint(module.blp, url_prefix="/api/v1")
    app.register_blueprint(docs.bp)
    # Only a bearer token signs an API request in; the pages' session cookie is ignored here.
    security.sign_in_by_path(app, API_PREFIX, authenticate)


def authenticate() -> None:
    """Sign the request in by its bearer token, or refuse it (401). Never by cookie."""
    if request.endpoint in PUBLIC_API_ENDPOINTS:
        return
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise Unauthorized("Send a personal API token: Authorization: Bearer <token>.")
    user = user_for_token(db.session, secret.strip())
    if user is None:
        raise Unauthorized(
            "This token is not valid: it was revoked, mistyped or its user is disabled."
        )
    if request.content_length and request.mimetype not in BODY_TYPES:
        raise UnsupportedMediaType(
            "Send the body as JSON, with Content-Type: application/json "
            "(documents: multipart/form-data)."
        )
    # Flask-Login reads the current user from here first; the session is never consulted.
    g._login_user = user


__all__ = ["PROBLEM_JSON", "api", "authenticate", "init_app"]
