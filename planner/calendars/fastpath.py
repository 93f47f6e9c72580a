"""Feed polls answered before Flask: a WSGI middleware for GET and HEAD of /feeds/<token>.ics.

Every subscriber's calendar app asks every few minutes, and nearly always nothing has
changed. Flask's request machinery, Flask-Login, Babel and the before/after hooks cost
several times the one indexed query that decides the answer, so this answers it first:
the token's check and the calendar's versions (feeds.feed_state), the validator the view
would compute (calendars/answers.py), and then a 304, or the copy the view built and kept
for this ETag, with the headers the app would add (planner/security.py, planner/logs.py).
Anything else goes to the app unchanged: no kept copy yet, a bad or revoked token (a 404
from the view), a query string, a cookie, a path that is not plain ASCII, TRUSTED_HOSTS
set, a database error. FEED_FAST_PATH=no turns it off.

What does not change between polls is worked out once: the headers of each kind of answer
(made by the app's own code, once per process and settings, then only the ETag, the dates,
the length and the request id are put in), the token's check, the validator of each
(calendar versions, day, language) and the language of each Accept-Language. The query
goes over one DBAPI connection that each thread keeps for its polls (PollConnection), not
a pool checkout and a Core execution per poll.
"""

import contextlib
import functools
import threading
import weakref
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import Flask
from werkzeug.datastructures import Headers
from werkzeug.http import HTTP_STATUS_CODES, http_date, quote_etag

from planner import database, logs, security
from planner.calendars import answers, feeds, rendered
from planner.extensions import db
from planner.i18n import preferred_language

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

FEED_PREFIX, FEED_SUFFIX = answers.FEED_PREFIX, answers.FEED_SUFFIX

# Stand-ins for what differs between answers, in the headers made once (_Template).
_ETAG, _MODIFIED = "stand-in", datetime(2000, 1, 1, tzinfo=UTC)
_REQUEST_ID = "stand-in-request-id"
_PER_ANSWER = ("ETag", "Last-Modified", "Content-Length", logs.REQUEST_ID_HEADER)

Answer = tuple[str, list[tuple[str, str]], bytes]


class FeedFastPath:
    """Wraps the app's wsgi_app (inside ProxyFix, so that it sees what the app sees)."""

    def __init__(self, app: Flask, wsgi_app: "WSGIApplication") -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self._templates: dict[tuple, list[tuple[str, str]]] = {}
        self._polls = PollConnections()

    def __call__(
        self, environ: "WSGIEnvironment", start_response: "StartResponse"
    ) -> Iterable[bytes]:
        token = self._token(environ)
        if token is not None:
            answered = self.answer(environ, token)
            if answered is not None:
                status, headers, body = answered
                start_response(status, headers)
                return [body] if body and environ["REQUEST_METHOD"] != "HEAD" else []
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

    def answer(self, environ: "WSGIEnvironment", token: str) -> Answer | None:
        """A 304 or the kept copy, as the app would answer this poll; None when the app must."""
        with self.app.app_context():  # the engine and the settings; no request context
            config = self.app.config
            state = self._state(config["SECRET_KEY"], token)
            if state is None:
                return None  # the view says 404, or the database is in trouble: the app says it
            language = _language(environ.get("HTTP_ACCEPT_LANGUAGE"))
            validator = answers.feed_validator(state, answers.Moment.current(), language)
            if validator.last_modified is None:
                return None  # never for a feed (its day is part of it); the app would know
            if _unchanged(validator, environ):
                status, body = 304, b""
            else:
                kept = rendered.calendars.get(validator.etag)
                if kept is None:
                    return None
                status, body = 200, kept
            request_id = logs.request_id_from(environ.get(logs.REQUEST_ID_ENVIRON))
            given = {
                "ETag": quote_etag(validator.etag, weak=True),
                "Last-Modified": _http_date(validator.last_modified),
                "Content-Length": str(len(body)),
                logs.REQUEST_ID_HEADER: request_id,
            }
            template = self._template(status, environ)
            headers = [(name, given.get(name, value)) for name, value in template]
            return f"{status} {HTTP_STATUS_CODES[status].upper()}", headers, body

    def _state(self, secret: str, token: str) -> feeds.CalendarState | None:
        bind: sa.Engine | sa.Connection = db.engine
        try:
            if isinstance(bind, sa.Engine):
                return feeds.feed_state(self._polls.get(bind), secret, token)
            with database.read_connection() as connection:  # the tests' one connection
                return feeds.feed_state(connection, secret, token)
        except sa.exc.DBAPIError:
            return None
        except PollConnection.Failed:
            self._polls.drop()  # a new one for the next poll
            return None

    def _template(self, status: int, environ: "WSGIEnvironment") -> list[tuple[str, str]]:
        """The headers the app's code gives this kind of answer, with stand-ins for what
        differs between answers; made once per status, method and settings."""
        config = self.app.config
        key = (status, environ["REQUEST_METHOD"], config["HSTS"], config["FEED_REFRESH_MINUTES"])
        template = self._templates.get(key)
        if template is None:
            validator = feeds.Validator(_ETAG, _MODIFIED)
            body = None if status == 304 else b""
            response = answers.calendar_response(
                validator, body, cache_control=answers.feed_cache_control()
            )
            security.security_headers(
                response.headers, config, endpoint=answers.FEED_ENDPOINT, signed_in=False
            )
            logs.echo_request_id(response.headers, _REQUEST_ID)
            # What Flask's session interface adds to every answer of the app, a feed's too:
            # Flask-Login looks into the (empty) session after each request.
            response.vary.add("Cookie")
            template = self._templates[key] = list(
                Headers(response.get_wsgi_headers(environ)).items()
            )
        return template


def _unchanged(validator: feeds.Validator, environ: "WSGIEnvironment") -> bool:
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None and if_none_match == quote_etag(validator.etag, weak=True):
        return True  # what every client sends back: the ETag it was given
    return feeds.is_unchanged(validator, if_none_match, environ.get("HTTP_IF_MODIFIED_SINCE"))


@functools.lru_cache(maxsize=256)
def _language(accept_language: str | None) -> str:
    return preferred_language(accept_language)


@functools.lru_cache(maxsize=64)
def _http_date(moment: datetime) -> str:
    return http_date(moment)


class _Rows:
    """What feeds.feed_state reads of a result."""

    def __init__(self, rows: list[tuple]) -> None:
        self.rows = rows

    def one_or_none(self) -> tuple | None:
        if len(self.rows) > 1:
            raise sa.exc.MultipleResultsFound("more than one row")
        return self.rows[0] if self.rows else None


class PollConnection:
    """One DBAPI connection of the engine's pool, kept by a thread for its feed polls: a
    statement is compiled once, then each poll is the driver's execute and fetch.

    Each SELECT sees what is committed when it runs: pysqlite begins no transaction for a
    SELECT, and the PostgreSQL connection is in autocommit (psycopg prepares a statement
    it has run five times). Every row is fetched and the cursor closed, so that no
    statement is left open holding an old snapshot. The connection's settings are the
    pool's (its connect events ran); it is not returned to the pool while the thread polls."""

    class Failed(Exception):
        """The driver's error: the connection is dropped, the app answers the poll."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.disposals = _disposals.get(engine, 0)
        self.dialect = engine.dialect
        self._pooled = engine.raw_connection()
        connection: Any = self._pooled.dbapi_connection
        if self.dialect.name == "postgresql":
            connection.rollback()  # the pool's reset left none open; autocommit needs none
            connection.autocommit = True
        self._connection = connection
        self._compiled: dict[Any, tuple] = {}

    def _compile(self, statement: sa.Select) -> tuple:
        compiled = statement.compile(dialect=self.dialect)
        names = compiled.positiontup if compiled.positional else None
        bind_processors = compiled._bind_processors  # noqa: SLF001 - what an execution applies
        results = [
            column.type.dialect_impl(self.dialect).result_processor(self.dialect, None)
            for column in statement.selected_columns
        ]
        return compiled, names, bind_processors, results

    def execute(self, statement: sa.Select, values: dict[str, Any]) -> _Rows:
        prepared = self._compiled.get(statement)
        if prepared is None:
            prepared = self._compiled[statement] = self._compile(statement)
        compiled, names, bind_processors, results = prepared
        params = compiled.construct_params(values)
        for name, process in bind_processors.items():
            if name in params:
                params[name] = process(params[name])
        arguments = tuple(params[name] for name in names) if names is not None else params
        try:
            cursor = self._connection.cursor()
            try:
                cursor.execute(compiled.string, arguments)
                rows = cursor.fetchall()
            finally:
                cursor.close()
        except self.dialect.loaded_dbapi.Error as error:
            raise PollConnection.Failed from error
        return _Rows(
            [
                tuple(
                    value if process is None else process(value)
                    for process, value in zip(results, row, strict=True)
                )
                for row in rows
            ]
        )

    def close(self) -> None:
        # Its state is not the pool's any more (autocommit): closed, never reused.
        with contextlib.suppress(Exception):  # a broken connection, closed already
            self._pooled.invalidate()


# How many times each engine's pool was disposed of (after a fork, a restore from backup):
# a thread's poll connection from before is dropped, as the pool's own were.
_disposals: "weakref.WeakKeyDictionary[sa.Engine, int]" = weakref.WeakKeyDictionary()


_every_polls: "weakref.WeakSet[PollConnections]" = weakref.WeakSet()


@sa.event.listens_for(sa.Engine, "engine_disposed")
def _count_disposal(engine: sa.Engine) -> None:
    _disposals[engine] = _disposals.get(engine, 0) + 1
    for polls in list(_every_polls):  # this thread's are closed now, the others' at their next
        if polls.connection is not None and polls.connection.engine is engine:
            polls.drop()


class PollConnections(threading.local):
    """Each thread's PollConnection, for the engine it was opened on."""

    connection: PollConnection | None = None

    def __init__(self) -> None:
        _every_polls.add(self)

    def get(self, engine: sa.Engine) -> PollConnection:
        connection = self.connection
        if (
            connection is None
            or connection.engine is not engine
            or connection.disposals != _disposals.get(engine, 0)
        ):
            if connection is not None:
                connection.close()
            connection = self.connection = PollConnection(engine)
        return connection

    def drop(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None
