"""Serving for real: /healthz for a load balancer, a request id on every answer and log line,
one-line (or JSON) logs with feed tokens masked, gunicorn as configured, and the proxy's
headers trusted only behind TRUSTED_PROXIES."""

import io
import json
import logging
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import g, request

from planner import logs, security
from planner.extensions import db
from planner.serving import ReturnFreedMemory
from tests.conftest import make_app
from tests.smtp import free_port

ROOT = Path(__file__).resolve().parent.parent


def test_healthz_answers_anonymous_load_balancers_when_all_is_well(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"database": "ok", "queue": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_is_503_and_names_the_queue_when_redis_is_gone(app, client):
    app.config.update(QUEUE_IMMEDIATE=False, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json == {"database": "ok", "queue": "unreachable"}


def test_healthz_is_503_and_names_the_database_when_it_does_not_answer(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise sa.exc.OperationalError("SELECT 1", {}, ConnectionRefusedError("gone"))

    monkeypatch.setattr(db.session, "execute", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json == {"database": "unreachable", "queue": "ok"}


def test_every_answer_carries_a_request_id_the_proxys_when_sane(client):
    made = client.get("/healthz").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert client.get("/healthz").headers["X-Request-ID"] != made
    given = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.42"})
    assert given.headers["X-Request-ID"] == "lb-7f3a.42"
    for insane in ("two words", "x" * 200, "<script>"):
        answer = client.get("/healthz", headers={"X-Request-ID": insane})
        assert re.fullmatch(r"[0-9a-f]{32}", answer.headers["X-Request-ID"])


def test_a_sign_in_redirect_still_carries_the_request_id(client):
    response = client.get("/visits", headers={"X-Request-ID": "abc-123"})
    assert response.status_code == 302 and response.headers["X-Request-ID"] == "abc-123"


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        ('"GET /feeds/p12.3.Zm9v_-x.ics HTTP/1.1" 200', '"GET /feeds/***.ics HTTP/1.1" 200'),
        ("GET /feeds/u4.1.abc HTTP/1.1", "GET /feeds/*** HTTP/1.1"),
        ("/feeds/p1.2.aa.ics?refresh=1", "/feeds/***.ics?refresh=1"),
        ("GET /visits/3/calendar.ics", "GET /visits/3/calendar.ics"),
    ],
)
def test_feed_tokens_are_masked_in_logged_urls(line, masked):
    assert logs.mask_feed_tokens(line) == masked


def log_one(app, log_format: str, message: str, *args, request_id: str = "req-1") -> str:
    stream = io.StringIO()
    logger = logging.getLogger("pishvaz.test")
    logger.propagate = False
    logger.addHandler(logs.handler(log_format, stream))
    try:
        with app.test_request_context():
            g.request_id = request_id
            try:
                raise ValueError("first line\nsecond line")
            except ValueError:
                logger.exception(message, *args)
    finally:
        logger.handlers.clear()
    return stream.getvalue()


def test_text_logs_are_one_line_per_event_with_the_request_id(app):
    written = log_one(app, "text", "feed %s failed", "/feeds/p1.2.secret.ics")
    assert written.count("\n") == 1
    assert "[req-1] feed /feeds/***.ics failed" in written
    assert "secret" not in written and "second line" in written


def test_json_logs_are_one_object_per_line(app):
    written = log_one(app, "json", "feed %s failed", "/feeds/p1.2.secret.ics")
    (line,) = written.splitlines()
    record = json.loads(line)
    assert record["request_id"] == "req-1" and record["level"] == "ERROR"
    assert record["message"] == "feed /feeds/***.ics failed"
    assert "secret" not in line


def test_forwarded_headers_are_trusted_only_behind_trusted_proxies(databases, monkeypatch):
    monkeypatch.setattr(security, "PUBLIC_ENDPOINTS", security.PUBLIC_ENDPOINTS | {"probe"})
    headers = {
        "X-Forwarded-For": "203.0.113.9",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "pishvaz.office.example",
    }
    seen = {}
    for hops in (0, 1):
        app = make_app(databases.database_url, TRUSTED_PROXIES=hops)
        app.add_url_rule(
            "/probe", "probe", lambda: f"{request.scheme} {request.remote_addr} {request.host}"
        )
        seen[hops] = app.test_client().get("/probe", headers=headers).text
        with app.app_context():
            db.engine.dispose()
    assert seen[0] == "http 127.0.0.1 localhost"
    assert seen[1] == "https 203.0.113.9 pishvaz.office.example"


def wait_until_up(url: str, process, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited:\n{log.read_text()}")
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - loopback, our own server
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer:\n{log.read_text()}")


def fetch(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_gunicorn_serves_with_json_access_logs_and_masks_feed_tokens(databases, tmp_path):
    port = free_port()
    log = tmp_path / "gunicorn.log"
    environment = dict(
        os.environ,
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        LOG_FORMAT="json",
        DATABASE_URL=databases.database_url,
        SECRET_KEY="test-secret",
        QUEUE_FILE=str(tmp_path / "queue.sqlite3"),
    )
    environment.pop("REDIS_URL", None)
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "app:app"],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(f"{base}/healthz", process, log)
        assert fetch(f"{base}/feeds/p1.1.not-a-real-secret.ics") == 404
        assert fetch(f"{base}/healthz") == 200
    finally:
        process.terminate()
        process.wait(timeout=30)
    written = log.read_text()
    assert "not-a-real-secret" not in written
    lines = [json.loads(line) for line in written.splitlines() if line.startswith("{")]
    access = [line["message"] for line in lines if "/feeds/" in line["message"]]
    assert len(access) == 1 and '"GET /feeds/***.ics HTTP/1.1" 404' in access[0]
    assert re.search(r"request_id=[0-9a-f]{32}", access[0])
    assert any("Booting worker" in line["message"] for line in lines)


def test_freed_memory_goes_back_after_a_request_that_grew_the_worker(monkeypatch):
    mb = 2**20 // os.sysconf("SC_PAGE_SIZE")
    trims = []
    returner = ReturnFreedMemory(8)
    # The worker's resident size, in MB, each time it is read.
    resident = iter([100, 90, 95, 99, 91, 85])
    monkeypatch.setattr(returner, "resident_pages", lambda: next(resident) * mb)
    monkeypatch.setattr(returner, "_trim", trims.append)
    returner()  # after the first request, at 100 MB: trimmed, to 90
    returner()  # 95 MB, 5 MB more than after the trim: left alone
    returner()  # 99 MB, 9 MB more: trimmed, to 91
    returner()  # 85 MB: less than ever, so growth is counted from here
    assert trims == [0, 0]
    assert returner._least == 85 * mb
