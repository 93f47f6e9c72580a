"""The one clock: "now", "the office's today", and the one place a test stops time.

Every page, the API, the CLI and the column defaults ask this module, so they agree on
the instant and on the office's calendar day, and `frozen_at` moves all of them at once.
A base module: it knows the app's settings, never a domain.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

from flask import current_app

from planner.timefmt import zone

_frozen: datetime | None = None


def utc_now() -> datetime:
    """The current instant, aware, in UTC (or the instant the clock was frozen at)."""
    if _frozen is not None:
        return _frozen
    return datetime.now(UTC)


def office_today(zone_name: str, now: datetime | None = None) -> date:
    """The calendar day in the office's zone at `now`: in Tehran the day turns at 20:30 UTC."""
    return (now or utc_now()).astimezone(zone(zone_name)).date()


def office_zone() -> str:
    """The office's IANA time zone, from the running app's OFFICE_TIMEZONE."""
    return current_app.config["OFFICE_TIMEZONE"]


def app_office_today() -> date:
    """The office's today for a page or an API call: "today", overdue, upcoming."""
    return office_today(office_zone())


@contextmanager
def frozen_at(instant: datetime) -> Iterator[datetime]:
    """Stop the clock at `instant` (aware, any zone) for the block, then let it run again.

    Module-wide rather than per context, so that a request served in a fresh context
    (the test client, a live server's thread) reads the same frozen instant.
    """
    global _frozen
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"naive datetime {instant!r}: freeze the clock at an aware instant")
    before, _frozen = _frozen, instant.astimezone(UTC)
    try:
        yield _frozen
    finally:
        _frozen = before
