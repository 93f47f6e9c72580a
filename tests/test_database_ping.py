"""A pooled connection to a database server is tried before use only when it may have
dropped (planner/database.py, ping_when_idle): one the server ended is replaced without
an error, one in use moments ago costs no round trip, one idle longer is tried."""

import time

import pytest
import sqlalchemy as sa

from planner.database import ping_when_idle


@pytest.fixture
def on_a_server(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no server to lose a connection to")
    return database_url


@pytest.fixture
def pooled(on_a_server):
    """pooled(idle_seconds): an engine of one pooled connection, tried when idle so long."""
    engines = []

    def _engine(idle_seconds: float) -> sa.Engine:
        engine = sa.create_engine(on_a_server, pool_size=1, max_overflow=0)
        ping_when_idle(engine, idle_seconds=idle_seconds)
        engines.append(engine)
        return engine

    yield _engine
    for engine in engines:
        engine.dispose()


@pytest.fixture
def server(on_a_server):
    """Another session, outside the pool, that sees (and may end) the pool's."""
    engine = sa.create_engine(on_a_server, poolclass=sa.pool.NullPool)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        yield connection
    engine.dispose()


def backend(connection) -> int:
    return connection.scalar(sa.text("SELECT pg_backend_pid()"))


def last_heard(server, pid: int):
    """When the session `pid` last changed state (ran a statement), as the server saw it."""
    return server.scalar(
        sa.text("SELECT state_change FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
    )


def test_a_connection_the_server_ended_is_replaced_at_checkout(pooled, server):
    engine = pooled(idle_seconds=60)
    with engine.connect() as connection:
        ended = backend(connection)
    server.scalar(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": ended})
    time.sleep(0.2)  # the server's last word reaches the pooled socket
    with engine.connect() as connection:  # no error: a new connection instead
        assert backend(connection) != ended


def test_a_connection_used_moments_ago_is_not_tried(pooled, server):
    engine = pooled(idle_seconds=60)
    with engine.connect() as connection:
        pid = backend(connection)
    heard = last_heard(server, pid)
    with engine.connect() as connection:
        assert last_heard(server, pid) == heard
        assert backend(connection) == pid


def test_a_connection_idle_longer_is_tried(pooled, server):
    engine = pooled(idle_seconds=0)
    with engine.connect() as connection:
        pid = backend(connection)
    heard = last_heard(server, pid)
    with engine.connect() as connection:
        assert last_heard(server, pid) > heard
        assert backend(connection) == pid
