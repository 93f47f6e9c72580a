"""Feed polls answered before Flask: a WSGI middleware for GET and HEAD of /feeds/<token>.ics.

Every subscriber's calendar app asks every few minutes, and nearly always nothing has
changed. Flask's request machinery, Flask-Login, Babel and the before/after hooks cost
several times the one indexed query that decides the answer, so this answers it first:
the token's check and the calendar's versions (feeds.feed_state, on a Core connection: no
ORM session, no commit), the validator the view would compute (calendars/answers.py),
and then a 304, or the copy the view built and kept for this ETag, with the headers the
app would add (planner/security.py, planner/logs.py). Anything else goes to the app
unchanged: no kept copy yet, a bad or revoked token (a 404 from the view), a query string,
a cookie, a path that is not plain ASCII, TRUSTED_HOSTS set, a database error.
FEED_FAST_PATH=no turns it off.
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import Flask, Response

from planner import database, logs, security
from planner.calendars import answers, feeds
from planner.i18n import preferred_language

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

FEED_PREFIX, FEED_SUFFIX = answers.FEED_PREFIX, answers.FEED_SUFFIX


class FeedFastPath:
    """Wraps the app's wsgi_app (inside ProxyFix, so that it sees what the app sees)."""

    def __init__(self, app: Flask, wsgi_app: "WSGIApplication") -> None:
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(
        self, environ: "WSGIEnvironment", start_response: "StartResponse"
    ) -> Iterable[bytes]:
        token = self._token(environ)
        if token is not None:
            response = self.answer(environ, token)
            if response is not None:
                return response(environ, start_response)
        return self.wsgi_app(environ, start_response)

    def _token(self, environ: "WSGIEnvironment") -> str | None:
        """The token of a plain feed poll, else None (the app answers)."""
        path = environ.get("PATH_INFO", "")
        if not (path.startswith(FEED_PREFIX) and path.endswith(FEED_SUFFIX)):
            return None
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or not path.isascii():
            return None
        if environ.get("QUERY_STRING") or environ.get("HTTP_COOKIE"):
            return None  # a browser, or something unusual: Flask's answer in full
        config = self.app.config
        if not config["FEED_FAST_PATH"] or config["TRUSTED_HOSTS"] is not None:
            return None  # off, or Flask is to check the Host first
        return path[len(FEED_PREFIX) : -len(FEED_SUFFIX)]

    def answer(self, environ: "WSGIEnvironment", token: str) -> Response | None:
        """A 304 or the kept copy, as the app would answer this poll; None when the app must."""
        with self.app.app_context():  # the engine and the settings; no request context
            config = self.app.config
            try:
                with database.read_connection() as connection:
                    state = feeds.feed_state(connection, config["SECRET_KEY"], token)
            except sa.exc.DBAPIError:
                return None  # the database in trouble: the app answers (and logs) as it does
            if state is None:
                return None  # the view says 404, and says it as it says it to a guesser
            language = preferred_language(environ.get("HTTP_ACCEPT_LANGUAGE"))
            validator = answers.feed_validator(state, answers.Moment.current(), language)
            response = answers.kept_response(
                validator,
                environ.get("HTTP_IF_NONE_MATCH"),
                environ.get("HTTP_IF_MODIFIED_SINCE"),
                cache_control=answers.feed_cache_control(),
            )
            if response is None:
                return None
            security.security_headers(
                response.headers, config, endpoint=answers.FEED_ENDPOINT, signed_in=False
            )
            request_id = logs.request_id_from(environ.get(logs.REQUEST_ID_ENVIRON))
            logs.echo_request_id(response.headers, request_id)
            # What Flask's session interface adds to every answer of the app, a feed's too:
            # Flask-Login looks into the (empty) session after each request.
            response.vary.add("Cookie")
            return response
