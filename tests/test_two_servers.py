"""Two web servers, one office: two gunicorn processes on two ports share one database
(PostgreSQL, or one SQLite file), with documents kept in it, and one Redis, as behind a load
balancer.

What one server saves, the other serves: a document, a change, a signed-in session. What one
server counts or queues in Redis, the other sees: failed sign-ins, and a letter that one
worker process sends once. Both run on both databases (the servers, the worker and the test
share one SQLite file as they share one PostgreSQL database).
"""

import os
import re
from datetime import date

import pytest
import redis
import requests
import sqlalchemy as sa

from bench.servers import csrf_token, gunicorns, sign_in
from planner import queue
from planner.accounts.api_tokens import issue_token
from planner.accounts.models import Role
from planner.calendars.models import MailMessage, MailStatus
from planner.extensions import db
from planner.outcomes.models import Outcome, OutcomeKind
from tests.conftest import LETTERED_ADDRESS, PASSWORD
from tests.test_outcomes_documents import MEMORANDUM
from tests.test_worker import Worker, redis_url, wait_for

# The servers are other processes: they must see what the test commits.
pytestmark = pytest.mark.committed


def test_what_one_server_saves_the_other_serves(app, databases, create_staff, visit, tmp_path):
    planner = create_staff(Role.PLANNER)
    outcome = Outcome(
        visit=visit,
        kind=OutcomeKind.AGREEMENT,
        summary="Memorandum on trade.",
        day=date(2026, 12, 15),
    )
    db.session.add(outcome)
    _token, secret = issue_token(db.session, planner, "two servers")
    db.session.commit()
    bearer = {"Authorization": f"Bearer {secret}"}
    office = {
        "DATABASE_URL": databases.database_url,
        "SECRET_KEY": "one key for the whole office",
        "DOCUMENTS_STORAGE": "database",
    }

    # Each server has a documents folder of its own: nothing is shared through the disk.
    folders = [{"DOCUMENTS_FOLDER": str(tmp_path / name)} for name in ("a", "b")]
    with gunicorns([{**office, **folder} for folder in folders]) as [server_a, server_b]:
        uploaded = requests.post(
            f"{server_a}/api/v1/outcomes/{outcome.id}/documents",
            files={"document": ("memo.pdf", MEMORANDUM, "application/pdf")},
            headers=bearer,
            timeout=10,
        )
        assert uploaded.status_code == 201, uploaded.text
        document_id = uploaded.json()["id"]
        downloaded = requests.get(
            f"{server_b}/api/v1/outcomes/{outcome.id}/documents/{document_id}",
            headers=bearer,
            timeout=10,
        )
        assert downloaded.status_code == 200 and downloaded.content == MEMORANDUM

        changed = requests.patch(
            f"{server_a}/api/v1/visits/{visit.id}",
            json={"title": "Visit of the Kazakh trade delegation"},
            headers=bearer,
            timeout=10,
        )
        assert changed.status_code == 200, changed.text
        seen = requests.get(f"{server_b}/api/v1/visits/{visit.id}", headers=bearer, timeout=10)
        assert seen.json()["title"] == "Visit of the Kazakh trade delegation"

        on_a = requests.Session()
        sign_in(on_a, server_a, planner.email, PASSWORD)
        on_b = requests.Session()
        on_b.cookies.update(on_a.cookies)  # the cookie server A set, sent to server B
        page = on_b.get(f"{server_b}/visits/{visit.id}", allow_redirects=False, timeout=10)
        assert page.status_code == 200
        assert "Visit of the Kazakh trade delegation" in page.text
        stranger = requests.get(f"{server_b}/visits/{visit.id}", allow_redirects=False, timeout=10)
        assert stranger.status_code == 302  # without the cookie: sent to sign in
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


AMBASSADOR = LETTERED_ADDRESS


@pytest.fixture
def shared_redis(app):
    """The Redis both servers and the worker use (TEST_REDIS_URL), under a queue name of this
    pytest-xdist worker's own, emptied first: two of these tests run side by side on two
    workers, and one's emptying must not take the other's letter. The rate limiter counts
    there too, in keys of this worker's own (RATELIMIT_KEY_PREFIX), emptied first (the rest
    of the suite counts in memory, or in Redis database 1)."""
    url = redis_url()
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"pishvaz-two-servers-{worker}"
    prefix = f"two-servers-{worker}"
    app.config.update(QUEUE_IMMEDIATE=False, QUEUE_NAME=name, REDIS_URL=url)
    huey = queue.bind(app)
    huey.flush()
    counts = redis.Redis.from_url(url)

    def forget_counts() -> None:
        for key in counts.scan_iter(f"LIMITS:LIMITER/{prefix}/*"):
            counts.delete(key)

    forget_counts()
    yield {
        "REDIS_URL": url,
        "RATELIMIT_STORAGE_URI": url,
        "RATELIMIT_KEY_PREFIX": prefix,
        "QUEUE_NAME": name,
    }
    huey.flush()
    forget_counts()


@pytest.fixture
def office_servers(databases, shared_redis, smtp_server):
    """Servers A and B on one database and one Redis; each's SMTP points at the test's
    server, so that a letter sent by a web process instead of the worker would show."""
    office = {
        "DATABASE_URL": databases.database_url,
        "SECRET_KEY": "one key for the whole office",
        "QUEUE_IMMEDIATE": "",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_server.port),
        "SIGN_IN_LIMIT_PER_ACCOUNT": "3 per 15 minutes",
        **shared_redis,
    }
    with gunicorns([office, office]) as servers:
        yield servers


def test_failed_sign_ins_counted_on_one_server_are_refused_on_the_other(
    create_staff, office_servers
):
    planner = create_staff(Role.PLANNER)
    db.session.commit()
    server_a, server_b = office_servers

    def attempt(server: str, password: str) -> requests.Response:
        browser = requests.Session()
        form = browser.get(f"{server}/sign-in", timeout=10)
        return browser.post(
            f"{server}/sign-in",
            data={
                "email": planner.email,
                "password": password,
                "csrf_token": csrf_token(form.text),
            },
            allow_redirects=False,
            timeout=10,
        )

    assert [attempt(server_a, "a wrong guess").status_code for _ in range(3)] == [401] * 3
    refused = attempt(server_b, PASSWORD)  # the right password, on the other server
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60


def letter_statuses() -> list[MailStatus]:
    db.session.rollback()  # see what the servers and the worker committed
    return list(db.session.scalars(sa.select(MailMessage.status).order_by(MailMessage.id)))


def test_a_letter_queued_on_one_server_is_sent_once_by_the_worker(
    app,
    databases,
    create_staff,
    lettered_visit,
    shared_redis,
    smtp_server,
    office_servers,
    tmp_path,
):
    planner = create_staff(Role.PLANNER)
    db.session.commit()
    server_a, server_b = office_servers
    browser = requests.Session()
    sign_in(browser, server_a, planner.email, PASSWORD)
    url = f"{server_a}/visits/{lettered_visit.id}/mail/programme"
    preview = browser.get(url, timeout=10)
    sent = browser.post(
        url,
        data={
            "csrf_token": csrf_token(preview.text),
            "fingerprint": re.search(r'name="fingerprint" value="([0-9a-f]+)"', preview.text)[1],
        },
        timeout=10,
    )
    assert "1 message queued: it goes out in a moment." in sent.text
    assert letter_statuses() == [MailStatus.PENDING]
    assert queue.huey.pending_count() == 1  # in Redis, where any worker finds it
    assert smtp_server.envelopes == []  # neither web server sends it

    worker = Worker(app, databases, shared_redis, tmp_path / "worker.log")
    try:
        wait_for(lambda: letter_statuses() == [MailStatus.SENT], "the letter to be sent", [worker])
    finally:
        worker.stop()
    assert [m.envelope_to for m in smtp_server.received()] == [[AMBASSADOR]]
    assert queue.huey.pending_count() == 0
    log = browser.get(f"{server_b}/visits/{lettered_visit.id}/mail/log", timeout=10)
    assert log.status_code == 200 and AMBASSADOR in log.text  # the other server's mail log
