"""A request that reads runs on PostgreSQL without a transaction until a statement writes
(planner/database.py, read_in_autocommit), and what a GET writes is committed with the
request, as a POST's is (the visit page keeping its checker's findings)."""

import pytest
import sqlalchemy as sa
from psycopg.pq import TransactionStatus

from planner.accounts.models import Role
from planner.database import read_in_autocommit, writes
from planner.extensions import db
from planner.itinerary.models import VisitFindings


@pytest.fixture
def reading(database_url):
    """A connection as a GET's: autocommit, marked as reading."""
    if not database_url.startswith("postgresql"):
        pytest.skip("pysqlite keeps its own transactions")
    engine = sa.create_engine(database_url, pool_size=1, max_overflow=0)
    read_in_autocommit(engine)
    with engine.connect().execution_options(
        isolation_level="AUTOCOMMIT", pishvaz_reads_in_autocommit=True
    ) as connection:
        yield connection
    engine.dispose()


def status(connection) -> TransactionStatus:
    return connection.connection.dbapi_connection.info.transaction_status


def test_reads_hold_no_transaction(reading):
    assert reading.scalar(sa.text("SELECT count(*) FROM organizations")) is not None
    assert status(reading) == TransactionStatus.IDLE


def test_a_write_begins_a_transaction_that_a_rollback_takes_back(reading):
    reading.scalar(sa.text("SELECT count(*) FROM organizations"))
    reading.execute(
        sa.text(
            "INSERT INTO organizations (name, kind, country) VALUES ('Taken back', 'company', 'IR')"
        )
    )
    assert status(reading) == TransactionStatus.INTRANS
    reading.rollback()
    assert not reading.scalar(
        sa.text("SELECT count(*) FROM organizations WHERE name = 'Taken back'")
    )


def test_a_locking_read_begins_a_transaction(reading):
    reading.execute(sa.text("SELECT id FROM organizations FOR UPDATE")).all()
    assert status(reading) == TransactionStatus.INTRANS
    reading.rollback()


@pytest.mark.parametrize(
    ("statement", "writing"),
    [
        ("SELECT 1", False),
        ("  select id from visits", False),
        ("SHOW server_version", False),
        ("SELECT id FROM stops WHERE id = 1 FOR UPDATE", True),
        ("SELECT id FROM stops FOR NO KEY UPDATE", True),
        ("SELECT id FROM stops FOR SHARE", True),
        ("INSERT INTO visit_findings VALUES (1)", True),
        ("WITH gone AS (DELETE FROM stops RETURNING id) SELECT * FROM gone", True),
        ("UPDATE stops SET title = 'x'", True),
    ],
)
def test_what_counts_as_a_write(statement, writing):
    assert writes(statement) is writing


@pytest.mark.committed  # the findings must be in the database, for another connection
def test_the_visit_page_keeps_its_findings(client, signed_in, create_visit, create_stop):
    visit = create_visit()
    create_stop(visit, visit.start_date, "10:00", "11:00")
    signed_in(Role.PLANNER)
    assert client.get(f"/visits/{visit.id}").status_code == 200
    db.session.remove()
    assert db.session.get(VisitFindings, visit.id) is not None
