"""Pishvaz under gunicorn against a bare Flask "ok", interleaved: the issue 12 table.

Run: .venv/bin/python -m bench.serve_bench [--database sqlite|postgresql|both]
         [--seconds 3] [--rounds 5] [--write]

For each database: generate the data set if it is missing (bench.generate, 2,000 visits),
serve Pishvaz and bench/bare.py under gunicorn (2 sync workers, loopback, a free port), sign
in once through the sign-in form, then in every round measure bare, a target, bare, the next
target... at concurrency 4, so that machine noise hits both sides of each ratio. Prints per
target the ratio of requests per second (median over rounds, with min-max), the absolute
figures and the response size; the checker's figure (bench.bench_checks); checks.json of the
300-stop visit (median ms); and each gunicorn worker's memory after the run. --write puts
the table into bench/RESULTS.md. Every process it starts is stopped on the way out, Ctrl-C
and failures included.

Both servers keep their access log on (gunicorn.conf.py's, one line per request, so that
the two pay alike), written to files instead of the terminal: instance/bench/
gunicorn-<pishvaz|bare>-<database>.log, started afresh by each run; the paths are printed.
"""

import argparse
import http.client
import os
import platform
import re
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time as stopwatch
import urllib.parse
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path

import sqlalchemy as sa

from bench import generate
from bench.bench_checks import CheckTiming, time_checks
from planner.calendars.tokens import make_token

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
LOGS = ROOT / "instance" / "bench"
HOST = "127.0.0.1"
CONCURRENCY = 4
WORKERS = 2
# A bench-only key, so that the feed tokens can be made here as the app makes them.
SECRET_KEY = "bench-secret-key-not-for-any-real-server"
DATABASES = {
    "sqlite": f"sqlite:///{ROOT / 'instance' / 'bench' / 'bench.sqlite3'}",
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:5432/bench",
}
LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


# --- Requests and the load generator ---------------------------------------------------------


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    expect: int = 200


@dataclass(frozen=True)
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


def fetch(port: int, request: Request, *, method: str = "GET", body: str | None = None) -> Answer:
    """One request on a connection of its own: sync workers close it after every answer."""
    connection = http.client.HTTPConnection(HOST, port, timeout=900)
    try:
        connection.request(method, request.path, body=body, headers=request.headers)
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


@dataclass(frozen=True)
class Measurement:
    """What a load run got: answers as expected, bytes of their bodies, others, wall time."""

    completed: int
    body_bytes: int
    errors: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.completed / self.seconds if self.seconds > 0 else 0.0

    @property
    def size(self) -> float:
        """The mean body of an answer, in bytes."""
        return self.body_bytes / self.completed if self.completed else 0.0


def load(
    send: Callable[[], Answer],
    expect: int,
    seconds: float,
    concurrency: int = CONCURRENCY,
) -> Measurement:
    """`concurrency` threads send one request after another until `seconds` have passed;
    each sends at least one and finishes the one it has started, and the wall time runs
    until the last has come back, so a slow page's rate is not flattered by a cut-off."""
    lock = threading.Lock()
    totals = {"completed": 0, "bytes": 0, "errors": 0}
    started = stopwatch.perf_counter()
    deadline = started + seconds

    def client() -> None:
        while True:
            try:
                answer = send()
                good, size = answer.status == expect, len(answer.body)
            except OSError:
                good, size = False, 0
            with lock:
                if good:
                    totals["completed"] += 1
                    totals["bytes"] += size
                else:
                    totals["errors"] += 1
            if stopwatch.perf_counter() >= deadline:
                return

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Measurement(
        totals["completed"], totals["bytes"], totals["errors"], stopwatch.perf_counter() - started
    )


# --- Ratios and their spread -----------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    median: float
    low: float
    high: float

    def __str__(self) -> str:
        return f"{self.median:.3f} ({self.low:.3f}-{self.high:.3f})"


def summarise(values: list[float]) -> Summary:
    """The median, and the lowest and highest value, of one figure over the rounds."""
    if not values:
        raise ValueError("nothing measured")
    return Summary(statistics.median(values), min(values), max(values))


def ratio(target: Measurement, bare: Measurement) -> float:
    """The target's requests per second as a share of the bare app's, measured beside it."""
    return target.per_second / bare.per_second if bare.per_second else 0.0


@dataclass(frozen=True)
class Pair:
    bare: Measurement
    target: Measurement

    @property
    def ratio(self) -> float:
        return ratio(self.target, self.bare)


def interleaved(
    names: list[str],
    rounds: int,
    measure: Callable[[str | None], Measurement],
    *,
    slow_after: float = float("inf"),
) -> dict[str, list[Pair]]:
    """Each round measures bare (None), then a target, bare, the next target...: every
    target's figure has a bare figure taken just before it, under the same conditions.

    A target whose measurement took longer than `slow_after` seconds (one answer takes
    minutes) is not measured again in later rounds: its figure is that one round's.
    """
    pairs: dict[str, list[Pair]] = {name: [] for name in names}
    slow: set[str] = set()
    for _ in range(rounds):
        for name in names:
            if name in slow:
                continue
            bare = measure(None)
            target = measure(name)
            pairs[name].append(Pair(bare, target))
            if target.seconds > slow_after:
                slow.add(name)
    return pairs


# --- Goals -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Goal:
    what: str
    kind: str  # "ratio" at least, "ms" or "MB" under
    limit: float

    def met(self, value: float) -> bool:
        return value >= self.limit if self.kind == "ratio" else value < self.limit

    def __str__(self) -> str:
        if self.kind == "ratio":
            return f">= {self.limit:g}"
        return f"< {self.limit:g} {self.kind}"


TARGET_GOALS = {
    "feed_304": Goal("feed answered 304", "ratio", 0.7),
    "participant_feed": Goal("a 50-stop participant feed, full answer", "ratio", 0.3),
    "visit_page": Goal("a 300-stop visit page, signed in", "ratio", 0.1),
    "visit_list": Goal("visit list", "ratio", 0.2),
    "dashboard": Goal("dashboard", "ratio", 0.2),
    "staff_feed": Goal("staff feed", "ratio", 0.1),
}
CHECKER_GOAL = Goal("checker, 1,000 stops x 200 participants", "ms", 50)
CHECKS_JSON_GOAL = Goal("checks.json of the 300-stop visit, in the app", "s", 0.3)
MEMORY_GOAL = Goal("worker memory after the run (largest worker)", "MB", 100)


# --- Serving ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn with 2 sync workers on a free loopback port, in a process group of its own
    so that stopping it stops its workers too."""

    def __init__(self, app: str, env: dict[str, str], log: Path, ready_path: str = "/"):
        self.port = free_port()
        self.app, self.ready_path = app, ready_path
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text("")  # this run's lines alone (gunicorn appends)
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            f"--workers={WORKERS}",
            "--worker-class=sync",
            f"--bind={HOST}:{self.port}",
            "--timeout=900",  # the staff feed of 60,000 stops may take longer than 30 s
            "--log-level=warning",
            f"--access-logfile={log}",
            f"--error-logfile={log}",
            "--no-control-socket",  # gunicorn's admin socket: one per user, so two would clash
            app,
        ]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **env}, start_new_session=True
        )

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = stopwatch.monotonic() + timeout
        while stopwatch.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {self.app} exited with {self.process.returncode}")
            try:
                if fetch(self.port, Request(self.ready_path)).status < 500:
                    return
            except OSError:
                pass
            stopwatch.sleep(0.2)
        raise RuntimeError(f"gunicorn {self.app} did not answer within {timeout} s")

    def workers(self) -> list[int]:
        """The worker processes: the children of gunicorn's master."""
        found = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                text = status.read_text()
            except OSError:
                continue
            if re.search(rf"^PPid:\s+{self.process.pid}$", text, re.MULTILINE):
                found.append(int(status.parent.name))
        return sorted(found)

    def worker_rss_mb(self) -> list[float]:
        return [rss_mb(pid) for pid in self.workers()]

    def worker_uss_mb(self) -> list[float]:
        return [uss_mb(pid) for pid in self.workers()]

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
            except ProcessLookupError:
                pass


def rss_mb(pid: int) -> float:
    """A process's resident memory (VmRSS), in MB."""
    match = re.search(r"^VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.M)
    return int(match[1]) / 1024 if match else 0.0


def uss_mb(pid: int) -> float:
    """A process's own memory, shared with no other process (USS: its private pages), in MB.
    Less than VmRSS when the workers share the pages of the app the master preloaded."""
    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    kb = sum(int(m[1]) for m in re.finditer(r"^Private_(?:Clean|Dirty):\s+(\d+) kB", rollup, re.M))
    return kb / 1024


# --- Signing in ------------------------------------------------------------------------------


def cookies_from(headers: http.client.HTTPMessage, jar: dict[str, str]) -> dict[str, str]:
    for line in headers.get_all("Set-Cookie") or []:
        for name, morsel in SimpleCookie(line).items():
            jar[name] = morsel.value
    return jar


def cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in jar.items())


CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
VALUE = re.compile(r'value="([^"]*)"')


def csrf_token(html: str) -> str:
    """The hidden CSRF field of a page's form."""
    field_html = CSRF_INPUT.search(html)
    value = VALUE.search(field_html[0]) if field_html else None
    if value is None:
        raise RuntimeError("no csrf_token field on the sign-in page")
    return value[1]


def sign_in(port: int, email: str, password: str) -> str:
    """Sign in through the form, as a browser does: the Cookie header for what follows."""
    page = fetch(port, Request("/sign-in"))
    jar = cookies_from(page.headers, {})
    form = urllib.parse.urlencode(
        {"email": email, "password": password, "csrf_token": csrf_token(page.body.decode())}
    )
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie_header(jar)}
    answer = fetch(port, Request("/sign-in", headers), method="POST", body=form)
    if answer.status != 302:
        raise RuntimeError(f"sign-in answered {answer.status}, not a redirect")
    return cookie_header(cookies_from(answer.headers, jar))


# --- One database ----------------------------------------------------------------------------


@dataclass
class DatabaseResult:
    name: str
    version: str
    pairs: dict[str, list[Pair]]
    checks_json_seconds: list[float]
    pishvaz_rss_mb: list[float]
    bare_rss_mb: list[float]
    pishvaz_uss_mb: list[float] = field(default_factory=list)
    bare_uss_mb: list[float] = field(default_factory=list)

    def ratio(self, target: str) -> Summary:
        return summarise([pair.ratio for pair in self.pairs[target]])

    def ratio_text(self, target: str) -> str:
        """The median and spread, or the one round a slow target got."""
        pairs = self.pairs[target]
        if len(pairs) == 1:
            return f"{pairs[0].ratio:.3f} (1 round: too slow for more)"
        return f"{self.ratio(target)} over {len(pairs)} rounds"


def prepare(name: str, url: str, visits: int) -> generate.BenchIds:
    """The generated data set's ids, generating it first when the database has none."""
    if name == "postgresql":
        create_database(url)
    else:
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    ids = bench_ids(url)
    if ids is not None:
        # Data generated by an older revision: its schema brought up to the migrations'
        # head, as a deployment's `flask db upgrade` would (a new table, an index).
        generate.migrate(url)
    if ids is None:
        print(f"{LABELS[name]}: generating {visits} visits into {url}", flush=True)
        started = stopwatch.perf_counter()
        generate.generate(url, visits, fresh=True)
        print(f"  generated in {stopwatch.perf_counter() - started:.1f} s", flush=True)
        ids = bench_ids(url)
    assert ids is not None
    return ids


def bench_ids(url: str) -> generate.BenchIds | None:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table("visits"):
                return None
            return generate.find_bench_ids(connection)
    finally:
        engine.dispose()


def create_database(url: str) -> None:
    """PostgreSQL's bench database, created from the maintenance database when missing."""
    parts = sa.make_url(url)
    engine = sa.create_engine(parts.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            exists = connection.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": parts.database},
            )
            if not exists:
                connection.exec_driver_sql(f'CREATE DATABASE "{parts.database}"')
    finally:
        engine.dispose()


def database_version(name: str, url: str) -> str:
    if name == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return f"PostgreSQL {connection.scalar(sa.text('SHOW server_version'))}"
    finally:
        engine.dispose()


def targets(ids: generate.BenchIds, cookie: str, etag: str) -> dict[str, Request]:
    participant = make_token(SECRET_KEY, "p", ids.participant_id, ids.participant_feed_generation)
    staff = make_token(SECRET_KEY, "u", ids.user_id, ids.user_feed_generation)
    signed_in = {"Cookie": cookie}
    return {
        "feed_304": Request(f"/feeds/{participant}.ics", {"If-None-Match": etag}, expect=304),
        "participant_feed": Request(f"/feeds/{participant}.ics"),
        "visit_page": Request(f"/visits/{ids.visit_id}", signed_in),
        "visit_list": Request("/", signed_in),
        "dashboard": Request("/dashboard", signed_in),
        "staff_feed": Request(f"/feeds/{staff}.ics"),
    }


def run_database(name: str, args) -> DatabaseResult:
    url = DATABASES[name]
    if name == "postgresql" and args.postgresql_url:
        url = generate.database_url(args.postgresql_url)
    ids = prepare(name, url, args.visits)
    version = database_version(name, url)
    with ExitStack() as servers:
        env = {
            "DATABASE_URL": url,
            "SECRET_KEY": SECRET_KEY,
            "COOKIE_SECURE": "no",
            "OFFICE_TIMEZONE": generate.OFFICE_ZONE,
        }
        logs = {server: LOGS / f"gunicorn-{server}-{name}.log" for server in ("pishvaz", "bare")}
        pishvaz = Server("app:app", env, logs["pishvaz"], ready_path="/sign-in")
        servers.callback(pishvaz.stop)
        bare = Server("bench.bare:app", {}, logs["bare"])
        servers.callback(bare.stop)
        print(f"\n{LABELS[name]}: the servers log to " + ", ".join(map(str, logs.values())))
        pishvaz.wait_ready()
        bare.wait_ready()
        cookie = sign_in(pishvaz.port, generate.BENCH_EMAIL, generate.BENCH_PASSWORD)
        participant = make_token(
            SECRET_KEY, "p", ids.participant_id, ids.participant_feed_generation
        )
        first = fetch(pishvaz.port, Request(f"/feeds/{participant}.ics"))
        if first.status != 200 or not first.headers.get("ETag"):
            raise RuntimeError(f"the participant feed answered {first.status} without an ETag")
        requests = targets(ids, cookie, first.headers["ETag"])
        if args.only:
            requests = {name: requests[name] for name in args.only}

        def send(port: int, request: Request) -> Callable[[], Answer]:
            return lambda: fetch(port, request)

        slow_after = max(5 * args.seconds, 15)
        print(f"\n{LABELS[name]} ({version}): warming up", flush=True)
        for target, request in requests.items():
            # One answer first: a target that takes minutes is warm after it.
            started = stopwatch.perf_counter()
            first_answer = fetch(pishvaz.port, request)
            if first_answer.status != request.expect:
                raise RuntimeError(
                    f"{target} ({request.path}) answered {first_answer.status}, "
                    f"not {request.expect}"
                )
            if stopwatch.perf_counter() - started < slow_after:
                load(send(pishvaz.port, request), request.expect, 0, WORKERS)
        load(send(bare.port, Request("/")), 200, 0, WORKERS)

        round_number = 0
        last_bare = Measurement(0, 0, 0, 0)

        def measure(target: str | None) -> Measurement:
            nonlocal round_number, last_bare
            if target is None:
                last_bare = load(send(bare.port, Request("/")), 200, args.seconds)
                return last_bare
            if target == next(iter(requests)):
                round_number += 1
                print(f"round {round_number}/{args.rounds}", flush=True)
            request = requests[target]
            measured = load(send(pishvaz.port, request), request.expect, args.seconds)
            print(
                f"  {target:17} {measured.per_second:8.1f} req/s "
                f"{measured.size:10.0f} B  ({measured.completed} in {measured.seconds:.1f} s"
                f"{f', {measured.errors} errors' if measured.errors else ''}); "
                f"bare {last_bare.per_second:.0f} req/s: ratio {ratio(measured, last_bare):.3f}",
                flush=True,
            )
            return measured

        pairs = interleaved(list(requests), args.rounds, measure, slow_after=slow_after)

        checks = Request(f"/visits/{ids.visit_id}/checks.json", {"Cookie": cookie})
        checks_seconds = time_sequentially(lambda: fetch(pishvaz.port, checks), args.seconds)
        result = DatabaseResult(
            name,
            version,
            pairs,
            checks_seconds,
            pishvaz.worker_rss_mb(),
            bare.worker_rss_mb(),
            pishvaz.worker_uss_mb(),
            bare.worker_uss_mb(),
        )
    print_database(result)
    return result


def time_sequentially(send: Callable[[], Answer], seconds: float, least: int = 3) -> list[float]:
    """One request at a time, for `seconds` and at least `least` times: each one's latency."""
    timings: list[float] = []
    deadline = stopwatch.perf_counter() + seconds
    while len(timings) < least or stopwatch.perf_counter() < deadline:
        started = stopwatch.perf_counter()
        answer = send()
        if answer.status != 200:
            raise RuntimeError(f"checks.json answered {answer.status}")
        timings.append(stopwatch.perf_counter() - started)
    return timings


# --- Reporting -------------------------------------------------------------------------------


def print_database(result: DatabaseResult) -> None:
    print(f"\n{LABELS[result.name]}: ratio to bare Flask (median over rounds, min-max)")
    for target, goal in TARGET_GOALS.items():
        if target not in result.pairs:
            continue
        pairs = result.pairs[target]
        summary = result.ratio(target)
        target_rate = statistics.median(p.target.per_second for p in pairs)
        bare_rate = statistics.median(p.bare.per_second for p in pairs)
        size = statistics.median(p.target.size for p in pairs)
        print(
            f"  {goal.what:42} {result.ratio_text(target):36} goal {goal!s:6} "
            f"{'met' if goal.met(summary.median) else 'MISSED':6} "
            f"{target_rate:8.1f} req/s (bare {bare_rate:.0f}), {size:,.0f} B"
        )
    checks = statistics.median(result.checks_json_seconds)
    print(f"  checks.json median {checks * 1000:.0f} ms over {len(result.checks_json_seconds)}")
    print(
        f"  worker RSS after the run: Pishvaz {fmt_mb(result.pishvaz_rss_mb)}, "
        f"bare Flask {fmt_mb(result.bare_rss_mb)}"
    )
    print(
        f"  of which its own (USS): Pishvaz {fmt_mb(result.pishvaz_uss_mb)}, "
        f"bare Flask {fmt_mb(result.bare_uss_mb)}"
    )


def fmt_mb(values: list[float]) -> str:
    return " + ".join(f"{value:.0f}" for value in values) + " MB"


def machine() -> dict[str, str]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    memory = re.search(r"^MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return {
        "cpus": str(os.cpu_count()),
        "cpu": model[1].strip() if model else platform.processor() or "unknown",
        "ram": f"{int(memory[1]) / 1024 / 1024:.1f} GiB" if memory else "unknown",
        "python": platform.python_version(),
        "commit": commit + (" (with uncommitted changes)" if dirty else ""),
        # Other work on the machine lowers both sides of each ratio, but not always alike.
        "load": " ".join(f"{value:.1f}" for value in os.getloadavg()),
    }


def cell(goal: Goal, value: float, text: str) -> str:
    return f"{text} {'✓' if goal.met(value) else '✗'}"


def results_markdown(
    results: list[DatabaseResult], checker: CheckTiming, about: dict[str, str], command: str
) -> str:
    """bench/RESULTS.md: when, where, the table against the goals, and how to run it again."""
    heads = " | ".join(LABELS[r.name] for r in results)
    lines = [
        "# Benchmark results",
        "",
        "Written by `bench/serve_bench.py --write`; the figures below are from one run.",
        "Ratios are requests per second of the page over those of a bare Flask app answering",
        '"ok" (bench/bare.py), both under gunicorn with 2 sync workers, measured interleaved at',
        "concurrency 4; median over the rounds, min-max in brackets. ✓ meets the goal, ✗ misses.",
        "",
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {about['cpus']} CPUs ({about['cpu']}), {about['ram']} RAM; "
        f"load average when the run began: {about.get('load', 'unknown')}",
        f"- Python {about['python']}; " + "; ".join(r.version for r in results),
        f"- commit: {about['commit']}",
        f"- command: `{command}`",
        "",
        f"| what | goal | {heads} |",
        "|---|---|" + "---|" * len(results),
    ]
    for target, goal in TARGET_GOALS.items():
        if any(target not in r.pairs for r in results):
            continue
        cells = [cell(goal, r.ratio(target).median, r.ratio_text(target)) for r in results]
        lines.append(f"| {goal.what} | {goal} | {' | '.join(cells)} |")
    checker_ms = checker.median * 1000
    checker_cell = cell(CHECKER_GOAL, checker_ms, f"{checker_ms:.0f} ms")
    lines.append(
        f"| {CHECKER_GOAL.what} (bench_checks, no database) | {CHECKER_GOAL} | "
        + " | ".join(checker_cell for _ in results)
        + " |"
    )
    cells = []
    for r in results:
        seconds = statistics.median(r.checks_json_seconds)
        cells.append(cell(CHECKS_JSON_GOAL, seconds, f"{seconds:.2f} s"))
    lines.append(f"| {CHECKS_JSON_GOAL.what} | {CHECKS_JSON_GOAL} | {' | '.join(cells)} |")
    cells = [
        cell(
            MEMORY_GOAL,
            max(r.pishvaz_rss_mb),
            f"{fmt_mb(r.pishvaz_rss_mb)} (bare {fmt_mb(r.bare_rss_mb)})",
        )
        for r in results
    ]
    lines.append(f"| {MEMORY_GOAL.what} | {MEMORY_GOAL} | {' | '.join(cells)} |")
    lines += [
        "",
        "## Absolute figures (medians over the rounds)",
        "",
        "| target | database | req/s | bare Flask req/s | answer size |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        for target, goal in TARGET_GOALS.items():
            if target not in r.pairs:
                continue
            pairs = r.pairs[target]
            rate = statistics.median(p.target.per_second for p in pairs)
            bare = statistics.median(p.bare.per_second for p in pairs)
            size = statistics.median(p.target.size for p in pairs)
            lines.append(
                f"| {goal.what} | {LABELS[r.name]} | {rate:.1f} | {bare:.0f} | {size:,.0f} B |"
            )
    lines += ["", "The checker, as `python -m bench.bench_checks` prints it:", "", "```"]
    lines += [checker.report(), "```", ""]
    return "\n".join(lines)


def stop_on_sigterm() -> None:
    """A SIGTERM unwinds like Ctrl-C, so the servers are stopped on the way out."""

    def _raise(_signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _raise)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=3.0, help="per measurement")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--visits", type=int, default=2000, help="when generating the data")
    parser.add_argument(
        "--postgresql-url", help=f"instead of {DATABASES['postgresql']} (created if missing)"
    )
    parser.add_argument(
        "--only", nargs="+", choices=list(TARGET_GOALS), help="these targets alone (default all)"
    )
    parser.add_argument("--write", action="store_true", help="write bench/RESULTS.md")
    args = parser.parse_args()
    stop_on_sigterm()
    about = machine()  # the commit measured: the one checked out when the run began
    names = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    checker = time_checks()
    print(checker.report(), flush=True)
    command = " ".join(["python -m bench.serve_bench", *sys.argv[1:]])
    results: list[DatabaseResult] = []
    for name in names:
        results.append(run_database(name, args))
        if args.write:  # after each database, so that an interrupted run keeps what it measured
            RESULTS.write_text(results_markdown(results, checker, about, command))
            print(f"\nwrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
