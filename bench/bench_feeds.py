"""How long a calendar feed poll takes: a 304, a 200 from the kept copy, a 200 built fresh,
answered by the fast path (planner/calendars/fastpath.py) and by Flask alone
(FEED_FAST_PATH off; a fresh build is Flask's either way).

Run: .venv/bin/python -m bench.bench_feeds [--repeat N]
On a fresh SQLite database in a temporary folder, with the demo loaded.
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade

from planner import create_app
from planner.accounts.models import Role
from planner.accounts.operations import create_user
from planner.calendars import rendered
from planner.calendars.feeds import feed_token
from planner.demo import load_demo
from planner.extensions import db


def timed(action, repeat: int) -> float:
    """The median of `repeat` runs, in milliseconds."""
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=50)
    repeat = parser.parse_args().repeat
    with tempfile.TemporaryDirectory() as folder:
        url = "sqlite:///" + str(Path(folder) / "bench.sqlite3")
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
        with app.app_context():
            upgrade()
            visit = load_demo(db.session)
            staff = create_user(
                db.session, email="bench@office.example", name="Bench", password="x" * 12,
                role=Role.VIEWER,
            )  # fmt: skip
            db.session.commit()
            urls = {
                "participant": f"/feeds/{feed_token('bench', visit.head_of_delegation)}.ics",
                "staff": f"/feeds/{feed_token('bench', staff)}.ics",
            }
        client = app.test_client()
        for fast in (True, False):
            app.config["FEED_FAST_PATH"] = fast
            for name, url in urls.items():
                label = f"{name} ({'fast path' if fast else 'Flask'})"
                figures = "  ".join(f"{k}: {v:6.2f} ms" for k, v in polls(client, url, repeat))
                print(f"{label:24}", figures)


def polls(client, url: str, repeat: int) -> list[tuple[str, float]]:
    etag = client.get(url).headers["ETag"]

    def fresh() -> None:
        rendered.calendars.clear()
        client.get(url)

    return [
        ("304", timed(lambda: client.get(url, headers={"If-None-Match": etag}), repeat)),
        ("200 kept", timed(lambda: client.get(url), repeat)),
        ("200 built", timed(fresh, repeat)),
    ]


if __name__ == "__main__":
    main()
