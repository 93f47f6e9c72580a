"""How a calendar is answered over HTTP: its validator, and a 304 or the copy kept for it.

One definition for the calendar views (planner/calendars/views.py) and the feed fast path
(planner/calendars/fastpath.py), so that a poll gets the same ETag, the same bytes and the
same headers whichever of the two answers it.
"""

import functools
from dataclasses import dataclass
from datetime import date, datetime

from flask import Response, current_app

from planner.calendars import feeds, rendered
from planner.clock import office_today, utc_now
from planner.timefmt import local_day_bounds

FEED_ENDPOINT = "calendars.feed"
FEED_PREFIX, FEED_SUFFIX = "/feeds/", ".ics"
FEED_RULE = f"{FEED_PREFIX}<token>{FEED_SUFFIX}"  # the view's route; the fast path's too
CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"


@dataclass(frozen=True)
class Moment:
    """When a calendar is asked for: now (its DTSTAMP), the office's day (part of its ETag),
    and the day's start, from which the days that done follow-ups stay are counted, so
    that what a calendar holds changes with the day, as its ETag does."""

    now: datetime
    day: date
    day_start: datetime

    @classmethod
    def current(cls) -> "Moment":
        now = utc_now()
        zone = current_app.config["OFFICE_TIMEZONE"]
        day = office_today(zone, now)
        return cls(now, day, _day_start(day, zone))


@functools.lru_cache(maxsize=64)
def _day_start(day: date, zone: str) -> datetime:
    return local_day_bounds(day, zone)[0]


def calendar_context(language: str, *extra) -> tuple:
    """Whatever besides the data changes the bytes: the language and the settings."""
    config = current_app.config
    return (
        language,
        config["BASE_URL"],
        config["OFFICE_NAME"],
        config["MAIL_SENDER"],
        config["OFFICE_TIMEZONE"],
        config["FEED_REFRESH_MINUTES"],
        config["CALENDAR_COLOR"],
        *extra,
    )


def calendar_validator(
    state: feeds.CalendarState, moment: Moment, language: str, *extra
) -> feeds.Validator:
    context = calendar_context(language, *extra)
    return feeds.validator(state, day=moment.day, day_start=moment.day_start, context=context)


def feed_validator(state: feeds.CalendarState, moment: Moment, language: str) -> feeds.Validator:
    """A subscription feed's validator: a staff feed also holds a window of days."""
    if state.kind == feeds.PARTICIPANT_FEED:
        return calendar_validator(state, moment, language, "feed")
    config = current_app.config
    window = (config["STAFF_FEED_DAYS_BACK"], config["STAFF_FEED_DAYS_AHEAD"])
    return calendar_validator(state, moment, language, "feed", window)


def feed_cache_control() -> str:
    # Clients poll; asking again sooner than the refresh interval would change nothing.
    # (planner/security.py then makes a feed no-store: its address is its secret.)
    return f"private, max-age={current_app.config['FEED_REFRESH_MINUTES'] * 60}"


def calendar_response(
    validator: feeds.Validator,
    body: bytes | None,
    *,
    cache_control: str,
    filename: str | None = None,
) -> Response:
    """The calendar `body`, or a 304 when it is None, with the calendar's validators."""
    if body is None:
        response = Response(status=304)
    else:
        response = Response(body, content_type=CALENDAR_CONTENT_TYPE)
        if filename:
            response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.set_etag(validator.etag, weak=True)
    if validator.last_modified is not None:
        response.last_modified = validator.last_modified
    response.headers["Cache-Control"] = cache_control
    response.vary.add("Accept-Language")
    return response


def kept_response(
    validator: feeds.Validator,
    if_none_match: str | None,
    if_modified_since: str | None,
    *,
    cache_control: str,
    filename: str | None = None,
) -> Response | None:
    """304 when the client's copy is current, else the copy kept for this ETag; None when
    there is none yet (the caller builds the calendar, or lets the app build it)."""
    if feeds.is_unchanged(validator, if_none_match, if_modified_since):
        return calendar_response(validator, None, cache_control=cache_control, filename=filename)
    body = rendered.calendars.get(validator.etag)
    if body is None:
        return None
    return calendar_response(validator, body, cache_control=cache_control, filename=filename)
