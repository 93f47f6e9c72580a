"""How long a large visit's page, checks.json and timeline take among many other visits.

Generates a database (SQLite in a temporary folder, or --database-url) of --visits visits of
--stops-per-visit stops each, sharing a pool of people and venues, plus one visit of --stops
stops and --participants participants; then requests its pages as a signed-in planner and
prints each one's time and number of SQL statements: checks.json first with nothing kept
(the checker runs), then with the findings kept.

Run: .venv/bin/python -m bench.bench_visit_page [--visits 2000] [--stops 300] [--repeat 5]
"""

import argparse
import random
import statistics
import tempfile
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from planner import create_app
from planner.accounts.models import Role
from planner.accounts.operations import create_user
from planner.extensions import db
from planner.itinerary.models import Stop, StopKind, StopStatus, VisitFindings, stop_attendees
from planner.organizations.models import Organization, OrganizationKind
from planner.people.models import Person
from planner.venues.models import OpeningHours, Venue, VenueKind
from planner.visits.models import Participant, ParticipantRole, Side, Visit, VisitStatus

PASSWORD = "bench bench bench"
KINDS = list(StopKind)
FIRST_DAY = date(2026, 12, 1)
DAYS = 60  # the other visits spread over two months; the large visit's days are among them


def insert(table, rows: list[dict]) -> list[int]:
    """Insert rows, returning their ids in order."""
    start = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0)))
    for n, row in enumerate(rows, start + 1):
        row["id"] = n
    db.session.execute(table.insert(), rows)
    return [row["id"] for row in rows]


def generate(args, rng: random.Random) -> int:
    """The database's visits; returns the id of the large visit."""
    orgs = insert(
        Organization.__table__,
        [
            {"name": f"Organization {n}", "kind": OrganizationKind.COMPANY, "country": "KZ"}
            for n in range(200)
        ],
    )
    people = insert(
        Person.__table__,
        [
            {
                "full_name_native": f"Person {n}",
                "full_name_latin": f"Person {n}",
                "position": "Director",
                "organization_id": rng.choice(orgs),
                "languages": rng.sample(["fa", "ru", "kk", "en"], rng.randint(1, 2)),
            }
            for n in range(args.people)
        ],
    )
    venues = insert(
        Venue.__table__,
        [
            {
                "name": f"Venue {n}",
                "kind": VenueKind.OFFICE,
                "timezone": "Asia/Tehran",
                "latitude": 33.4 + rng.random() / 10,
                "longitude": 48.3 + rng.random() / 10,
            }
            for n in range(args.venues)
        ],
    )
    insert(
        OpeningHours.__table__,
        [
            {"venue_id": v, "weekday": d, "opens": time(7), "closes": time(22)}
            for v in venues
            for d in range(7)
            if d != 4
        ],
    )
    large_start = FIRST_DAY + timedelta(days=DAYS // 2)
    large_days = max(2, args.stops // 10)
    visits = [
        {
            "title": f"Visit {n}",
            "start_date": FIRST_DAY + timedelta(days=(n * 7) % DAYS),
            "days": 3,
            "stops": args.stops_per_visit,
            "participants": 12,
        }
        for n in range(args.visits)
    ]
    visits.append(
        {
            "title": "The large visit",
            "start_date": large_start,
            "days": large_days,
            "stops": args.stops,
            "participants": args.participants,
        }
    )
    now = datetime.now(UTC)
    ids = insert(
        Visit.__table__,
        [
            {
                "title": v["title"],
                "visiting_country": "KZ",
                "start_date": v["start_date"],
                "end_date": v["start_date"] + timedelta(days=v["days"] - 1),
                "timezone": "Asia/Tehran",
                "delegation_timezone": "Asia/Almaty",
                "status": VisitStatus.CONFIRMED,
                "created_at": now,
                "updated_at": now,
            }
            for v in visits
        ],
    )
    sides = [Side.DELEGATION, Side.HOST, Side.SUPPORT]
    participant_rows, stop_rows, visit_participants = [], [], []
    for visit_id, v in zip(ids, visits, strict=True):
        chosen = rng.sample(people, v["participants"])
        first = len(participant_rows)
        for n, person_id in enumerate(chosen):
            participant_rows.append(
                {
                    "visit_id": visit_id,
                    "person_id": person_id,
                    "side": sides[n % 3],
                    "role": ParticipantRole.INTERPRETER if n % 6 == 2 else ParticipantRole.DELEGATE,
                    "precedence": n + 1,
                    "interpreting_languages": ["fa", "ru"] if n % 6 == 2 else [],
                    "feed_generation": 1,
                    "feed_enabled": True,
                }
            )
        visit_participants.append((first, len(participant_rows)))
        for n in range(v["stops"]):
            day = v["start_date"] + timedelta(days=n % v["days"])
            start = datetime.combine(day, time(4, 30), tzinfo=UTC) + timedelta(
                minutes=rng.randrange(0, 720, 15)
            )
            stop_rows.append(
                {
                    "visit_id": visit_id,
                    "kind": rng.choice(KINDS),
                    "title": f"{v['title']}: stop {n}",
                    "starts_at": start,
                    "ends_at": start + timedelta(minutes=rng.choice([30, 60, 90])),
                    "venue_id": rng.choice(venues),
                    "status": StopStatus.PLANNED,
                    "calendar_uid": f"bench-{visit_id}-{n}",
                    "sequence": 0,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    participant_ids = insert(Participant.__table__, participant_rows)
    stop_ids = insert(Stop.__table__, stop_rows)
    by_visit = dict(zip(ids, visit_participants, strict=True))
    attendance = []
    for stop_id, row in zip(stop_ids, stop_rows, strict=True):
        first, last = by_visit[row["visit_id"]]
        pool = participant_ids[first:last]
        for participant_id in rng.sample(pool, min(len(pool), rng.randint(3, 12))):
            attendance.append({"stop_id": stop_id, "participant_id": participant_id})
    db.session.execute(stop_attendees.insert(), attendance)
    db.session.commit()
    return ids[-1]


def timed(client, url: str, engine, repeat: int, before=None) -> tuple[float, int]:
    statements = []

    def record(*_):
        statements.append(1)

    timings = []
    for _ in range(repeat):
        if before:
            before()
        statements.clear()
        sa.event.listen(engine, "before_cursor_execute", record)
        started = clock.perf_counter()
        response = client.get(url)
        timings.append(clock.perf_counter() - started)
        sa.event.remove(engine, "before_cursor_execute", record)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings), len(statements)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=2000)
    parser.add_argument("--stops-per-visit", type=int, default=30)
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--venues", type=int, default=200)
    parser.add_argument("--stops", type=int, default=300)
    parser.add_argument("--participants", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", help="an empty database; default: SQLite, temporary")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
        with app.app_context():
            upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
            started = clock.perf_counter()
            visit_id = generate(args, random.Random(7))
            email = "bench@office.example"
            create_user(db.session, email=email, name="Bench", password=PASSWORD, role=Role.PLANNER)
            db.session.commit()
            stops = db.session.scalar(sa.select(sa.func.count()).select_from(Stop))
            print(
                f"visits={args.visits + 1} stops={stops} "
                f"(generated in {clock.perf_counter() - started:.1f} s); "
                f"the visit: stops={args.stops} participants={args.participants}"
            )
            engine = db.engine

            def forget():
                db.session.execute(sa.delete(VisitFindings))
                db.session.commit()

        client = app.test_client()
        client.post("/sign-in", data={"email": email, "password": PASSWORD})
        base = f"/visits/{visit_id}"
        with app.app_context():
            for label, path, before in (
                ("checks.json, checked", "/checks.json", forget),
                ("checks.json, kept", "/checks.json", None),
                ("visit page", "", None),
                ("timeline", "/timeline", None),
            ):
                seconds, queries = timed(client, base + path, engine, args.repeat, before)
                print(f"{label:<22} median={seconds:.3f} s  statements={queries}")


if __name__ == "__main__":
    main()
