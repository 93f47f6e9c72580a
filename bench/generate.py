"""A large, valid data set for the benchmarks: 2,000 visits, 60,000 stops, 20,000 people.

Run: .venv/bin/python -m bench.generate --database-url URL [--visits 2000] [--seed 7] [--fresh]

The schema is built by the migrations, as the app's own `flask db upgrade` builds it; the rows
go in by SQLAlchemy Core bulk inserts (executemany in chunks), which the database checks
against every constraint and CHECK of the schema, so what the benchmark reads is data the
app could have written. Sizes scale with --visits; one visit always has 300 stops and one of
its participants attends 50 of them, and a planner signs in with BENCH_PASSWORD (bench only).
"""

import argparse
import random
import time as stopwatch
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade
from werkzeug.security import generate_password_hash

from planner import create_app
from planner.accounts.models import Role, User
from planner.calendars.models import Departure
from planner.clock import office_today, utc_now
from planner.config import normalise_database_url
from planner.extensions import db
from planner.itinerary.kinds import StopKind
from planner.itinerary.models import Stop, StopStatus, stop_attendees
from planner.organizations.models import Organization, OrganizationKind
from planner.outcomes.models import FollowUp, FollowUpStatus, Outcome, OutcomeKind, OutcomeStatus
from planner.partnerships.models import Partnership, PartnershipKind, Stage, StageChange
from planner.people.models import Person
from planner.timefmt import local_to_utc
from planner.venues.models import OpeningHours, TravelTime, Venue, VenueClosure, VenueKind
from planner.visits.models import Participant, ParticipantRole, Side, Visit, VisitStatus

# Who the benchmark signs in as, and the rows it looks up by name (see find_bench_ids).
BENCH_EMAIL = "bench@pishvaz.example"
BENCH_PASSWORD = "bench-only-password"  # a benchmark's throwaway database, never a real one
BIG_VISIT_TITLE = "Bench: the visit of 300 stops"
BIG_VISIT_STOPS = 300
BIG_VISIT_PARTICIPANTS = 40
FIFTY_STOP_NAME = "Bench Fifty-Stops"
FIFTY_STOPS = 50

OFFICE_ZONE = "Asia/Tehran"
DELEGATION_ZONES = ["Asia/Almaty", "Europe/Istanbul", "Asia/Baghdad", "Asia/Shanghai", "UTC"]
COUNTRIES = ["KZ", "TR", "IQ", "CN", "RU", "DE", "IN", "AM", "AZ", "UZ", "TJ", "AF"]
LANGUAGES = ["fa", "en", "kk", "ru", "tr", "ar", "zh", "de"]
CURRENCIES = ["USD", "EUR", "IRR", "KZT", "CNY"]
CHUNK = 5_000


@dataclass(frozen=True)
class Sizes:
    visits: int
    stops: int
    people: int
    attendee_links: int
    outcomes: int
    organizations: int
    venues: int
    partnerships: int
    follow_ups: int
    users: int

    @classmethod
    def for_visits(cls, visits: int) -> "Sizes":
        """What --visits N makes: 2,000 visits give the issue's 60,000 stops, 20,000 people,
        156,000 attendee links and 10,000 outcomes; the 300-stop visit is there at any size."""
        if visits < 2:
            raise ValueError("at least 2 visits: the 300-stop visit and another")
        stops = max(30 * visits, BIG_VISIT_STOPS + 10 * (visits - 1))
        return cls(
            visits=visits,
            stops=stops,
            people=max(10 * visits, 2 * BIG_VISIT_PARTICIPANTS),
            # The big visit's stops hold eight each; the others two on average at least.
            attendee_links=max(78 * visits, 8 * BIG_VISIT_STOPS + 2 * (stops - BIG_VISIT_STOPS)),
            outcomes=5 * visits,
            organizations=max(visits // 4, 10),
            venues=max(visits // 5, 10),
            partnerships=max(visits // 20, 3),
            follow_ups=visits,
            users=max(min(visits // 100, 20), 3),
        )


@dataclass(frozen=True)
class BenchIds:
    """What the benchmark requests by id: found by name in a generated database."""

    user_id: int
    user_feed_generation: int
    visit_id: int
    participant_id: int
    participant_feed_generation: int


def find_bench_ids(connection) -> BenchIds | None:
    """The bench user, the 300-stop visit and its 50-stop participant, or None when the
    database holds no generated data set."""
    user = connection.execute(
        sa.select(User.id, User.feed_generation).where(User.email == BENCH_EMAIL)
    ).first()
    visit_id = connection.scalar(sa.select(Visit.id).where(Visit.title == BIG_VISIT_TITLE))
    participant = connection.execute(
        sa.select(Participant.id, Participant.feed_generation)
        .join(Person, Person.id == Participant.person_id)
        .where(Participant.visit_id == visit_id, Person.full_name_latin == FIFTY_STOP_NAME)
    ).first()
    if user is None or visit_id is None or participant is None:
        return None
    return BenchIds(user.id, user.feed_generation, visit_id, participant.id, participant[1])


def spread(total: int, parts: int, low: int, high: int, rng: random.Random) -> list[int]:
    """`parts` random whole numbers between low and high (inclusive) that add up to total."""
    if not low * parts <= total <= high * parts:
        raise ValueError(f"{total} cannot be split into {parts} parts of {low} to {high}")
    counts = [rng.randint(low, high) for _ in range(parts)]
    difference = total - sum(counts)
    step = 1 if difference > 0 else -1
    while difference:
        index = rng.randrange(parts)
        if low <= counts[index] + step <= high:
            counts[index] += step
            difference -= step
    return counts


class Inserter:
    """Core bulk inserts (executemany) in chunks, ids given here from the table's highest.

    Ids chosen up front spare the database a RETURNING per row, which made PostgreSQL three
    times slower; `finish` moves PostgreSQL's sequences past them.
    """

    def __init__(self, connection):
        self.connection = connection
        self.made: dict[str, int] = {}

    def rows(self, table: sa.Table, rows: list[dict], *, ids: bool = True) -> list[int]:
        found: list[int] = []
        if ids:
            first = (self.connection.scalar(sa.select(sa.func.max(table.c.id))) or 0) + 1
            found = list(range(first, first + len(rows)))
            for row, row_id in zip(rows, found, strict=True):
                row["id"] = row_id
        for start in range(0, len(rows), CHUNK):
            self.connection.execute(table.insert(), rows[start : start + CHUNK])
        self.made[table.name] = self.made.get(table.name, 0) + len(rows)
        return found

    def finish(self) -> None:
        if self.connection.dialect.name != "postgresql":
            return  # SQLite's next id is the highest plus one anyway
        for table in db.metadata.sorted_tables:
            if "id" in table.c and table.name in self.made:
                self.connection.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"(SELECT max(id) FROM {table.name}))"
                    )
                )


def insert_data(connection, sizes: Sizes, *, seed: int = 7, today: date | None = None) -> dict:
    """Fill an empty, migrated database: {table name: rows made}."""
    rng = random.Random(seed)
    today = today or office_today(OFFICE_ZONE)
    now = utc_now()
    put = Inserter(connection)
    # One hash for every user: hashing is slow by design, and only the bench user signs in.
    password_hash = generate_password_hash(BENCH_PASSWORD)

    users = [
        {
            "email": BENCH_EMAIL,
            "name": "Bench Planner",
            "password_hash": password_hash,
            "role": Role.PLANNER,
            "locale": "en",
            "active": True,
            "created_at": now,
        }
    ] + [
        {
            "email": f"staff{n}@bench.example",
            "name": f"Staff {n}",
            "password_hash": password_hash,
            "role": rng.choice(list(Role)),
            "locale": rng.choice(["en", "fa"]),
            "active": True,
            "created_at": now,
        }
        for n in range(1, sizes.users)
    ]
    user_ids = put.rows(User.__table__, users)

    organization_ids = put.rows(
        Organization.__table__,
        [
            {
                "name": f"Organization {n}",
                "name_native": f"سازمان {n}" if n % 2 else None,
                "kind": rng.choice(list(OrganizationKind)),
                "country": "IR" if n % 3 == 0 else rng.choice(COUNTRIES),
                "city": rng.choice(["Khorramabad", "Borujerd", "Almaty", "Astana", None]),
                "sector": rng.choice(["Food", "Mining", "Textiles", None]),
            }
            for n in range(sizes.organizations)
        ],
    )

    venue_ids = put.rows(
        Venue.__table__,
        [
            {
                "name": f"Venue {n}",
                "kind": rng.choice(list(VenueKind)),
                "organization_id": rng.choice(organization_ids) if n % 2 else None,
                "city": "Khorramabad",
                "latitude": 33.40 + rng.random() * 0.2,
                "longitude": 48.25 + rng.random() * 0.2,
                "timezone": OFFICE_ZONE,
                "capacity": rng.choice([None, 20, 80, 300]),
                "deleted_at": now if n % 97 == 96 else None,
            }
            for n in range(sizes.venues)
        ],
    )
    live_venue_ids = [venue_id for n, venue_id in enumerate(venue_ids) if n % 97 != 96]
    hours = []
    for venue_id in venue_ids[::2]:  # every other venue keeps hours; the rest are always open
        for weekday in range(7):
            if weekday == 4:  # Friday
                continue
            hours.append(dict(venue_id=venue_id, weekday=weekday, opens=time(7), closes=time(13)))
            hours.append(dict(venue_id=venue_id, weekday=weekday, opens=time(14), closes=time(22)))
    put.rows(OpeningHours.__table__, hours)
    closures = {
        (venue_id, today + timedelta(days=rng.randint(-200, 200)))
        for venue_id in rng.sample(venue_ids, len(venue_ids) // 3)
    }
    put.rows(
        VenueClosure.__table__,
        [{"venue_id": v, "day": d, "reason": "Holiday"} for v, d in sorted(closures)],
    )
    pairs = {tuple(sorted(rng.sample(venue_ids, 2))) for _ in range(len(venue_ids))}
    put.rows(
        TravelTime.__table__,
        [
            {"first_venue_id": a, "second_venue_id": b, "minutes": rng.randint(5, 90)}
            for a, b in sorted(pairs)
        ],
    )

    people = [
        {
            "full_name_native": f"شخص {n}",
            "full_name_latin": f"Person {n}",
            "honorific": rng.choice(["Mr.", "Ms.", "Dr.", "H.E.", None]),
            "position": rng.choice(["Director", "Deputy", "Adviser", None]),
            "organization_id": rng.choice(organization_ids) if n % 3 else None,
            "nationality": rng.choice(COUNTRIES + ["IR"]),
            "languages": sorted(rng.sample(LANGUAGES, rng.randint(1, 3))),
            "email": f"person{n}@bench.example" if n % 2 else None,
        }
        for n in range(sizes.people)
    ]
    people[0].update(full_name_latin=FIFTY_STOP_NAME, full_name_native=FIFTY_STOP_NAME)
    person_ids = put.rows(Person.__table__, people)

    # Visits: the 300-stop one under way now, the rest spread over three years past and one
    # ahead, so that the list, the dashboard and the week's stops all have something to show.
    stop_counts = [BIG_VISIT_STOPS] + spread(
        sizes.stops - BIG_VISIT_STOPS, sizes.visits - 1, 1, 60, rng
    )
    visits = []
    for n, stops_here in enumerate(stop_counts):
        if n == 0:
            start, days = today - timedelta(days=10), 30
        else:
            start = today + timedelta(days=rng.randint(-3 * 365, 365))
            days = -(-stops_here // 10) + rng.randint(0, 1)  # at most ten stops a day
        end = start + timedelta(days=days - 1)
        if n == 0:
            status = VisitStatus.UNDER_WAY
        elif n % 41 == 0:
            status = VisitStatus.CANCELLED
        elif end < today:
            status = VisitStatus.COMPLETED
        else:
            status = rng.choice([VisitStatus.DRAFT, VisitStatus.PROPOSED, VisitStatus.CONFIRMED])
        visits.append(
            {
                "title": BIG_VISIT_TITLE if n == 0 else f"Visit {n} of a delegation",
                "visiting_country": rng.choice(COUNTRIES),
                "visiting_organization_id": rng.choice(organization_ids),
                "host_organization_id": rng.choice(organization_ids),
                "host_region": "Lorestan",
                "host_city": "Khorramabad",
                "start_date": start,
                "end_date": end,
                "timezone": OFFICE_ZONE,
                "delegation_timezone": rng.choice(DELEGATION_ZONES),
                "status": status,
                "purpose": "Trade and culture",
                "created_at": now,
                "updated_at": now,
                "deleted_at": now if n % 113 == 112 else None,
            }
        )
    visit_ids = put.rows(Visit.__table__, visits)

    participant_counts = [BIG_VISIT_PARTICIPANTS] + [
        rng.randint(4, 16) for _ in range(sizes.visits - 1)
    ]
    participants, owner_visit = [], []
    for visit_index, how_many in enumerate(participant_counts):
        chosen = (
            person_ids[: 2 * BIG_VISIT_PARTICIPANTS : 2]
            if visit_index == 0
            else rng.sample(person_ids[1:], how_many)  # the fifty-stop person is the big visit's
        )
        for precedence, person_id in enumerate(chosen, start=1):
            side = Side.DELEGATION if precedence % 2 else Side.HOST
            role = ParticipantRole.DELEGATE
            if precedence == 1:
                role = ParticipantRole.HEAD_OF_DELEGATION
            interpreting: list[str] = []
            if precedence % 5 == 0:
                side, role = Side.SUPPORT, ParticipantRole.INTERPRETER
                interpreting = sorted(rng.sample(LANGUAGES, 2))
            participants.append(
                {
                    "visit_id": visit_ids[visit_index],
                    "person_id": person_id,
                    "side": side,
                    "role": role,
                    "precedence": precedence,
                    "interpreting_languages": interpreting,
                    "feed_generation": 1,
                    "feed_enabled": True,
                }
            )
            owner_visit.append(visit_index)
    participant_ids = put.rows(Participant.__table__, participants)
    by_visit: list[list[int]] = [[] for _ in visits]
    for participant_id, visit_index in zip(participant_ids, owner_visit, strict=True):
        by_visit[visit_index].append(participant_id)
    fifty_stop = by_visit[0][0]

    stops, stop_visit = [], []
    for visit_index, (visit, how_many) in enumerate(zip(visits, stop_counts, strict=True)):
        days = (visit["end_date"] - visit["start_date"]).days + 1
        per_day = -(-how_many // days)
        for number in range(how_many):
            day = visit["start_date"] + timedelta(days=number // per_day)
            # One after another through the day, from 08:00, an hour and a quarter apart.
            minutes = 8 * 60 + (number % per_day) * 75
            starts_at = local_to_utc(day, time(minutes // 60, minutes % 60), visit["timezone"])
            status = rng.choices(list(StopStatus), weights=[6, 3, 1])[0]
            stops.append(
                {
                    "visit_id": visit_ids[visit_index],
                    "kind": rng.choice(list(StopKind)),
                    "title": f"Stop {number + 1} of visit {visit_index}",
                    "starts_at": starts_at,
                    "ends_at": starts_at + timedelta(minutes=rng.choice([30, 45, 60])),
                    "venue_id": rng.choice(live_venue_ids) if number % 7 else None,
                    "public_description": "A stop of the programme." if number % 2 else None,
                    "staff_notes": "Check the cars." if number % 3 == 0 else None,
                    "status": status,
                    "calendar_uid": f"{uuid.UUID(int=rng.getrandbits(128), version=4)}@pishvaz",
                    "sequence": 0,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                    # A few in the bin; none of the big visit's, whose count is in its name.
                    "deleted_at": now if visit_index and number % 41 == 40 else None,
                    "updated_by_id": rng.choice(user_ids),
                }
            )
            stop_visit.append(visit_index)
    stop_ids = put.rows(Stop.__table__, stops)

    # Attendees: a handful per stop, always from the stop's own visit; the big visit's stops
    # are fuller, and its first participant attends exactly every sixth one: 50 of 300.
    big_links = spread(8 * BIG_VISIT_STOPS, BIG_VISIT_STOPS, 4, 12, rng)
    bounds = [len(by_visit[v]) for v in stop_visit[BIG_VISIT_STOPS:]]
    other_total = sizes.attendee_links - sum(big_links)
    other_links = spread_bounded(other_total, bounds, rng)
    links, attending = [], []
    for index, (stop_id, visit_index) in enumerate(zip(stop_ids, stop_visit, strict=True)):
        if visit_index == 0:
            others = by_visit[0][1:]
            if index % 6 == 0:
                chosen = [fifty_stop, *rng.sample(others, big_links[index] - 1)]
            else:
                chosen = rng.sample(others, big_links[index])
        else:
            chosen = rng.sample(by_visit[visit_index], other_links[index - BIG_VISIT_STOPS])
        links += [{"stop_id": stop_id, "participant_id": p} for p in chosen]
        attending.append(chosen)
    put.rows(stop_attendees, links, ids=False)

    # A few people taken off a stop (not in the big visit, whose figures stay as said),
    # as a real database has them recorded.
    departures = set()
    for i in rng.sample(range(BIG_VISIT_STOPS, len(stop_ids)), len(stop_ids) // 100):
        left = set(by_visit[stop_visit[i]]) - set(attending[i])
        if left:
            departures.add((stop_ids[i], min(left)))
    put.rows(
        Departure.__table__,
        [{"stop_id": s, "participant_id": p, "removed_at": now} for s, p in sorted(departures)],
    )

    partnerships = [
        {
            "title": f"Partnership {n}",
            "kind": rng.choice(list(PartnershipKind)),
            "our_city": "Khorramabad",
            "our_country": "IR",
            "partner_city": "Turkistan",
            "partner_country": rng.choice(COUNTRIES),
            "partner_organization_id": rng.choice(organization_ids),
            "stage": rng.choice(list(Stage)),
            "created_at": now,
        }
        for n in range(sizes.partnerships)
    ]
    partnership_ids = put.rows(Partnership.__table__, partnerships)
    put.rows(
        StageChange.__table__,
        [
            {
                "partnership_id": partnership_id,
                "from_stage": None,
                "to_stage": partnership["stage"],
                "reason": "Recorded by the benchmark's generator.",
                "changed_at": now,
                "changed_by_id": user_ids[0],
            }
            for partnership_id, partnership in zip(partnership_ids, partnerships, strict=True)
        ],
    )

    visit_stops: list[list[int]] = [[] for _ in visits]
    for stop_id, visit_index in zip(stop_ids, stop_visit, strict=True):
        visit_stops[visit_index].append(stop_id)
    outcomes = []
    for n in range(sizes.outcomes):
        visit_index = rng.randrange(sizes.visits)
        visit = visits[visit_index]
        valued = n % 3 == 0
        outcomes.append(
            {
                "visit_id": visit_ids[visit_index],
                "stop_id": rng.choice(visit_stops[visit_index]) if n % 2 else None,
                "partnership_id": rng.choice(partnership_ids) if n % 10 == 0 else None,
                "kind": rng.choice(list(OutcomeKind)),
                "summary": f"Outcome {n}: a lead worth following up.",
                "our_organization_id": rng.choice(organization_ids),
                "partner_organization_id": rng.choice(organization_ids),
                "product": "Pasta" if valued else None,
                "hs_code": "1902.19" if valued else None,
                "estimated_value": Decimal(rng.randint(1, 10_000_000)) if valued else None,
                "currency": rng.choice(CURRENCIES) if valued else None,
                "day": visit["start_date"],
                "status": rng.choice(list(OutcomeStatus)),
                "created_at": now,
                "created_by_id": rng.choice(user_ids),
            }
        )
    outcome_ids = put.rows(Outcome.__table__, outcomes)

    # Follow-ups due from two months ago to two months ahead: the open ones past their date
    # are overdue on the dashboard; a tenth belong to the bench user's staff feed.
    follow_ups = []
    for n in range(sizes.follow_ups):
        outcome_index = rng.randrange(len(outcome_ids))
        status = rng.choices(list(FollowUpStatus), weights=[6, 3, 1])[0]
        follow_ups.append(
            {
                "title": f"Follow-up {n}: send the offer",
                "owner_id": user_ids[0] if n % 10 == 0 else rng.choice(user_ids),
                "due_date": today + timedelta(days=rng.randint(-60, 60)),
                "status": status,
                "outcome_id": outcome_ids[outcome_index],
                "visit_id": outcomes[outcome_index]["visit_id"],
                "calendar_uid": f"{uuid.UUID(int=rng.getrandbits(128), version=4)}@pishvaz",
                "sequence": 0,
                "created_at": now,
                "updated_at": now,
                "completed_at": now if status == FollowUpStatus.DONE else None,
            }
        )
    put.rows(FollowUp.__table__, follow_ups)
    put.finish()
    return put.made


def spread_bounded(total: int, bounds: list[int], rng: random.Random) -> list[int]:
    """Random counts, the i-th between 0 and bounds[i], adding up to total."""
    if not 0 <= total <= sum(bounds):
        raise ValueError(f"{total} links do not fit in stops of {sum(bounds)} places")
    mean = total / len(bounds) if bounds else 0
    counts = [min(bound, max(0, round(rng.uniform(0.5, 1.5) * mean))) for bound in bounds]
    difference = total - sum(counts)
    step = 1 if difference > 0 else -1
    while difference:
        index = rng.randrange(len(counts))
        if 0 <= counts[index] + step <= bounds[index]:
            counts[index] += step
            difference -= step
    return counts


def migrate(url: str):
    """The schema by the migrations (as tests/conftest.py's migrate_database builds it): the
    app, for its engine settings (SQLite's foreign keys and WAL)."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-generate"})
    with app.app_context():
        upgrade()
    return app


def database_url(url: str) -> str:
    """psycopg 3 for PostgreSQL, and a SQLite path read from the current folder (Flask-SQLAlchemy
    would read a relative one from the instance folder)."""
    url = normalise_database_url(url)
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        url = f"sqlite:///{Path(url.removeprefix('sqlite:///')).resolve()}"
    return url


def generate(url: str, visits: int, *, seed: int = 7, fresh: bool = False) -> dict:
    """Migrate the database at `url` and fill it; {table: rows}. Refuses a database that
    already holds visits unless `fresh`, which starts it anew."""
    url = database_url(url)
    if fresh:
        empty_database(url)
    app = migrate(url)
    with app.app_context():
        with db.engine.begin() as connection:
            if connection.scalar(sa.select(sa.func.count()).select_from(Visit)):
                raise SystemExit(f"{url} already holds visits: pass --fresh to start it anew")
            made = insert_data(connection, Sizes.for_visits(visits), seed=seed)
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.exec_driver_sql("ANALYZE")
        db.engine.dispose()
    return made


def empty_database(url: str) -> None:
    """Nothing left of an earlier run: the SQLite file removed, PostgreSQL's schema rebuilt."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        return
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--visits", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--fresh", action="store_true", help="empty the database first")
    args = parser.parse_args()
    started = stopwatch.perf_counter()
    made = generate(args.database_url, args.visits, seed=args.seed, fresh=args.fresh)
    took = stopwatch.perf_counter() - started
    for table, rows in made.items():
        print(f"{table:28} {rows:>8,}")
    print(f"made {sum(made.values()):,} rows in {took:.1f} s (migrations included)")
    with sa.create_engine(database_url(args.database_url)).connect() as connection:
        ids = find_bench_ids(connection)
    print(f"sign in as {BENCH_EMAIL} / {BENCH_PASSWORD}; ids: {ids}")
    print(f"generated at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")


if __name__ == "__main__":
    main()
