"""Build the checker's plain Plan from a visit in the database, and run the checks."""

from collections import defaultdict
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from planner.itinerary.checks import (
    AttendeeInfo,
    Plan,
    StopInfo,
    TravelSettings,
    VenueInfo,
    check_plan,
)
from planner.itinerary.findings import Finding
from planner.itinerary.models import Stop
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
    )


def stop_info(stop: Stop) -> StopInfo:
    return StopInfo(
        id=stop.id,
        visit_id=stop.visit_id,
        title=stop.title,
        kind=stop.kind.value,
        starts_at=stop.starts_at,
        ends_at=stop.ends_at,
        venue_id=stop.venue_id,
        attendees=tuple(attendee_info(p) for p in stop.attendees),
    )


def _stops_query():
    return sa.select(Stop).options(
        selectinload(Stop.attendees).selectinload(Participant.person),
        selectinload(Stop.venue).selectinload(Venue.opening_hours),
        selectinload(Stop.venue).selectinload(Venue.closures),
    )


def build_plan(session, visit: Visit) -> Plan:
    """The visit's active stops, plus the other visits' active stops in the same period."""
    stops = session.scalars(_stops_query().where(Stop.visit_id == visit.id, Stop.is_active)).all()
    # Other visits during the visit's days (a day's margin for zones and overnight stops).
    start, _ = local_day_bounds(visit.start_date - timedelta(days=1), visit.timezone)
    _, end = local_day_bounds(visit.end_date + timedelta(days=1), visit.timezone)
    others = session.scalars(
        _stops_query()
        .join(Visit, Visit.id == Stop.visit_id)
        .where(
            Stop.visit_id != visit.id,
            Stop.is_active,
            Visit.deleted_at.is_(None),
            Stop.starts_at < end,
            Stop.ends_at > start,
        )
    ).all()
    venues = {stop.venue.id: venue_info(stop.venue) for stop in stops if stop.venue is not None}
    return Plan(
        visit_id=visit.id,
        timezone=visit.timezone,
        start_date=visit.start_date,
        end_date=visit.end_date,
        stops=tuple(stop_info(stop) for stop in stops),
        venues=venues,
        other_stops=tuple(stop_info(stop) for stop in others),
    )


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


def check_visit(session, visit: Visit, config) -> list[Finding]:
    plan = build_plan(session, visit)
    return check_plan(plan, travel_settings(session, config, plan.venues))


def findings_by_stop(findings: list[Finding]) -> dict[int, list[Finding]]:
    by_stop = defaultdict(list)
    for finding in findings:
        for stop_id in finding.stop_ids:
            by_stop[stop_id].append(finding)
    return dict(by_stop)
