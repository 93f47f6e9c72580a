"""Changing a visit's itinerary: create, edit, bin and restore, duplicate, shift, set attendees.

Each operation takes the acting user, changes models and flushes; the request commits.
"""

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from planner.accounts.models import User
from planner.calendars.models import Departure
from planner.clock import utc_now
from planner.itinerary.models import Stop, StopStatus, new_calendar_uid
from planner.timefmt import to_local
from planner.visits.models import Participant, Side, Visit

# What a planner sees of a stop when two edits collide, in the order of the form.
COMPARED_FIELDS = (
    "kind",
    "title",
    "starts_at",
    "ends_at",
    "venue_id",
    "attendee_ids",
    "public_description",
    "online_url",
    "staff_notes",
    "status",
)

ATTENDEE_PRESETS = ("delegation", "hosts", "everyone")


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: object
    after: object


class StaleEdit(Exception):
    """The stop changed since the planner opened it; carries what the other person changed."""

    def __init__(self, stop: Stop, changes: list[FieldChange]):
        super().__init__(f"stop {stop.id} changed since it was opened")
        self.stop = stop
        self.changes = changes


def snapshot(stop: Stop, **edits) -> dict:
    """The stop's editable values as plain JSON-ready data, to compare two versions.

    `edits` (any of stop_values' arguments) replace the stop's own values: the stop as an
    edit of only some fields would leave it.
    """
    values = {
        "kind": stop.kind,
        "title": stop.title,
        "starts_at": stop.starts_at,
        "ends_at": stop.ends_at,
        "venue_id": stop.venue_id,
        "attendee_ids": [p.id for p in stop.attendees],
        "public_description": stop.public_description,
        "online_url": stop.online_url,
        "staff_notes": stop.staff_notes,
        "status": stop.status,
    }
    return stop_values(**{**values, **edits})


def stop_values(
    *,
    kind,
    title,
    starts_at,
    ends_at,
    venue_id,
    attendee_ids,
    public_description,
    staff_notes,
    status,
    online_url=None,
) -> dict:
    """One comparable form for a stop's values, from the database or from a form."""
    return {
        "kind": str(kind) if kind else None,
        "title": title or "",
        "starts_at": starts_at.isoformat() if starts_at else None,
        "ends_at": ends_at.isoformat() if ends_at else None,
        "venue_id": venue_id,
        "attendee_ids": sorted(attendee_ids),
        "public_description": public_description or "",
        "online_url": online_url or "",
        "staff_notes": staff_notes or "",
        "status": str(status) if status else None,
    }


def changes_between(before: dict, after: dict) -> list[FieldChange]:
    return [
        FieldChange(name, before.get(name), after.get(name))
        for name in COMPARED_FIELDS
        if before.get(name) != after.get(name)
    ]


def create_stop(session, visit: Visit, *, acting: User, attendees=(), **values) -> Stop:
    stop = Stop(visit=visit, updated_by=acting, attendees=list(attendees), **values)
    session.add(stop)
    session.flush()
    return stop


def update_stop(
    session,
    stop: Stop,
    *,
    acting: User,
    expected_version: int | None,  # None, from a form that lost it: never the current one
    seen: dict | None = None,
    attendees=None,
    **values,
) -> Stop:
    """Save a planner's edit, unless someone else saved the stop since they opened it.

    `seen` is the snapshot the planner's form was built from: comparing it with the
    stop as it is now tells them what the other person changed.
    """
    if stop.version != expected_version:
        raise StaleEdit(stop, changes_between(seen or {}, snapshot(stop)) if seen else [])
    starts_at, ends_at = (
        values.pop("starts_at", stop.starts_at),
        values.pop("ends_at", stop.ends_at),
    )
    stop.reschedule(starts_at, ends_at)
    for name, value in values.items():
        setattr(stop, name, value)
    if attendees is not None:
        record_departures(session, stop, stop.attendees, attendees)
        stop.attendees = list(attendees)
    stop.updated_by = acting
    try:
        session.flush()
    except StaleDataError as error:
        # Another save slipped in between our read and our write.
        session.rollback()
        fresh = session.get(Stop, stop.id)
        raise StaleEdit(fresh, changes_between(seen or {}, snapshot(fresh))) from error
    return stop


def record_departures(session, stop: Stop, before, after) -> None:
    """Remember who left the stop, so their calendar feed can cancel it; forget who came back."""
    left = {p.id for p in before} - {p.id for p in after}
    back = {p.id for p in after} - {p.id for p in before}
    known = {
        d.participant_id: d
        for d in session.scalars(sa.select(Departure).where(Departure.stop_id == stop.id))
    }
    for participant_id in left:
        if participant_id in known:
            known[participant_id].removed_at = utc_now()
        else:
            session.add(Departure(stop_id=stop.id, participant_id=participant_id))
    for participant_id in back & set(known):
        session.delete(known[participant_id])


def delete_stop(session, stop: Stop, *, acting: User) -> None:
    stop.deleted_at = utc_now()
    stop.updated_by = acting
    session.flush()


def restore_stop(session, stop: Stop, *, acting: User) -> None:
    stop.deleted_at = None
    stop.updated_by = acting
    session.flush()


def duplicate_stop(session, stop: Stop, *, acting: User) -> Stop:
    """A copy right after the original, same length, same people, its own calendar identity."""
    length = stop.ends_at - stop.starts_at
    attendees = list(stop.attendees)  # load before the copy joins the visit's stops
    copy = Stop(
        visit=stop.visit,
        kind=stop.kind,
        title=stop.title,
        starts_at=stop.ends_at,
        ends_at=stop.ends_at + length,
        venue=stop.venue,
        public_description=stop.public_description,
        online_url=stop.online_url,
        staff_notes=stop.staff_notes,
        status=StopStatus.PLANNED,
        calendar_uid=new_calendar_uid(),
        updated_by=acting,
        attendees=attendees,
    )
    session.add(copy)
    session.flush()
    return copy


def later_stops_of_the_day(stop: Stop) -> list[Stop]:
    """The stop and every later stop that starts on the same local day of the visit."""
    zone = stop.visit.timezone
    day = to_local(stop.starts_at, zone).date()
    return [
        other
        for other in stop.visit.stops
        if other.is_active
        and other.starts_at >= stop.starts_at
        and to_local(other.starts_at, zone).date() == day
    ]


SHIFT_LIMIT_MINUTES = 720  # half a day either way: more is a new programme, not a delay


def shift_error(minutes: int | None):
    """How far the rest of a day may be moved at once, or None when `minutes` is fine."""
    if minutes is not None and not -SHIFT_LIMIT_MINUTES <= minutes <= SHIFT_LIMIT_MINUTES:
        return _l("Between -720 and 720 minutes.")
    return None


def shift_from(session, stop: Stop, minutes: int, *, acting: User) -> list[Stop]:
    """Move a stop and the rest of its day by `minutes` (negative: earlier), keeping lengths."""
    delta = timedelta(minutes=minutes)
    moved = later_stops_of_the_day(stop)
    for other in moved:
        other.reschedule(other.starts_at + delta, other.ends_at + delta)
        other.updated_by = acting
    session.flush()
    return moved


def preset_attendees(visit: Visit, preset: str) -> list[Participant]:
    """The participants a preset stands for: all delegation, all hosts, or everyone."""
    if preset == "delegation":
        return visit.participants_on(Side.DELEGATION)
    if preset == "hosts":
        return visit.participants_on(Side.HOST)
    if preset == "everyone":
        return list(visit.participants)
    raise ValueError(f"unknown attendee preset {preset!r}")
