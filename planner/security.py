"""Who may see and change what: sign-in for every page, roles for every change."""

import uuid
from collections.abc import Callable
from functools import wraps
from typing import TypeGuard
from urllib.parse import urlsplit

from flask import (
    Flask,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from werkzeug.datastructures import Headers
from werkzeug.exceptions import Unauthorized

from planner.accounts.models import Role, User, user_for_session
from planner.audit.models import SecurityEventKind, Source
from planner.audit.operations import record_security_event
from planner.audit.trail import NOBODY, Actor, set_actor
from planner.clock import utc_now
from planner.extensions import db, limiter, login_manager
from planner.i18n import current_language

REPLY_ENDPOINTS = ("calendars.reply_programme", "calendars.stop_reply", "calendars.save_reply")

# Pages an anonymous visitor may reach. Everything else needs a signed-in user;
# tests/test_security.py walks the URL map to prove it. A calendar feed is opened by the
# unguessable token in its URL, since calendar apps cannot sign in.
PUBLIC_ENDPOINTS = frozenset(
    {
        "accounts.login",
        "accounts.set_language",
        "static",
        "calendars.feed",
        "health.healthz",
        # A participant's answers, opened by the unguessable reply token in the URL.
        *REPLY_ENDPOINTS,
    }
)

# Parts of the site that sign requests in their own way (the API: by bearer token, never by
# the session cookie), as {path prefix: sign_in}; see sign_in_by_path.
SIGN_IN_BY_PATH = "pishvaz.sign_in_by_path"

# A user whose password someone else chose (must_change_password) reaches only these until
# they have chosen their own.
CHANGE_PASSWORD = "accounts.change_password"  # noqa: S105 - an endpoint, not a password
BEFORE_OWN_PASSWORD = PUBLIC_ENDPOINTS | {CHANGE_PASSWORD, "accounts.logout"}

# Responses that no browser or proxy may keep a copy of, besides every signed-in page:
# a calendar feed is opened by the secret in its URL alone.
NO_STORE_ENDPOINTS = frozenset({"calendars.feed", *REPLY_ENDPOINTS})

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'"
)

# Flask-Login keeps the signed-in user's id under this key of the session, and writes the
# remember-me cookie from it. Ours is "<user id>:<session generation>:<signed in at>", the
# last the Unix time at which the password was typed: a session, or a remember-me cookie
# copied from it, that is older than SESSION_MAX_HOURS opens nothing.
SESSION_USER_ID = "_user_id"
# When the session was last used (Unix time): one idle longer than SESSION_IDLE_MINUTES ends.
SESSION_SEEN_AT = "seen_at"
# Writing the session on every request would send a new cookie with every response.
SEEN_AT_PRECISION_SECONDS = 60


def _unix_now() -> int:
    return int(utc_now().timestamp())


def start_session(user: User, *, remember: bool, signed_in_at: int | None = None) -> None:
    """Sign `user` in in this browser. `signed_in_at` (Unix time) is when they typed their
    password: now unless given, so that renewing a session never lengthens its life."""
    login_user(user, remember=remember)
    session[SESSION_USER_ID] = f"{user.get_id()}:{signed_in_at or _unix_now()}"
    session[SESSION_SEEN_AT] = _unix_now()


def session_signed_in_at() -> int | None:
    """When this browser's user typed their password, as start_session recorded it."""
    since = str(session.get(SESSION_USER_ID, "")).rpartition(":")[2]
    return int(since) if since.isascii() and since.isdigit() else None


def session_end(session_id: str, *, now: int, seen_at: int | None, remembered: bool, config):
    """Why a session has ended by time ("expired", "idle"), or None while it runs on.
    "Keep me signed in" waives the idle timeout, never the absolute lifetime."""
    since = session_id.rpartition(":")[2]
    if not (since.isascii() and since.isdigit()):
        return "expired"  # from before sign-in times were kept
    if now - int(since) > config["SESSION_MAX_HOURS"] * 3600:
        return "expired"
    if not remembered and (seen_at is None or now - seen_at > config["SESSION_IDLE_MINUTES"] * 60):
        return "idle"
    return None


SESSION_ENDED = {
    "idle": _l("You were signed out because the session was not used for a while."),
    "expired": _l("Your session reached its time limit. Please sign in again."),
}


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


# Stands for the request's CSRF token in kept HTML (a form's hidden field): what is kept
# for one reader's session is shown in another's with that one's token.
CSRF_MARK = f"csrf-{uuid.uuid4().hex}"


def without_csrf(html: str) -> str:
    """HTML to keep: the request's CSRF token taken out."""
    return html.replace(generate_csrf(), CSRF_MARK)


def with_csrf(kept: str) -> Markup:
    """Kept HTML (written by a template, which escaped it) with this request's token."""
    html = kept.replace(CSRF_MARK, generate_csrf()) if CSRF_MARK in kept else kept
    return Markup(html)  # noqa: S704 - written by a template, which escaped it


# Navigations as drawn: a few per reader (a page of each area, counts), a few KB each.
KEPT_NAVS_AT_MOST = 512


def site_nav(overdue_count: int) -> Markup:
    """The signed-in reader's navigation (templates/_site_nav.html), drawn once per reader
    as they are now (name, role), language, page and count of overdue follow-ups: fifteen
    links and their words on every page."""
    user = current_user
    key = (
        current_language(),
        request.script_root,
        request.endpoint,
        request.blueprint,
        user.id,
        user.name,
        user.role,
        overdue_count,
    )
    kept = current_app.extensions.setdefault("kept_navs", {})
    html = kept.get(key)
    if html is None:
        html = without_csrf(render_template("_site_nav.html", overdue_count=overdue_count))
        if len(kept) >= KEPT_NAVS_AT_MOST:
            kept.clear()
        kept[key] = html
    return with_csrf(html)


def init_app(app: Flask) -> None:
    app.add_template_global(site_nav)
    app.extensions[SIGN_IN_BY_PATH] = {}
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    limiter.init_app(app)

    @login_manager.user_loader
    def _load_user(session_id: str) -> User | None:
        now = _unix_now()
        remembered = current_app.config["REMEMBER_COOKIE_NAME"] in request.cookies
        seen_at = session.get(SESSION_SEEN_AT)
        ended = session_end(
            session_id, now=now, seen_at=seen_at, remembered=remembered, config=current_app.config
        )
        if ended is not None:
            g.session_ended = ended
            session.clear()
            if remembered:
                session["_remember"] = "clear"  # Flask-Login then deletes the cookie too
            return None
        user = user_for_session(db.session, session_id.rpartition(":")[0])
        if user is not None and (seen_at is None or now - seen_at >= SEEN_AT_PRECISION_SECONDS):
            session[SESSION_SEEN_AT] = now
        return user

    @login_manager.unauthorized_handler
    def _unauthorized():
        if _own_sign_in(current_app) is not None:
            raise Unauthorized()
        if wants_json():
            return jsonify(error="authentication required"), 401
        ended = g.pop("session_ended", None)
        if ended is not None:
            flash(str(SESSION_ENDED[ended]), "info")
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
        # After the sign-in above: whoever it let in is who the audit trail names. A static
        # file changes nothing and reads no user (so it stays cacheable).
        if request.endpoint == "static":
            return
        source = Source.API if _own_sign_in(app) is not None else Source.PAGE
        set_actor(Actor(_signed_in_user_id(), source, request_id()))

    @app.teardown_request
    def _forget_who_acted(_error) -> None:
        set_actor(NOBODY)  # a server's thread goes on to someone else's request

    @app.before_request
    def _require_own_password():
        if _own_sign_in(app) is not None or request.endpoint in BEFORE_OWN_PASSWORD:
            return None
        if current_user.is_authenticated and current_user.must_change_password:
            if wants_json():
                return jsonify(error="choose your own password first"), 403
            return redirect(url_for(CHANGE_PASSWORD))
        return None

    @app.after_request
    def _security_headers(response):
        # Only a user already loaded counts, so that a stylesheet does not read the user
        # (and stays cacheable).
        signed_in = getattr(g.get("_login_user"), "is_authenticated", False)
        headers, endpoint = response.headers, request.endpoint
        security_headers(headers, app.config, endpoint=endpoint, signed_in=signed_in)
        return response


def security_headers(headers: Headers, config, *, endpoint: str | None, signed_in: bool) -> None:
    """What every answer carries, added to `headers`: the app's after_request hook and the
    feed fast path (planner/calendars/fastpath.py) both call this."""
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    if config["HSTS"]:
        headers.setdefault("Strict-Transport-Security", config["HSTS"])
    # A signed-in page, or a feed, is nobody else's: the browser's back button, its disk
    # cache and a proxy keep no copy.
    if signed_in or endpoint in NO_STORE_ENDPOINTS:
        headers["Cache-Control"] = "no-store"


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
