"""How long the itinerary checker takes on a large visit: 1,000 stops, 200 participants.

Run: .venv/bin/python -m bench.bench_checks [--stops N] [--participants N] [--repeat N]
Target: under 50 ms per full check of 1,000 stops and 200 participants.
"""

import argparse
import random
import statistics
import time as clock
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from planner.itinerary.checks import (
    AttendeeInfo,
    Plan,
    StopInfo,
    TravelSettings,
    VenueInfo,
    check_plan,
)

KINDS = ["official_meeting", "round_table", "factory_tour", "meal", "cultural_visit", "press"]
LANGUAGES = ["fa", "kk", "ru", "en"]


def build_plan(stops: int, participants: int, seed: int = 7) -> Plan:
    rng = random.Random(seed)
    tehran = ZoneInfo("Asia/Tehran")
    venues = {
        n: VenueInfo(
            n,
            f"Venue {n}",
            "Asia/Tehran",
            33.45 + rng.random() * 0.1,
            48.30 + rng.random() * 0.1,
            opening_hours={d: [(time(7, 0), time(22, 0))] for d in range(7) if d != 4},
        )
        for n in range(1, 41)
    }
    people = []
    for n in range(participants):
        side = "delegation" if n % 3 == 0 else "host" if n % 3 == 1 else "support"
        role = "interpreter" if side == "support" and n % 2 else "delegate"
        languages = frozenset(rng.sample(LANGUAGES, rng.randint(1, 2)))
        interpreting = frozenset(rng.sample(LANGUAGES, 2)) if role == "interpreter" else frozenset()
        people.append(AttendeeInfo(n, f"Person {n}", side, role, languages, interpreting))
    days = max(1, stops // 10)
    first_day = date(2026, 12, 1)
    records = []
    for n in range(stops):
        day = first_day + timedelta(days=n % days)
        start = datetime.combine(day, time(8, 0), tzinfo=tehran) + timedelta(
            minutes=rng.randrange(0, 720, 15)
        )
        end = start + timedelta(minutes=rng.choice([30, 45, 60, 90, 120]))
        attendees = tuple(rng.sample(people, rng.randint(3, 25)))
        records.append(
            StopInfo(
                n,
                1,
                f"Stop {n}",
                rng.choice(KINDS),
                start.astimezone(UTC),
                end.astimezone(UTC),
                rng.choice(list(venues)),
                attendees,
            )
        )
    others = [
        StopInfo(
            10_000 + s.id, 2, s.title, s.kind, s.starts_at, s.ends_at, s.venue_id, s.attendees[:2]
        )
        for s in rng.sample(records, min(200, len(records)))
    ]
    return Plan(
        1,
        "Asia/Tehran",
        first_day,
        first_day + timedelta(days=days),
        tuple(records),
        venues,
        tuple(others),
        # 100 days from 1 December cross Kazakhstan's Independence Day and Iran's holidays.
        host_country="IR",
        visiting_country="KZ",
    )


@dataclass(frozen=True)
class CheckTiming:
    stops: int
    participants: int
    attendances: int
    findings: int
    seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def report(self) -> str:
        """The figures as this script prints them (bench.serve_bench prints the same)."""
        return (
            f"stops={self.stops} participants={self.participants} "
            f"attendances={self.attendances}\n"
            f"findings={self.findings}\n"
            f"check_plan seconds: median={self.median:.3f} "
            f"min={min(self.seconds):.3f} max={max(self.seconds):.3f} (runs={len(self.seconds)})"
        )


def time_checks(stops: int = 1000, participants: int = 200, repeat: int = 5) -> CheckTiming:
    plan = build_plan(stops, participants)
    attendances = sum(len(s.attendees) for s in plan.stops)
    timings = []
    findings: list = []
    for _ in range(repeat):
        started = clock.perf_counter()
        findings = check_plan(plan, TravelSettings())
        timings.append(clock.perf_counter() - started)
    return CheckTiming(stops, participants, attendances, len(findings), timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stops", type=int, default=1000)
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(time_checks(args.stops, args.participants, args.repeat).report())


if __name__ == "__main__":
    main()
