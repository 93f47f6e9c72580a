"""iCalendar (RFC 5545) output as plain functions over plain records, with the icalendar library.

Every DTSTART/DTEND carries an IANA TZID with a matching VTIMEZONE built from zoneinfo,
so no client shows a stop an hour off. Escaping and folding are the library's.

An iTIP calendar (a REQUEST or CANCEL in a letter, RFC 5546) is one meeting, not a
calendar to subscribe to: it carries no X-WR-CALNAME (MS-OXCICAL 2.1.3.1.1.17 says to
omit it for a single meeting) and its VTIMEZONEs no COMMENT (libical's iTIP
restrictions allow none there). A feed or download also carries RFC 7986's NAME and
COLOR, and a feed REFRESH-INTERVAL with X-PUBLISHED-TTL for older clients.

A participant's events carry a reminder (a VALARM, ACTION:DISPLAY, its TRIGGER relative
to the start) when their visit gives their role one; a stop with an online link carries
it as a CONFERENCE (RFC 7986), which clients show as a "Join" button.
"""

import functools
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

PRODID = "-//Pishvaz//Official visits//EN"

# The stop statuses as calendar clients know them.
EVENT_STATUS = {"planned": "TENTATIVE", "confirmed": "CONFIRMED", "cancelled": "CANCELLED"}
# The follow-up statuses, for to-dos.
TODO_STATUS = {"open": "NEEDS-ACTION", "done": "COMPLETED", "dropped": "CANCELLED"}


@dataclass(frozen=True)
class Person:
    name: str
    email: str | None = None


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    sequence: int
    starts_at: datetime  # aware
    ends_at: datetime  # aware
    zone: str  # IANA name the times are shown in
    title: str
    status: str  # planned | confirmed | cancelled
    last_modified: datetime
    description: str = ""
    location: str = ""
    geo: tuple[float, float] | None = None
    url: str | None = None
    categories: tuple[str, ...] = ()
    attendees: tuple[Person, ...] = field(default=())
    alarm_minutes: int | None = None  # a reminder that many minutes before the start
    conference_url: str | None = None  # an https link to join online
    conference_label: str = ""  # what a client's button for it says


@dataclass(frozen=True)
class CalendarTodo:
    """A to-do due on a day (a follow-up): no time, so no zone."""

    uid: str
    sequence: int
    due: date
    title: str
    status: str  # open | done | dropped
    last_modified: datetime
    description: str = ""
    url: str | None = None
    completed_at: datetime | None = None  # aware; for status done


@dataclass(frozen=True)
class CalendarInfo:
    name: str
    zone: str  # X-WR-TIMEZONE: the zone a client should show the calendar in
    organizer: Person
    refresh_minutes: int | None = None  # for subscription feeds
    color: str | None = None  # a CSS3 colour name (RFC 7986 COLOR), for feeds and files
    method: str | None = None  # REQUEST or CANCEL for iTIP e-mail; None for files and feeds


def build_calendar(
    info: CalendarInfo,
    events: Iterable[CalendarEvent],
    *,
    now: datetime,
    todos: Iterable[CalendarTodo] = (),
) -> bytes:
    """A whole VCALENDAR as bytes, CRLF line endings, folded at 75 octets.

    The bytes of icalendar's Calendar.to_ical() for the calendar with every event and to-do
    in it, built one component at a time: each event is serialised and dropped before the
    next, so a staff feed of thousands of stops holds their bytes, never their components
    all at once (a 9 MB feed peaked at 222 MB of Python objects as one Calendar). `events`
    is read once, and may be a generator."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if info.method:
        calendar.add("method", info.method)
    else:
        # A calendar's own name (RFC 7986) and the older X-WR-CALNAME; a meeting has none.
        calendar.add("name", info.name)
        calendar.add("x-wr-calname", info.name)
        if info.color:
            calendar.add("color", info.color)
    calendar.add("x-wr-timezone", info.zone)
    if info.refresh_minutes:
        refresh = timedelta(minutes=info.refresh_minutes)
        calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", icalendar.vDuration(refresh))
    head = calendar.to_ical()  # BEGIN:VCALENDAR, its properties, END:VCALENDAR
    assert head.endswith(_CALENDAR_END)
    components = io.BytesIO()  # each component's bytes, its buffers freed at once
    tzids: set[str] = set()
    first = last = None
    for event in events:
        vevent = _vevent(event, info, now)
        _collect_tzids(vevent, tzids)
        components.write(vevent.to_ical())
        first = event.starts_at if first is None else min(first, event.starts_at)
        last = event.ends_at if last is None else max(last, event.ends_at)
    for todo in todos:
        vtodo = _vtodo(todo, now)
        _collect_tzids(vtodo, tzids)
        components.write(vtodo.to_ical())
    timezones: list[bytes] = []
    if first is not None and last is not None:
        # A year either side, in whole years: enough for any client that expands the zone's
        # rules, and the same span for every calendar of those years, so that each zone's
        # VTIMEZONE is built once for all of them (vtimezone), not once per calendar.
        span = date(first.year - 1, 1, 1), date(last.year + 1, 12, 31)
        # In the order add_missing_timezones inserts them: its set's, before the events.
        itip = info.method is not None
        timezones = [
            zone for tzid in tzids - {"UTC"} if (zone := vtimezone(tzid, *span, itip=itip))
        ]
    with components.getbuffer() as body:
        return b"".join([head[: -len(_CALENDAR_END)], *timezones, body, _CALENDAR_END])


_CALENDAR_END = b"END:VCALENDAR\r\n"


def _collect_tzids(component: icalendar.cal.Component, tzids: set[str]) -> None:
    """The TZIDs the component's properties name, as Calendar.get_used_tzids finds them."""
    for values in component.values():
        for value in values if isinstance(values, list) else (values,):
            parameters = getattr(value, "params", None)
            if parameters is not None and (tzid := parameters.get("TZID")) is not None:
                tzids.add(tzid)


@functools.lru_cache(maxsize=256)
def vtimezone(zone: str, first: date, last: date, *, itip: bool = False) -> bytes:
    """The zone's VTIMEZONE over the dates, as bytes, built from zoneinfo once and then reused
    (b"" for a zone icalendar cannot describe: left out, as before). For iTIP, without the
    COMMENT icalendar adds (the span it covers), which libical's iTIP restrictions refuse.

    Built the way icalendar's add_missing_timezones builds it, so the output is the same;
    the transitions are the slow part of a feed (11 ms for Asia/Tehran, a whole build of a
    50-stop feed else).
    """
    try:
        timezone = icalendar.Timezone.from_tzid(zone, first_date=first, last_date=last)
    except ValueError:
        return b""
    if itip:
        timezone.pop("COMMENT", None)
    return timezone.to_ical()


def _vevent(event: CalendarEvent, info: CalendarInfo, now: datetime) -> icalendar.Event:
    zone = ZoneInfo(event.zone)
    vevent = icalendar.Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", now)
    vevent.add("sequence", event.sequence)
    vevent.add("dtstart", event.starts_at.astimezone(zone))
    vevent.add("dtend", event.ends_at.astimezone(zone))
    vevent.add("summary", event.title)
    if event.description:
        vevent.add("description", event.description)
    if event.location:
        vevent.add("location", event.location)
    if event.geo:
        vevent.add("geo", event.geo)
    if event.url:
        vevent.add("url", event.url)
    if event.categories:
        vevent.add("categories", list(event.categories))
    if event.conference_url:
        conference = icalendar.vUri(event.conference_url)
        conference.params["VALUE"] = "URI"
        conference.params["FEATURE"] = ["AUDIO", "VIDEO"]
        conference.params["LABEL"] = event.conference_label or event.conference_url
        vevent.add("conference", conference)
    vevent.add("status", EVENT_STATUS[event.status])
    vevent.add("last-modified", event.last_modified)
    vevent.add("transp", "TRANSPARENT" if event.status == "cancelled" else "OPAQUE")
    organizer = icalendar.vCalAddress(f"mailto:{info.organizer.email}")
    organizer.params["cn"] = icalendar.vText(info.organizer.name)
    vevent.add("organizer", organizer)
    for person in event.attendees:
        if not person.email:
            continue
        attendee = icalendar.vCalAddress(f"mailto:{person.email}")
        attendee.params["cn"] = icalendar.vText(person.name)
        attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = icalendar.vText("NEEDS-ACTION")
        # An invitation asks for an answer (read back by `flask mail fetch-replies`).
        rsvp = "FALSE" if event.status == "cancelled" else "TRUE"
        attendee.params["rsvp"] = icalendar.vText(rsvp)
        vevent.add("attendee", attendee)
    if event.alarm_minutes is not None and event.status != "cancelled":
        vevent.add_component(_valarm(event))
    return vevent


def _valarm(event: CalendarEvent) -> icalendar.Alarm:
    """A reminder shown `alarm_minutes` before the start (TRIGGER relative to DTSTART)."""
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", -timedelta(minutes=event.alarm_minutes or 0))
    alarm.add("description", event.title)
    return alarm


def _vtodo(todo: CalendarTodo, now: datetime) -> icalendar.Todo:
    vtodo = icalendar.Todo()
    vtodo.add("uid", todo.uid)
    vtodo.add("dtstamp", now)
    vtodo.add("sequence", todo.sequence)
    vtodo.add("due", todo.due)  # a DATE: due on the day, wherever the reader is
    vtodo.add("summary", todo.title)
    if todo.description:
        vtodo.add("description", todo.description)
    if todo.url:
        vtodo.add("url", todo.url)
    vtodo.add("status", TODO_STATUS[todo.status])
    if todo.status == "done" and todo.completed_at is not None:
        vtodo.add("completed", todo.completed_at.astimezone(UTC))
    vtodo.add("last-modified", todo.last_modified)
    return vtodo
