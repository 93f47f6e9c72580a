"""Engine settings per database, the one commit per request, what waits for it, and the
first rows of a long list with how many it holds."""

import contextlib
import re
import select
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Flask, g, request
from sqlalchemy import orm

from planner.extensions import db

_AFTER_COMMIT = "_pishvaz_after_commit"
_READ_ONLY = "_pishvaz_read_only"
# Set in a session's info by each flush, taken off when the request ends.
_FLUSHED = "pishvaz_flushed"


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Foreign keys on, WAL for concurrent readers, and wait rather than fail on a lock."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA busy_timeout = 5000")
        cursor.close()


@sa.event.listens_for(orm.Session, "after_flush")
def _note_flush(session, _flush_context) -> None:
    session.info[_FLUSHED] = True


def wrote(session) -> None:
    """Note that the session wrote by a statement of its own (an INSERT ... ON CONFLICT, which
    is no flush): the request commits it, as it commits what was flushed."""
    session.info[_FLUSHED] = True


def _changed_anything(session) -> bool:
    """Whether the session wrote (flushed) or holds changes to write: what a commit saves."""
    flushed = session.info.pop(_FLUSHED, False)
    return flushed or bool(session.new or session.dirty or session.deleted)


@dataclass(frozen=True)
class Capped:
    """The first rows of a list and how many it holds in all (a COUNT, not a len())."""

    rows: list[Any]
    total: int

    @property
    def more(self) -> int:
        """How many are left out."""
        return self.total - len(self.rows)


def capped(session, query: sa.Select, limit: int) -> Capped:
    """The query's first `limit` rows, and a COUNT of all of them (asked only when the
    rows fill the cap: fewer than `limit` rows are all there is)."""
    rows = list(session.scalars(query.limit(limit)))
    if len(rows) < limit:
        return Capped(rows, len(rows))
    total = session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    return Capped(rows, total or 0)


def after_commit(action: Callable[[], None]) -> None:
    """Run `action` once this request's changes are committed, and never if they are not.

    For what cannot be taken back, such as an e-mail sent: the change that asked for it is
    saved first, then the action runs, and what the action records (the mail log) is
    committed on its own. A request that fails, or whose commit fails, does nothing of it.
    """
    g.setdefault(_AFTER_COMMIT, []).append(action)


def read_only() -> None:
    """This request changes nothing: it ends with a rollback, never a commit.

    For what is polled (a calendar feed): a 304 then costs its one query and no COMMIT,
    and anything flushed by mistake is not saved by a GET.
    """
    g.setdefault(_READ_ONLY, True)


@contextlib.contextmanager
def read_connection() -> Iterator[sa.Connection]:
    """A Core connection to the app's database for one read outside the ORM session (the
    feed fast path, planner/calendars/fastpath.py); it never commits.

    On PostgreSQL in autocommit mode: one SELECT sees one snapshot by itself, and no round
    trips go to a BEGIN and to the ROLLBACK of its return to the pool (0.5 ms of a poll
    down to 0.17). pysqlite begins no transaction for a SELECT, and switching its mode
    back and forth costs more than it saves. Where the tests have bound the app to one open
    connection (tests/conftest.py: a transaction rolled back after the test), that
    connection, as it is and left open."""
    bind: sa.Engine | sa.Connection = db.engine
    if isinstance(bind, sa.Connection):
        yield bind
        return
    with bind.connect() as opened:
        if bind.dialect.name == "postgresql":
            opened = opened.execution_options(isolation_level="AUTOCOMMIT")
        yield opened


# A pooled connection given back longer ago than this is tried with a round trip before use.
PING_AFTER_IDLE_SECONDS = 30.0
_CHECKED_IN = "pishvaz_checked_in"


def _has_word_from_server(dbapi_connection) -> bool:
    """Whether an idle connection's socket has something to read: a server that ended the
    session (a restart, idle_session_timeout) sends its FATAL message, or closes it, which
    reads as well. An idle healthy session is sent nothing. No socket: assume a word."""
    fileno = getattr(dbapi_connection, "fileno", None)
    try:
        readable, _, _ = select.select([fileno()], [], [], 0) if fileno else ([True], [], [])
    except (OSError, ValueError):  # closed already
        return True
    return bool(readable)


def ping_when_idle(engine: sa.Engine, idle_seconds: float = PING_AFTER_IDLE_SECONDS) -> None:
    """pool_pre_ping, without its round trip for a connection in use moments ago.

    pool_pre_ping sends a statement at every checkout, so every request of a busy worker
    paid a round trip for a connection it had used milliseconds before. Here a connection
    is tried only when it sat in the pool longer than `idle_seconds` (a firewall may have
    dropped it without a word) or its socket has something to read (the server closed it:
    a restart, a timeout); a failed try raises DisconnectionError, on which the pool opens
    a new connection (SQLAlchemy's documented checkout contract) and the request goes on.
    """

    @sa.event.listens_for(engine, "connect")  # a new connection has just answered
    @sa.event.listens_for(engine, "checkin")
    def _note_last_use(_dbapi_connection, record) -> None:
        if record is not None:
            record.info[_CHECKED_IN] = time.monotonic()

    @sa.event.listens_for(engine, "checkout")
    def _ping_if_needed(dbapi_connection, record, _proxy) -> None:
        checked_in = record.info.get(_CHECKED_IN)
        recent = checked_in is not None and time.monotonic() - checked_in < idle_seconds
        if recent and not _has_word_from_server(dbapi_connection):
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
            dbapi_connection.rollback()  # the ping's transaction: none is open at checkout
        except engine.dialect.loaded_dbapi.Error as error:
            if engine.dialect.is_disconnect(error, dbapi_connection, None):
                raise sa.exc.DisconnectionError() from error
            raise


# A request that reads (GET, HEAD) runs its statements in autocommit, each its own
# transaction, until one writes: that one begins a transaction as any request's would.
_READS = "pishvaz_reads_in_autocommit"
_PLAIN_READ = re.compile(r"\s*(SELECT|SHOW)\b", re.I)
_LOCKING_READ = re.compile(r"\bFOR\s+(NO\s+KEY\s+)?(UPDATE|SHARE|KEY\s+SHARE)\b", re.I)


def writes(statement: str) -> bool:
    """Whether a statement may change something or lock rows: all but plain reads."""
    return not _PLAIN_READ.match(statement) or bool(_LOCKING_READ.search(statement))


def read_in_autocommit(engine: sa.Engine) -> None:
    """A GET's reads on PostgreSQL without BEGIN and ROLLBACK: two round trips of every
    page. At READ COMMITTED, PostgreSQL's level and ours, each statement of a transaction
    sees its own snapshot anyway, so reads in autocommit see what they would have seen in
    one; what they lose is only the transaction, which a read does not need. The first
    statement that writes (or locks rows, or reads through a server-side cursor, which
    lives in a transaction) turns autocommit off before it is sent: the driver begins a
    transaction with it, and the request commits or rolls back as a POST's does,
    everything it wrote together. pysqlite is left as it is (its mode costs
    more to switch than it saves, see read_connection)."""

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _begin_before_a_write(connection, cursor, statement, _params, _context, _many):
        if not connection.get_execution_options().get(_READS):
            return
        server_side = getattr(cursor, "name", None) is not None  # psycopg's named cursor
        if server_side or writes(statement):
            dbapi_connection = cursor.connection
            if dbapi_connection.autocommit:
                dbapi_connection.autocommit = False  # allowed: autocommit is idle


def _reads_begin_without_transaction() -> None:
    if request.method not in ("GET", "HEAD") or request.endpoint == "static":
        return
    bind = db.session.get_bind()
    # Not where the tests have bound the session to one open connection (tests/conftest.py).
    if isinstance(bind, sa.Engine) and bind.dialect.name == "postgresql":
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT", _READS: True})


@sa.event.listens_for(orm.Session, "do_orm_execute")
def _note_a_writing_statement(orm_execute_state) -> None:
    """A statement that writes, run through the session (an upsert), is a change as a flush
    is: the request commits it."""
    if orm_execute_state.is_insert or orm_execute_state.is_update or orm_execute_state.is_delete:
        orm_execute_state.session.info[_FLUSHED] = True


def init_app(app: Flask) -> None:
    # A database server's connections are tried when they may have dropped (a restart, an
    # idle timeout): unless the settings asked for pool_pre_ping's try at every checkout.
    # A SQLite file has no server to lose.
    if not app.config["SQLALCHEMY_ENGINE_OPTIONS"].get("pool_pre_ping"):
        with app.app_context():
            for engine in db.engines.values():
                if engine.dialect.name != "sqlite":
                    ping_when_idle(engine)
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "postgresql":
                read_in_autocommit(engine)
    app.before_request(_reads_begin_without_transaction)

    # Domain functions only flush. The request commits once, after the view has
    # returned a success; anything else (an error page, an exception) rolls back. A
    # request that wrote nothing (most GETs) has nothing to commit: it rolls back, which
    # costs no COMMIT and cannot save what a page flushed by mistake later in the request.
    @app.after_request
    def _commit_on_success(response):
        actions = g.pop(_AFTER_COMMIT, [])
        changed = _changed_anything(db.session())
        if g.pop(_READ_ONLY, False) or not (changed or actions):
            db.session.rollback()
        elif response.status_code < 400:
            db.session.commit()
            for action in actions:
                action()
            if actions:
                db.session.commit()
        else:
            db.session.rollback()
        return response

    @app.teardown_request
    def _rollback_on_exception(error) -> None:
        if error is not None:
            db.session.rollback()
