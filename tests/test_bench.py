"""The benchmark's instrument: the data it generates and the arithmetic of its figures.

No timing is asserted here; bench/serve_bench.py prints the figures, bench/RESULTS.md keeps them.
"""

import random
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa

from bench import generate, serve_bench
from bench.bench_checks import CheckTiming
from bench.serve_bench import Goal, Measurement, Pair, Request, Summary
from planner.calendars.feeds import feed_token
from planner.clock import app_office_today
from planner.extensions import db
from planner.itinerary.models import Stop, stop_attendees
from planner.outcomes.models import FollowUp, FollowUpStatus
from planner.people.models import Person
from planner.visits.models import Participant, Visit
from tests.conftest import count

# --- The generated data set ------------------------------------------------------------------


@pytest.fixture
def small_data_set(app):
    """`--visits 5`, inserted into the test's own transaction (rolled back afterwards)."""
    sizes = generate.Sizes.for_visits(5)
    made = generate.insert_data(db.session.connection(), sizes, seed=3)
    return sizes, made


def test_generator_makes_the_sizes_it_announces(small_data_set):
    sizes, made = small_data_set
    assert count(Visit) == made["visits"] == sizes.visits == 5
    assert count(Stop) == made["stops"] == sizes.stops
    assert count(Person) == made["people"] == sizes.people
    assert count(stop_attendees) == made["stop_attendees"] == sizes.attendee_links
    assert made["outcomes"] == sizes.outcomes


def test_at_full_size_the_generator_makes_the_issues_data_set():
    sizes = generate.Sizes.for_visits(2000)
    assert (sizes.visits, sizes.stops, sizes.people) == (2000, 60_000, 20_000)
    assert (sizes.attendee_links, sizes.outcomes) == (156_000, 10_000)


def test_the_big_visit_has_300_stops_and_one_participant_attends_50(small_data_set):
    ids = generate.find_bench_ids(db.session.connection())
    assert ids is not None
    big = db.session.get(Visit, ids.visit_id)
    assert len(big.live_stops) == 300
    attended = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(stop_attendees)
        .where(stop_attendees.c.participant_id == ids.participant_id)
    )
    assert attended == 50


def test_every_attendee_belongs_to_the_stops_own_visit(small_data_set):
    strangers = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(stop_attendees)
        .join(Stop, Stop.id == stop_attendees.c.stop_id)
        .join(Participant, Participant.id == stop_attendees.c.participant_id)
        .where(Participant.visit_id != Stop.visit_id)
    )
    assert strangers == 0


def test_some_follow_ups_are_overdue(small_data_set):
    overdue = db.session.scalar(
        sa.select(sa.func.count()).where(
            FollowUp.status == FollowUpStatus.OPEN, FollowUp.due_date < app_office_today()
        )
    )
    assert overdue > 0


def test_the_bench_planner_signs_in_and_reads_the_big_visit(small_data_set, auth, client):
    response = auth.login(generate.BENCH_EMAIL, generate.BENCH_PASSWORD)
    assert response.status_code == 302
    ids = generate.find_bench_ids(db.session.connection())
    page = client.get(f"/visits/{ids.visit_id}")
    assert page.status_code == 200
    assert generate.BIG_VISIT_TITLE in page.text


def test_the_fifty_stop_participants_feed_holds_their_fifty_stops_that_take_place(
    small_data_set, app, client
):
    ids = generate.find_bench_ids(db.session.connection())
    participant = db.session.get(Participant, ids.participant_id)
    attended = sa.select(stop_attendees.c.stop_id).where(
        stop_attendees.c.participant_id == participant.id
    )
    stops = db.session.scalars(sa.select(Stop).where(Stop.id.in_(attended), Stop.is_live)).all()
    assert len(stops) == generate.FIFTY_STOPS
    response = client.get(f"/feeds/{feed_token(app.config['SECRET_KEY'], participant)}.ics")
    assert response.status_code == 200
    # A feed leaves out what does not take place: the cancelled ones of the fifty.
    assert response.text.count("BEGIN:VEVENT") == sum(stop.is_active for stop in stops) > 40


def test_spread_adds_up_within_its_bounds():
    counts = generate.spread(100, 7, 5, 30, random.Random(1))
    assert sum(counts) == 100 and all(5 <= c <= 30 for c in counts)
    with pytest.raises(ValueError):
        generate.spread(100, 3, 1, 10, random.Random(1))


# --- The load generator ----------------------------------------------------------------------


class OkServer(ThreadingHTTPServer):
    """Answers "ok" on loopback and counts what it answered."""

    daemon_threads = True

    def __init__(self):
        self.answered = 0
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                with server.lock:
                    server.answered += 1
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        super().__init__((serve_bench.HOST, 0), Handler)


@pytest.fixture
def ok_server():
    server = OkServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_load_counts_every_answer_the_server_gave(ok_server):
    port = ok_server.server_address[1]
    measured = serve_bench.load(
        lambda: serve_bench.fetch(port, Request("/")), 200, 0.2, concurrency=4
    )
    assert measured.errors == 0
    assert measured.completed == ok_server.answered
    assert measured.body_bytes == 2 * measured.completed
    assert measured.per_second == measured.completed / measured.seconds


def test_each_client_sends_at_least_one_request(ok_server):
    port = ok_server.server_address[1]
    measured = serve_bench.load(lambda: serve_bench.fetch(port, Request("/")), 200, 0, 4)
    assert measured.completed >= 4


def test_an_unexpected_status_is_an_error_not_an_answer(ok_server):
    port = ok_server.server_address[1]
    measured = serve_bench.load(lambda: serve_bench.fetch(port, Request("/")), 304, 0, 2)
    assert measured.completed == 0
    assert measured.errors == ok_server.answered >= 2


# --- Ratios, rounds and goals ----------------------------------------------------------------


def test_ratio_is_requests_per_second_over_the_bare_apps():
    target = Measurement(completed=50, body_bytes=5_000, errors=0, seconds=10.0)
    bare = Measurement(completed=1_000, body_bytes=2_000, errors=0, seconds=10.0)
    assert target.per_second == 5.0
    assert target.size == 100.0
    assert serve_bench.ratio(target, bare) == 0.05


def test_summary_is_the_median_and_the_range():
    assert serve_bench.summarise([0.3, 0.1, 0.2]) == Summary(0.2, 0.1, 0.3)
    assert serve_bench.summarise([0.4, 0.1, 0.2, 0.3]).median == pytest.approx(0.25)
    with pytest.raises(ValueError):
        serve_bench.summarise([])


def fake_measure(seconds: dict[str | None, float]):
    """A measure() that records what it was asked for, in order."""
    calls: list[str | None] = []

    def measure(target):
        calls.append(target)
        return Measurement(10, 0, 0, seconds.get(target, 1.0))

    return measure, calls


def test_every_target_is_measured_right_after_the_bare_app_in_every_round():
    measure, calls = fake_measure({})
    pairs = serve_bench.interleaved(["feed", "page"], 2, measure)
    assert calls == [None, "feed", None, "page", None, "feed", None, "page"]
    assert [len(found) for found in pairs.values()] == [2, 2]


def test_a_target_slower_than_the_limit_is_measured_in_one_round_only():
    measure, calls = fake_measure({"staff": 300.0})
    pairs = serve_bench.interleaved(["feed", "staff"], 3, measure, slow_after=15)
    assert calls.count("staff") == 1 and calls.count("feed") == 3
    assert len(pairs["staff"]) == 1


def test_goals_hold_at_their_limit_for_ratios_and_below_it_for_times():
    assert Goal("feed", "ratio", 0.7).met(0.7)
    assert not Goal("feed", "ratio", 0.7).met(0.69)
    assert Goal("checker", "ms", 50).met(49.9)
    assert not Goal("checker", "ms", 50).met(50)


def test_the_csrf_token_is_read_from_the_sign_in_form():
    html = '<form><input id="csrf_token" name="csrf_token" type="hidden" value="Ab.c-1"></form>'
    assert serve_bench.csrf_token(html) == "Ab.c-1"
    with pytest.raises(RuntimeError):
        serve_bench.csrf_token("<form></form>")


def test_results_table_gives_each_goal_its_figure_per_database():
    def pairs(*ratios):
        bare = Measurement(100, 200, 0, 1.0)
        return [Pair(bare, Measurement(round(100 * r), 0, 0, 1.0)) for r in ratios]

    figures = {name: pairs(0.25, 0.2, 0.3) for name in serve_bench.TARGET_GOALS}
    figures["feed_304"] = pairs(0.8, 0.7, 0.9)
    figures["staff_feed"] = pairs(0.01)
    result = serve_bench.DatabaseResult(
        "sqlite", "SQLite 3.40.1", figures, [0.5, 0.2, 0.25], [120.0, 90.0], [29.0, 29.0]
    )
    checker = CheckTiming(1000, 200, 14_000, 1590, [0.135, 0.136, 0.140])
    about = {"cpus": "2", "cpu": "A CPU", "ram": "23.5 GiB", "python": "3.11.7", "commit": "abc"}
    text = serve_bench.results_markdown([result], checker, about, "python -m bench.serve_bench")
    assert "| what | goal | SQLite |" in text
    assert "| feed answered 304 | >= 0.7 | 0.800 (0.700-0.900) over 3 rounds ✓ |" in text
    assert "| visit list | >= 0.2 | 0.250 (0.200-0.300) over 3 rounds ✓ |" in text
    assert "| staff feed | >= 0.1 | 0.010 (1 round: too slow for more) ✗ |" in text
    assert "| 136 ms ✗ |" in text
    assert "| < 0.3 s | 0.25 s ✓ |" in text
    assert "120 + 90 MB (bare 29 + 29 MB) ✗" in text
    assert "`python -m bench.serve_bench`" in text
    assert f"{datetime.now(UTC):%Y-%m-%d}" in text
