"""Load test: gunicorn with several workers, concurrent signed-in staff reading pages and
editing the same stops, on loopback; prints requests, errors and lost updates per database.

Run: .venv/bin/python -m bench.load_test [--database sqlite|postgresql|both]
         [--seconds 30] [--workers 4] [--clients 8]
         [--postgresql-server postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

Each database is new: a SQLite file in a temporary folder, or a PostgreSQL database created
on --postgresql-server and dropped at the end. It holds the demo visit and one planner per
client. Every client signs in through the sign-in page and, until time is up, reads pages
(the visit list, the demo visit, people, one's follow-ups, the dashboard) or edits one of
three shared stops through the API: it reads the stop, appends its own marker to the staff
notes and sends the change with the version it read. A 409 (someone saved the stop since)
is an honest refusal; a 200 is a promise. A lost update is a marker that was answered 200
and is not in the stop's notes at the end. Errors are 5xx answers and connection errors or timeouts.

Bounded: every request times out after 10 s, clients stop at the deadline, and gunicorn
(with its workers) is stopped when the run ends, however it ends.
"""

import argparse
import random
import secrets
import statistics
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import requests
import sqlalchemy as sa
from flask_migrate import upgrade

from bench.servers import gunicorn, sign_in
from planner import create_app
from planner.accounts.api_tokens import issue_token
from planner.accounts.models import Role
from planner.accounts.operations import create_user
from planner.demo import load_demo
from planner.extensions import db

PASSWORD = "load test staff password"
SHARED_STOPS = 3
TIMEOUT = 10


@dataclass
class Office:
    database_url: str
    visit_id: int
    stop_ids: list[int]
    staff: list[tuple[str, str]]  # (e-mail, API token) per client


@dataclass
class Tally:
    requests: int = 0
    server_errors: int = 0
    connection_errors: int = 0
    conflicts: int = 0
    saved: int = 0
    statuses: Counter = field(default_factory=Counter)
    seconds: list[float] = field(default_factory=list)
    acknowledged: dict[int, list[str]] = field(default_factory=dict)  # stop id: markers


def prepare(database_url: str, clients: int, secret_key: str) -> Office:
    """Migrate the new database, load the demo, and make one planner and token per client."""
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": secret_key})
    with app.app_context():
        upgrade()
        visit = load_demo(db.session)
        staff = []
        for number in range(clients):
            email = f"planner{number}@load.example"
            user = create_user(
                db.session,
                email=email,
                name=f"Planner {number}",
                password=PASSWORD,
                role=Role.PLANNER,
            )
            _token, secret = issue_token(db.session, user, "load test")
            staff.append((email, secret))
        db.session.commit()
        stop_ids = sorted(stop.id for stop in visit.stops)[:SHARED_STOPS]
        office = Office(database_url, visit.id, stop_ids, staff)
        db.session.remove()
        db.engine.dispose()
    return office


def timed(tally: Tally, lock: threading.Lock, send, url: str, **arguments):
    """One request: counted, timed, its errors tallied; None when it did not answer."""
    started = time.monotonic()
    try:
        response = send(url, timeout=TIMEOUT, **arguments)
    except requests.RequestException:
        with lock:
            tally.requests += 1
            tally.connection_errors += 1
        return None
    with lock:
        tally.requests += 1
        tally.seconds.append(time.monotonic() - started)
        tally.statuses[response.status_code] += 1
        if response.status_code >= 500:
            tally.server_errors += 1
    return response


def client(number: int, browser, base_url: str, office: Office, deadline: float, tally, lock):
    """One member of staff, signed in, reading pages and editing stops until the deadline."""
    rng = random.Random(number)
    _email, token = office.staff[number]
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {token}"
    pages = ["/", f"/visits/{office.visit_id}", "/people", "/follow-ups/mine", "/dashboard"]
    edits = 0
    while time.monotonic() < deadline:
        if rng.random() < 0.7:
            page = rng.choice(pages)
            timed(tally, lock, browser.get, base_url + page)
            continue
        stop_id = rng.choice(office.stop_ids)
        url = f"{base_url}/api/v1/visits/{office.visit_id}/stops/{stop_id}"
        read = timed(tally, lock, api.get, url)
        if read is None or read.status_code != 200:
            continue
        stop = read.json()
        edits += 1
        marker = f"[c{number}e{edits}]"
        change = {"version": stop["version"], "staff_notes": (stop["staff_notes"] or "") + marker}
        saved = timed(tally, lock, api.patch, url, json=change)
        if saved is None:
            continue
        with lock:
            if saved.status_code == 200:
                tally.saved += 1
                tally.acknowledged.setdefault(stop_id, []).append(marker)
            elif saved.status_code == 409:
                tally.conflicts += 1


def lost_updates(base_url: str, office: Office, tally: Tally) -> int:
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {office.staff[0][1]}"
    lost = 0
    for stop_id in office.stop_ids:
        url = f"{base_url}/api/v1/visits/{office.visit_id}/stops/{stop_id}"
        notes = api.get(url, timeout=TIMEOUT).json()["staff_notes"] or ""
        lost += sum(marker not in notes for marker in tally.acknowledged.get(stop_id, []))
    return lost


def run(database_url: str, *, seconds: float, workers: int, clients: int) -> dict:
    secret_key = secrets.token_hex(16)
    office = prepare(database_url, clients, secret_key)
    tally, lock = Tally(), threading.Lock()
    with tempfile.TemporaryDirectory(prefix="pishvaz-load-") as documents:
        settings = {
            "DATABASE_URL": database_url,
            "SECRET_KEY": secret_key,
            "DOCUMENTS_FOLDER": documents,
        }
        with gunicorn(settings, workers=workers, start_within=120) as base_url:
            browsers = []
            for email, _token in office.staff:  # before the clock starts: hashing is slow
                browsers.append(requests.Session())
                sign_in(browsers[-1], base_url, email, PASSWORD)
            started = time.monotonic()
            deadline = started + seconds
            threads = [
                threading.Thread(
                    target=client,
                    args=(number, browsers[number], base_url, office, deadline, tally, lock),
                    daemon=True,
                )
                for number in range(clients)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=seconds + TIMEOUT * 3)
            elapsed = time.monotonic() - started
            lost = lost_updates(base_url, office, tally)
    quantiles = statistics.quantiles(tally.seconds, n=20) if len(tally.seconds) > 1 else [0] * 19
    return {
        "requests": tally.requests,
        "per_second": tally.requests / elapsed,
        "server_errors": tally.server_errors,
        "connection_errors": tally.connection_errors,
        "saved": tally.saved,
        "conflicts": tally.conflicts,
        "lost": lost,
        "median_ms": statistics.median(tally.seconds) * 1000 if tally.seconds else 0,
        "p95_ms": quantiles[18] * 1000,
        "statuses": dict(sorted(tally.statuses.items())),
    }


def sqlite_run(arguments) -> dict:
    with tempfile.TemporaryDirectory(prefix="pishvaz-load-db-") as folder:
        url = f"sqlite:///{Path(folder) / 'load.sqlite3'}"
        return run(
            url, seconds=arguments.seconds, workers=arguments.workers, clients=arguments.clients
        )


def postgresql_run(arguments) -> dict:
    server = sa.make_url(arguments.postgresql_server)
    name = f"pishvaz_load_{secrets.token_hex(4)}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        url = server.set(database=name).render_as_string(hide_password=False)
        return run(
            url, seconds=arguments.seconds, workers=arguments.workers, clients=arguments.clients
        )
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--postgresql-server",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
        help="where to create (and then drop) the test's own database",
    )
    arguments = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if arguments.database == "both" else [arguments.database]
    print(
        f"gunicorn, {arguments.workers} workers, {arguments.clients} clients, "
        f"{arguments.seconds:g} s, loopback"
    )
    for kind in kinds:
        result = sqlite_run(arguments) if kind == "sqlite" else postgresql_run(arguments)
        print(
            f"{kind:<10} {result['requests']} requests ({result['per_second']:.0f}/s, "
            f"median {result['median_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms); "
            f"errors: {result['server_errors']} 5xx, {result['connection_errors']} connection; "
            f"edits: {result['saved']} saved, {result['conflicts']} refused as stale (409); "
            f"lost updates: {result['lost']}; statuses {result['statuses']}"
        )


if __name__ == "__main__":
    main()
