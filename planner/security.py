"""Who may see and change what: sign-in for every page, roles for every change."""

from functools import wraps
from typing import TypeGuard
from urllib.parse import urlsplit

from flask import Flask, abort, jsonify, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import Unauthorized

from planner.accounts.models import Role, User, user_for_session
from planner.api import PUBLIC_API_ENDPOINTS
from planner.api.problems import is_api_request
from planner.extensions import db, login_manager

# Endpoints an anonymous visitor may reach. Everything else needs a signed-in user;
# tests/test_security.py walks the URL map to prove it. A calendar feed is opened by the
# unguessable token in its URL, since calendar apps cannot sign in.
# The API's own description is public too (planner/api).
PUBLIC_ENDPOINTS = frozenset({"accounts.login", "static", "calendars.feed"}) | PUBLIC_API_ENDPOINTS


def wants_json() -> bool:
    # HTML wins ties (curl's and browsers' */*): only a client that asks for JSON gets it.
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return request.path.endswith(".json") or best == "application/json"


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def _load_user(session_id: str) -> User | None:
        return user_for_session(db.session, session_id)

    @login_manager.unauthorized_handler
    def _unauthorized():
        if is_api_request():
            raise Unauthorized()
        if wants_json():
            return jsonify(error="authentication required"), 401
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))

    @app.before_request
    def _require_sign_in():
        if is_api_request():
            from planner.api import authenticate  # the API signs in by token, never by cookie

            return authenticate()
        if request.endpoint in PUBLIC_ENDPOINTS:
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return None

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'",
        )
        return response


def role_required(role: Role):
    """Refuse (403) a signed-in user whose role does not include `role`."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.can(role):
                abort(403)
            return view(*args, **kwargs)

        # Read by the tests that prove every view is guarded. Python lets a function carry
        # attributes; mypy's types for functions (and for what wraps returns) have no room.
        wrapped.required_role = role  # type: ignore[attr-defined]
        return wrapped

    return decorator


planner_required = role_required(Role.PLANNER)
admin_required = role_required(Role.ADMIN)


def acting_user() -> User:
    """The signed-in user as a plain model object, for the domain functions' `acting=`."""
    return current_user._get_current_object()


def is_safe_next(target: str | None) -> TypeGuard[str]:
    """Only same-site paths may be redirected to after sign-in."""
    if not target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and target.startswith("/") and "\\" not in target
