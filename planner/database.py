"""Engine settings per database and the one commit per request."""

import sqlite3

import sqlalchemy as sa
from flask import Flask

from planner.extensions import db


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Foreign keys on, WAL for concurrent readers, and wait rather than fail on a lock."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA busy_timeout = 5000")
        cursor.close()


def init_app(app: Flask) -> None:
    # Domain functions only flush. The request commits once, after the view has
    # returned a success; anything else (an error page, an exception) rolls back.
    @app.after_request
    def _commit_on_success(response):
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response

    @app.teardown_request
    def _rollback_on_exception(error) -> None:
        if error is not None:
            db.session.rollback()
