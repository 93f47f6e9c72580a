"""A visit page's programme, rendered once per version of everything it shows and kept.

The programme (templates/itinerary/_programme.html: days, stops, attendees, venues and the
checker's findings) is most of a visit's page and costs most of its time. It is kept in a
bounded in-process store (calendars/rendered.py's, by bytes), under a key that names every
version of what it shows, read in one indexed query of calendar_versions
(calendars/versions.py raises them in the same transaction as every change):
- the visit's own version: the visit, its stops and their attendees, their venues;
- each of its participants' versions, and which participants there are: a person's name
  or languages, a participant's role;
- the office's version: any stop or visit anywhere, so another visit's stop that now
  shares a person or a venue, and so a finding, is seen;
- the checker's version, raised here for what the checker reads and no calendar shows:
  venues' opening hours and closures, and the known drive times between venues;
and, from the page, what the reader changes: their language, whether they may edit, the
office's day, the settings the checker reads, the address the site is served under.

As with the calendars, nothing is ever invalidated, only forgotten: a change gives a new
key. Nothing of the request itself (a CSRF token, a flash, the reader's name) is kept.
"""

import hashlib
from itertools import chain

import sqlalchemy as sa
from sqlalchemy.orm import Session

from planner.calendars.models import CalendarVersion
from planner.calendars.rendered import RenderedCalendars
from planner.calendars.versions import OFFICE, OFFICE_ID, PARTICIPANT, VISIT, bump
from planner.venues.models import OpeningHours, TravelTime, Venue, VenueClosure
from planner.visits.models import Participant

CHECKER, CHECKER_ID = "checker", 0  # the one row of the checker's own inputs

# Part of every key: raise it when what a kept programme holds changes form.
KEPT_FORMAT = 1

# Enough entries for the bytes to be the bound (a large programme is a few hundred KB).
MAX_ENTRIES = 4096


def kept_programmes(max_bytes: int) -> RenderedCalendars:
    return RenderedCalendars(max_entries=MAX_ENTRIES, max_bytes=max_bytes)


def versions_query(visit_id: int) -> sa.CompoundSelect:
    """(kind, id, version) of the visit, each of its participants (version None for one
    whose calendar never changed: its being there still counts), the office and the
    checker. Rows missing are at version 0."""
    version = CalendarVersion
    participants = (
        sa.select(sa.literal(PARTICIPANT), Participant.id, version.version)
        .select_from(Participant)
        .outerjoin(
            version,
            sa.and_(version.owner_kind == PARTICIPANT, version.owner_id == Participant.id),
        )
        .where(Participant.visit_id == visit_id)
    )
    shared = sa.select(version.owner_kind, version.owner_id, version.version).where(
        sa.or_(
            *(
                sa.and_(version.owner_kind == kind, version.owner_id == owner_id)
                for kind, owner_id in (
                    (VISIT, visit_id),
                    (OFFICE, OFFICE_ID),
                    (CHECKER, CHECKER_ID),
                )
            )
        )
    )
    return sa.union_all(participants, shared)


def programme_key(session: Session, visit_id: int, reader: tuple) -> str:
    """The key of the visit's programme as `reader` (plain values: language, role, day,
    settings) sees it, from one query."""
    rows = sorted(
        (str(kind), owner_id, version)
        for kind, owner_id, version in session.execute(versions_query(visit_id))
    )
    return hashlib.sha256(repr((KEPT_FORMAT, visit_id, rows, reader)).encode()).hexdigest()


def _checker_inputs_changed(session: Session) -> bool:
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, OpeningHours | VenueClosure | TravelTime):
            return True
        if isinstance(obj, Venue):
            attrs = sa.inspect(obj).attrs
            if attrs.opening_hours.history.has_changes() or attrs.closures.history.has_changes():
                return True
    return False


@sa.event.listens_for(Session, "after_flush")
def _raise_checker_version(session: Session, _flush_context) -> None:
    # In the flush's transaction, like the calendar versions: never ahead of what is saved.
    if _checker_inputs_changed(session):
        bump(session.connection(), [(CHECKER, CHECKER_ID)])
