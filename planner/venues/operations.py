"""Venues: the queries their pages need; create, change, bin and restore; closed dates; drive times.

Each change takes the acting user, flushes and leaves the commit to the request.
"""

import logging
from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from planner.accounts.models import User
from planner.clock import utc_now
from planner.itinerary.checks import VenueInfo, distance_km
from planner.itinerary.models import Stop
from planner.names import name_key
from planner.venues.models import OpeningHours, TravelTime, Venue, VenueClosure, VenueKind
from planner.visits.models import Visit

log = logging.getLogger(__name__)

# {weekday (0 = Monday): [(opens, closes), ...]}; a weekday with no interval is closed.
WeeklyHours = dict[int, list[tuple[time, time]]]


def active_venues(session) -> list[Venue]:
    """Venues that can take new stops (not in the bin), by name."""
    return list(
        session.scalars(sa.select(Venue).where(Venue.deleted_at.is_(None)).order_by(Venue.name))
    )


def venues_query(
    *,
    search: str | None = None,
    kind: VenueKind | None = None,
    city: str | None = None,
    deleted: bool = False,
) -> sa.Select:
    """Venues by name, with their organization and hours; those in the bin when `deleted`.

    `search` looks in either name and the address. The list page and the API page through it.
    """
    query = (
        sa.select(Venue)
        .where(Venue.deleted_at.is_not(None) if deleted else Venue.deleted_at.is_(None))
        .options(selectinload(Venue.organization), selectinload(Venue.opening_hours))
        .order_by(Venue.name, Venue.id)
    )
    if search:
        query = query.where(
            sa.or_(
                Venue.name.icontains(search, autoescape=True),
                Venue.name_native.icontains(search, autoescape=True),
                Venue.address.icontains(search, autoescape=True),
            )
        )
    if kind is not None:
        query = query.where(Venue.kind == kind)
    if city:
        query = query.where(Venue.city == city)
    return query


# A new venue this close to one on file is likely the same place (issue 14).
SAME_PLACE_METRES = 200


def likely_same_venues(
    session,
    *names: str | None,
    latitude: float | None = None,
    longitude: float | None = None,
) -> list[Venue]:
    """Venues (not in the bin) named like one of `names` give or take case, spaces and
    punctuation, or within SAME_PLACE_METRES of the coordinates: likely duplicates."""
    keys = {name_key(name) for name in names} - {""}
    here = VenueInfo(0, "", "UTC", latitude, longitude)
    rows = session.execute(
        sa.select(Venue.id, Venue.name, Venue.name_native, Venue.latitude, Venue.longitude).where(
            Venue.deleted_at.is_(None)
        )
    ).all()
    ids = []
    for id_, name, name_native, venue_latitude, venue_longitude in rows:
        near = (
            None not in (latitude, longitude, venue_latitude, venue_longitude)
            and distance_km(here, VenueInfo(id_, name, "UTC", venue_latitude, venue_longitude))
            * 1000
            <= SAME_PLACE_METRES
        )
        if near or keys & {name_key(name), name_key(name_native)}:
            ids.append(id_)
    return list(session.scalars(sa.select(Venue).where(Venue.id.in_(ids)).order_by(Venue.name)))


def venue_cities(session) -> list[str]:
    """The cities that venues not in the bin are in, for the list's filter."""
    return list(
        session.scalars(
            sa.select(Venue.city)
            .where(Venue.deleted_at.is_(None), Venue.city.is_not(None))
            .distinct()
            .order_by(Venue.city)
        )
    )


def venue_for_page(session, venue_id: int) -> Venue | None:
    return session.scalar(
        sa.select(Venue)
        .where(Venue.id == venue_id)
        .options(
            selectinload(Venue.organization),
            selectinload(Venue.opening_hours),
            selectinload(Venue.closures),
        )
    )


def travel_times_from(session, venue: Venue) -> list[tuple[TravelTime, Venue]]:
    """The known drive times from a venue, each with the venue at the other end, nearest first."""
    rows = session.scalars(
        sa.select(TravelTime)
        .where(
            sa.or_(TravelTime.first_venue_id == venue.id, TravelTime.second_venue_id == venue.id)
        )
        .options(selectinload(TravelTime.first_venue), selectinload(TravelTime.second_venue))
        .order_by(TravelTime.minutes, TravelTime.id)
    )
    return [
        (row, row.second_venue if row.first_venue_id == venue.id else row.first_venue)
        for row in rows
    ]


def upcoming_stops_at(session, venue: Venue, now: datetime) -> list[Stop]:
    """Stops of live visits at this venue that have not yet ended."""
    return list(
        session.scalars(
            sa.select(Stop)
            .join(Stop.visit)
            .where(
                Stop.venue_id == venue.id,
                Stop.is_live,
                Visit.deleted_at.is_(None),
                Stop.ends_at >= now,
            )
            .options(selectinload(Stop.visit))
            .order_by(Stop.starts_at)
        )
    )


def weekly_hours(venue: Venue) -> WeeklyHours:
    """The venue's opening intervals by weekday; empty when it is open at all hours."""
    hours: WeeklyHours = {}
    for interval in venue.opening_hours:
        hours.setdefault(interval.weekday, []).append((interval.opens, interval.closes))
    return {weekday: sorted(intervals) for weekday, intervals in sorted(hours.items())}


def set_opening_hours(venue: Venue, hours: WeeklyHours | None) -> None:
    """Replace the venue's weekly hours; None (no rows at all) means open at all hours."""
    venue.opening_hours = [
        OpeningHours(weekday=weekday, opens=opens, closes=closes)
        for weekday, intervals in sorted((hours or {}).items())
        for opens, closes in intervals
    ]


def create_venue(session, *, acting: User, hours: WeeklyHours | None, **values) -> Venue:
    venue = Venue(**values)
    set_opening_hours(venue, hours)
    session.add(venue)
    session.flush()
    log.info("%s added venue %s (%s)", acting.email, venue.id, venue.name)
    return venue


def update_venue(
    session, venue: Venue, *, acting: User, hours: WeeklyHours | None, **values
) -> Venue:
    for name, value in values.items():
        setattr(venue, name, value)
    set_opening_hours(venue, hours)
    session.flush()
    log.info("%s changed venue %s", acting.email, venue.id)
    return venue


def delete_venue(session, venue: Venue, *, acting: User) -> None:
    """Move to the bin: past stops keep the venue, new stops cannot choose it."""
    venue.deleted_at = utc_now()
    session.flush()
    log.info("%s moved venue %s to the bin", acting.email, venue.id)


def restore_venue(session, venue: Venue, *, acting: User) -> None:
    venue.deleted_at = None
    session.flush()
    log.info("%s restored venue %s", acting.email, venue.id)


def add_closure(
    session, venue: Venue, *, acting: User, day: date, reason: str | None = None
) -> VenueClosure:
    if error := venue.closure_error(day):
        raise ValueError(str(error))
    closure = VenueClosure(day=day, reason=reason)
    venue.closures.append(closure)
    session.flush()
    log.info("%s closed venue %s on %s", acting.email, venue.id, day)
    return closure


def remove_closure(session, closure: VenueClosure, *, acting: User) -> None:
    closure.venue.closures.remove(closure)
    session.flush()
    log.info("%s reopened venue %s on %s", acting.email, closure.venue_id, closure.day)


def set_travel_time(
    session, venue: Venue, other: Venue, *, acting: User, minutes: int, note: str | None = None
) -> TravelTime:
    """Record the drive time between two venues (either way), replacing a known one."""
    if error := TravelTime.venues_error(venue.id, other.id):
        raise ValueError(str(error))
    first, second = sorted((venue.id, other.id))
    travel_time = session.scalar(
        sa.select(TravelTime).where(
            TravelTime.first_venue_id == first, TravelTime.second_venue_id == second
        )
    )
    if travel_time is None:
        travel_time = TravelTime.between(venue.id, other.id, minutes, note)
        session.add(travel_time)
    else:
        travel_time.minutes, travel_time.note = minutes, note
    session.flush()
    log.info("%s set %s min between venues %s and %s", acting.email, minutes, first, second)
    return travel_time


def remove_travel_time(session, travel_time: TravelTime, *, acting: User) -> None:
    session.delete(travel_time)
    session.flush()
    log.info(
        "%s removed the drive time between venues %s and %s",
        acting.email,
        travel_time.first_venue_id,
        travel_time.second_venue_id,
    )
