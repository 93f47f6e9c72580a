"""Who may see and change what: sign-in for every page, roles for every change."""

from collections.abc import Callable
from functools import wraps
from typing import TypeGuard
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, jsonify, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import Unauthorized

from planner.accounts.models import Role, User, user_for_session
from planner.audit.models import SecurityEventKind, Source
from planner.audit.operations import record_security_event
from planner.audit.trail import NOBODY, Actor, set_actor
from planner.extensions import db, login_manager

# Pages an anonymous visitor may reach. Everything else needs a signed-in user;
# tests/test_security.py walks the URL map to prove it. A calendar feed is opened by the
# unguessable token in its URL, since calendar apps cannot sign in.
PUBLIC_ENDPOINTS = frozenset({"accounts.login", "static", "calendars.feed", "health.healthz"})

# Parts of the site that sign requests in their own way (the API: by bearer token, never by
# the session cookie), as {path prefix: sign_in}; see sign_in_by_path.
SIGN_IN_BY_PATH = "pishvaz.sign_in_by_path"


def wants_json() -> bool:
    # HTML wins ties (curl's and browsers' */*): only a client that asks for JSON gets it.
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return request.path.endswith(".json") or best == "application/json"


def sign_in_by_path(app: Flask, prefix: str, sign_in: Callable[[], None]) -> None:
    """Requests whose path starts with `prefix` are signed in by `sign_in` alone, never by the
    session cookie: it sets the user or raises (401). An anonymous request there is refused
    with a plain 401, not sent to the sign-in page. The API registers itself this way, so
    that this module knows nothing of it."""
    app.extensions[SIGN_IN_BY_PATH][prefix] = sign_in


def _own_sign_in(app: Flask) -> Callable[[], None] | None:
    for prefix, sign_in in app.extensions[SIGN_IN_BY_PATH].items():
        if request.path.startswith(prefix):
            return sign_in
    return None


def init_app(app: Flask) -> None:
    app.extensions[SIGN_IN_BY_PATH] = {}
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
        if _own_sign_in(current_app) is not None:
            raise Unauthorized()
        if wants_json():
            return jsonify(error="authentication required"), 401
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))

    @app.before_request
    def _require_sign_in():
        sign_in = _own_sign_in(app)
        if sign_in is not None:
            return sign_in()
        if request.endpoint in PUBLIC_ENDPOINTS:
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return None

    @app.before_request
    def _audit_as_signed_in_user():
        # After the sign-in above: whoever it let in is who the audit trail names.
        source = Source.API if _own_sign_in(app) is not None else Source.PAGE
        set_actor(Actor(_signed_in_user_id(), source, request_id()))

    @app.teardown_request
    def _forget_who_acted(_error) -> None:
        set_actor(NOBODY)  # a server's thread goes on to someone else's request

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


def is_safe_next(target: str | None) -> TypeGuard[str]:
    """Only same-site paths may be redirected to after sign-in."""
    if not target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and target.startswith("/") and "\\" not in target


def request_id() -> str | None:
    """The request's id, as the server set it (g.request_id) or the proxy sent it."""
    value = g.get("request_id") or request.headers.get("X-Request-ID")
    return str(value)[:64] if value else None


def _signed_in_user_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def security_event(
    kind: SecurityEventKind,
    *,
    user: User | None = None,
    email: str | None = None,
    detail: str | None = None,
    apart: bool = False,
) -> None:
    """Log and store a security event of this request: who (the signed-in user unless
    `user` is given), from which address. `apart` keeps it though the request rolls back
    (a refusal, a failed sign-in)."""
    record_security_event(
        db.session,
        kind,
        user_id=user.id if user is not None else _signed_in_user_id(),
        email=email,
        address=request.remote_addr,
        request_id=request_id(),
        detail=detail,
        apart=apart,
    )


def refused() -> None:
    """A 403, kept as a security event: who asked for what."""
    security_event(SecurityEventKind.REFUSED, detail=f"{request.method} {request.path}", apart=True)
