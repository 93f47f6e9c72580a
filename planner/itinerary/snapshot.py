"""Build the checker's plain Plan from a visit in the database, and run the checks.

The findings are kept (VisitFindings) under a fingerprint of the plan they were checked on:
a page that finds the plan unchanged shows them without checking again, and any change the
checker could see (a stop, an attendee, a venue's hours, a person's languages, another
visit's stop that shares a person or a venue) gives a new fingerprint and a new check.
"""

import bisect
import hashlib
import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from planner.clock import utc_now
from planner.database import wrote
from planner.itinerary.checks import (
    AttendeeInfo,
    Plan,
    StopInfo,
    TravelSettings,
    VenueInfo,
    check_plan,
)
from planner.itinerary.findings import Finding, finding_from_json, finding_to_json
from planner.itinerary.models import (
    ReplyStatus,
    Stop,
    VisitFindings,
    stop_attendees,
    with_programme,
)
from planner.timefmt import local_day_bounds
from planner.venues.models import TravelTime, Venue
from planner.visits.models import Participant, Visit


def venue_info(venue: Venue) -> VenueInfo:
    hours = defaultdict(list)
    for interval in venue.opening_hours:
        hours[interval.weekday].append((interval.opens, interval.closes))
    return VenueInfo(
        id=venue.id,
        name=venue.name,
        timezone=venue.timezone,
        latitude=venue.latitude,
        longitude=venue.longitude,
        opening_hours=dict(hours),
        closed_dates=frozenset(closure.day for closure in venue.closures),
        country=venue.organization.country if venue.organization else None,
        persian_name=venue.persian_name,
    )


def attendee_info(participant: Participant) -> AttendeeInfo:
    person = participant.person
    return AttendeeInfo(
        person_id=person.id,
        name=person.display_name,
        side=participant.side.value,
        role=participant.role.value,
        languages=frozenset(person.languages or ()),
        interpreting=frozenset(participant.interpreting_languages or ()),
        persian_name=person.persian_name,
    )


def stop_info(stop: Stop, attendees: dict[int, AttendeeInfo] | None = None) -> StopInfo:
    """The stop as the checker sees it; `attendees` keeps one AttendeeInfo per participant
    for all the stops of a plan."""
    known = {} if attendees is None else attendees
    for participant in stop.attendees:
        if participant.id not in known:
            known[participant.id] = attendee_info(participant)
    return StopInfo(
        id=stop.id,
        visit_id=stop.visit_id,
        title=stop.title,
        kind=stop.kind.value,
        starts_at=stop.starts_at,
        ends_at=stop.ends_at,
        venue_id=stop.venue_id,
        attendees=tuple(known[p.id] for p in stop.attendees),
        declined=frozenset(
            known[reply.participant_id].person_id
            for reply in stop.replies
            if reply.status == ReplyStatus.DECLINED and reply.participant_id in known
        ),
    )


def build_plan(session, visit: Visit) -> Plan:
    """The visit's active stops, as loaded with its programme (with_programme), plus the
    stops of other visits that share its people or venues in the same period."""
    stops = with_programme(session, visit).active_stops
    attendees: dict[int, AttendeeInfo] = {}
    own = tuple(stop_info(stop, attendees) for stop in stops)
    venues = {stop.venue.id: venue_info(stop.venue) for stop in stops if stop.venue is not None}
    return Plan(
        visit_id=visit.id,
        timezone=visit.timezone,
        start_date=visit.start_date,
        end_date=visit.end_date,
        stops=own,
        venues=venues,
        other_stops=clashing_stops(session, visit, own),
        host_country=visit.host_country,
        visiting_country=visit.visiting_country,
    )


def clashing_stops(session, visit: Visit, stops: tuple[StopInfo, ...]) -> tuple[StopInfo, ...]:
    """Other visits' active stops that overlap in time one of `stops` (this visit's active
    stops) at the same venue or with one of the same people, in one query of plain columns
    (one row per stop and shared person). Each keeps only the attendees it shares with
    `stops`, as this visit knows them: the checker compares other visits' stops only by who
    and where.

    The database compares venues' times itself, through an index of each venue's stops by
    time; for people it returns the stops of this visit's people in its period, and their
    times are compared here, person by person, as comparing every pair in SQL costs more."""
    if not stops:
        return ()
    busy = _busy_times(stops)
    # The visit's days with a day's margin either side (zones, overnight stops).
    start, _ = local_day_bounds(visit.start_date - timedelta(days=1), visit.timezone)
    _, end = local_day_bounds(visit.end_date + timedelta(days=1), visit.timezone)
    theirs, mine = aliased(Stop, name="theirs"), aliased(Stop, name="mine")
    their_attendee, my_attendee = aliased(Participant), aliased(Participant)
    columns = (
        theirs.id,
        theirs.visit_id,
        theirs.title,
        theirs.kind,
        theirs.starts_at,
        theirs.ends_at,
        theirs.venue_id,
    )
    taking_place = (
        theirs.visit_id != visit.id,
        theirs.is_active,
        Visit.deleted_at.is_(None),
        theirs.starts_at < end,
        theirs.ends_at > start,
    )
    same_venue = (
        sa.select(*columns, sa.cast(sa.null(), sa.Integer).label("person_id"))
        .select_from(mine)
        .join(theirs, theirs.venue_id == mine.venue_id)
        .join(Visit, Visit.id == theirs.visit_id)
        .where(
            mine.visit_id == visit.id,
            mine.is_active,
            theirs.ends_at > mine.starts_at,
            theirs.starts_at < mine.ends_at,
            *taking_place,
        )
    )
    same_person = (
        sa.select(*columns, their_attendee.person_id)
        .select_from(my_attendee)
        .join(
            their_attendee,
            sa.and_(
                their_attendee.person_id == my_attendee.person_id,
                their_attendee.visit_id != my_attendee.visit_id,
            ),
        )
        .join(stop_attendees, stop_attendees.c.participant_id == their_attendee.id)
        .join(theirs, theirs.id == stop_attendees.c.stop_id)
        .join(Visit, Visit.id == theirs.visit_id)
        .where(my_attendee.visit_id == visit.id, *taking_place)
    )
    clashing = sa.union(same_venue, same_person).subquery()
    rows = session.execute(
        sa.select(clashing).order_by(clashing.c.starts_at, clashing.c.id, clashing.c.person_id)
    )
    found: dict[int, tuple] = {}
    people: dict[int, list[AttendeeInfo]] = defaultdict(list)
    for stop_id, visit_id, title, kind, starts_at, ends_at, venue_id, person_id in rows:
        if person_id is not None:
            if person_id not in busy or not _overlaps(busy[person_id], starts_at, ends_at):
                continue  # shares a person, but not their time
            people[stop_id].append(busy[person_id].attendee)
        found.setdefault(stop_id, (visit_id, title, kind, starts_at, ends_at, venue_id))
    return tuple(
        StopInfo(
            id=stop_id,
            visit_id=visit_id,
            title=title,
            kind=kind.value,
            starts_at=starts_at,
            ends_at=ends_at,
            venue_id=venue_id,
            attendees=tuple(people[stop_id]),
        )
        for stop_id, (visit_id, title, kind, starts_at, ends_at, venue_id) in found.items()
    )


@dataclass(frozen=True)
class _Busy:
    """When one person of this visit is at its stops: starts in order, and the latest end
    among the stops up to each one."""

    attendee: AttendeeInfo
    starts: list[datetime]
    latest_ends: list[datetime]


def _busy_times(stops: tuple[StopInfo, ...]) -> dict[int, _Busy]:
    times: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    attendees: dict[int, AttendeeInfo] = {}
    for stop in stops:
        for attendee in stop.attendees:
            times[attendee.person_id].append((stop.starts_at, stop.ends_at))
            attendees.setdefault(attendee.person_id, attendee)
    busy = {}
    for person_id, spans in times.items():
        spans.sort()
        latest = list(itertools.accumulate((end for _, end in spans), max))
        busy[person_id] = _Busy(attendees[person_id], [start for start, _ in spans], latest)
    return busy


def _overlaps(busy: _Busy, starts_at: datetime, ends_at: datetime) -> bool:
    """Whether one of the person's stops overlaps starts_at-ends_at (touching ends do not)."""
    before_end = bisect.bisect_left(busy.starts, ends_at)  # the stops that start before it ends
    return before_end > 0 and busy.latest_ends[before_end - 1] > starts_at


def travel_settings(session, config, venue_ids) -> TravelSettings:
    """Travel settings from the app configuration, with the known drive times between venues."""
    ids = list(venue_ids)
    known = session.scalars(
        sa.select(TravelTime).where(
            TravelTime.first_venue_id.in_(ids), TravelTime.second_venue_id.in_(ids)
        )
    ).all()
    return TravelSettings(
        road_factor=float(config["TRAVEL_ROAD_FACTOR"]),
        average_speed_kmh=float(config["TRAVEL_AVERAGE_SPEED_KMH"]),
        buffer_minutes=float(config["TRAVEL_BUFFER_MINUTES"]),
        overrides={(t.first_venue_id, t.second_venue_id): t.minutes for t in known},
    )


# Part of every key: raise it when the checker or its findings' form changes, so that
# findings kept by the previous code are checked again.
FINDINGS_FORMAT = 4  # 3: names in the Persian script for Persian readers; 4: declines


def plan_key(plan: Plan, settings: TravelSettings) -> str:
    """A fingerprint of everything the checker reads, the same in every process (no set's
    iteration order in it): equal keys, equal findings."""
    people: dict[int, tuple] = {}
    stops = []
    for stop in (*plan.stops, *plan.other_stops):
        for a in stop.attendees:
            people[a.person_id] = (
                a.name,
                a.persian_name,
                a.side,
                a.role,
                sorted(a.languages),
                sorted(a.interpreting),
            )
        stops.append(
            (
                stop.id,
                stop.visit_id,
                stop.title,
                stop.kind,
                stop.starts_at.isoformat(),
                stop.ends_at.isoformat(),
                stop.venue_id,
                [a.person_id for a in stop.attendees],
                sorted(stop.declined),
            )
        )
    venues = [
        (
            venue.id,
            venue.name,
            venue.persian_name,
            venue.timezone,
            venue.latitude,
            venue.longitude,
            sorted(
                (day, [(o.isoformat(), c.isoformat()) for o, c in hours])
                for day, hours in venue.opening_hours.items()
            ),
            sorted(day.isoformat() for day in venue.closed_dates),
            venue.country,
        )
        for venue in sorted(plan.venues.values(), key=lambda v: v.id)
    ]
    checked = (
        FINDINGS_FORMAT,
        (plan.visit_id, plan.timezone, plan.start_date.isoformat(), plan.end_date.isoformat()),
        (plan.host_country, plan.visiting_country),
        stops,
        sorted(people.items()),
        venues,
        (settings.road_factor, settings.average_speed_kmh, settings.buffer_minutes),
        sorted(settings.overrides.items()),
    )
    return hashlib.sha256(repr(checked).encode()).hexdigest()


def check_visit(session, visit: Visit, config) -> list[Finding]:
    """The visit's findings: kept ones while the plan is unchanged, else checked and kept."""
    plan = build_plan(session, visit)
    settings = travel_settings(session, config, plan.venues)
    key = plan_key(plan, settings)
    kept = session.get(VisitFindings, visit.id)
    if kept is not None and kept.key == key:
        return [finding_from_json(data) for data in kept.findings]
    findings = check_plan(plan, settings)
    keep_findings(session, visit.id, key, findings)
    if kept is not None:
        session.expire(kept)
    return findings


def keep_findings(session, visit_id: int, key: str, findings: list[Finding]) -> None:
    """Store a visit's findings under `key`, in one statement: two requests that check the
    same visit at once both succeed, and the row holds one of their (equal) answers."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(VisitFindings).values(
        visit_id=visit_id,
        key=key,
        findings=[finding_to_json(finding) for finding in findings],
        computed_at=utc_now(),
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[VisitFindings.visit_id],
            set_={name: statement.excluded[name] for name in ("key", "findings", "computed_at")},
        )
    )
    # Kept for the next page, and for the dashboard's list of open findings: a page that
    # only reads (a GET) commits this too, where it would roll back a request that wrote nothing.
    wrote(session)


class AboutStops(Protocol):
    @property
    def stop_ids(self) -> tuple[int, ...]: ...


Shown = TypeVar("Shown", bound=AboutStops)


def findings_by_stop(findings: Iterable[Shown]) -> dict[int, list[Shown]]:
    """Each stop's findings (or what a page made of them), for the cards that flag a stop."""
    by_stop = defaultdict(list)
    for finding in findings:
        for stop_id in finding.stop_ids:
            by_stop[stop_id].append(finding)
    return dict(by_stop)
