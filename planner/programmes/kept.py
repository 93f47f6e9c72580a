"""A visit page's programme and participants, and its timeline, rendered once per version
of all they show.

The programme (templates/itinerary/_programme.html: days, stops, attendees, venues and the
checker's findings) is most of a visit's page and costs most of its time; the table of
participants (templates/visits/_participants.html) most of the rest; the timeline
(templates/programmes/_timeline_body.html) shows the same. They are kept in a
bounded in-process store (calendars/rendered.py's, by bytes), under a key that names every
version of what they show, read in one indexed query of calendar_versions
(calendars/versions.py raises them in the same transaction as every change):
- the visit's own version: the visit, its stops and their attendees, their venues;
- each of its participants' versions, and which participants there are: a person's name,
  position or languages, a participant's role;
- the office's version: any stop or visit anywhere, so another visit's stop that now
  shares a person or a venue, and so a finding, is seen;
- the visit pages' own version, raised here for what they show or check and no calendar
  does: venues' opening hours and closures, the known drive times between venues, and
  organizations (a participant's, in the table);
and, from the page, what the reader changes: their language, whether they may edit, the
office's day, the settings the checker reads, the address the site is served under.

As with the calendars, nothing is ever invalidated, only forgotten: a change gives a new
key. Nothing of the request itself (a CSRF token, a flash, the reader's name) is kept.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from itertools import chain

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import Session

from planner.calendars.models import CalendarVersion
from planner.calendars.rendered import RenderedCalendars
from planner.calendars.versions import OFFICE, OFFICE_ID, PARTICIPANT, VISIT, bump
from planner.itinerary.snapshot import FINDINGS_FORMAT
from planner.organizations.models import Organization
from planner.venues.models import OpeningHours, TravelTime, Venue, VenueClosure
from planner.visits.models import Participant

PAGES, PAGES_ID = "visit_pages", 0  # the one row of what only the visit pages show

# Part of every key: raise it when what a kept page holds changes form.
KEPT_FORMAT = 2  # 2: the answers to invitations in a stop's details

# Enough entries for the bytes to be the bound (a large programme is a few hundred KB).
MAX_ENTRIES = 4096


def kept_pages(max_bytes: int) -> RenderedCalendars:
    return RenderedCalendars(max_entries=MAX_ENTRIES, max_bytes=max_bytes)


# What the checker reads from the settings, part of every key.
CHECKER_SETTINGS = ("TRAVEL_ROAD_FACTOR", "TRAVEL_AVERAGE_SPEED_KMH", "TRAVEL_BUFFER_MINUTES")


def reader(page: str, *, language: str, can_edit: bool, today: date, script_root: str, config):
    """What of the reader and the request a kept page depends on, as plain values: which
    page, their language and role, the office's day, the site's address, the settings."""
    settings = tuple(str(config[name]) for name in CHECKER_SETTINGS)
    return (page, language, can_edit, today.isoformat(), script_root, FINDINGS_FORMAT, settings)


@dataclass(frozen=True)
class KeptPage:
    """The kept parts of a visit's page, and the instant its first stop starts (the one
    its zones' offsets are given for)."""

    programme: Markup
    participants: Markup
    reference_instant: datetime | None

    def to_bytes(self) -> bytes:
        instant = self.reference_instant.isoformat() if self.reference_instant else ""
        return f"{instant}\n{len(self.programme)}\n{self.programme}{self.participants}".encode()

    @classmethod
    def from_bytes(cls, body: bytes) -> "KeptPage":
        return _read(body)


# The pages read last, decoded: a repeat request gets the store's same bytes object (its
# hash kept, equal by identity), and decoding half a megabyte cost ~0.5 ms of every request.
# Few: each holds its text beside the store's bytes.
DECODED = 4


@lru_cache(maxsize=DECODED)
def _read(body: bytes) -> KeptPage:
    instant, length, html = body.decode().split("\n", 2)
    return KeptPage(
        programme=Markup(html[: int(length)]),  # noqa: S704 - what to_bytes wrote
        participants=Markup(html[int(length) :]),  # noqa: S704
        reference_instant=datetime.fromisoformat(instant) if instant else None,
    )


def _versions_query() -> sa.CompoundSelect:
    """(kind, id, version) of the visit (:visit_id), each of its participants (version None
    for one whose calendar never changed: its being there still counts), the office and the
    visit pages. Rows missing are at version 0."""
    version = CalendarVersion
    visit_id = sa.bindparam("visit_id", type_=sa.Integer)
    participants = (
        sa.select(sa.literal(PARTICIPANT), Participant.id, version.version)
        .select_from(Participant)
        .outerjoin(
            version,
            sa.and_(version.owner_kind == PARTICIPANT, version.owner_id == Participant.id),
        )
        .where(Participant.visit_id == visit_id)
    )
    owners = ((VISIT, visit_id), (OFFICE, OFFICE_ID), (PAGES, PAGES_ID))
    shared = sa.select(version.owner_kind, version.owner_id, version.version).where(
        sa.or_(*(sa.and_(version.owner_kind == k, version.owner_id == i) for k, i in owners))
    )
    return sa.union_all(participants, shared)


# Built once: a statement kept keeps its cache key, which SQLAlchemy would otherwise work
# out again on every request, at more cost than the query.
VERSIONS_QUERY = _versions_query()


def page_key(session, visit_id: int, reader: tuple) -> str:
    """The key of the visit's kept page as `reader` (plain values: language, role, day,
    settings) sees it, from one query."""
    rows = sorted(
        (str(kind), owner_id, version)
        for kind, owner_id, version in session.execute(VERSIONS_QUERY, {"visit_id": visit_id})
    )
    return hashlib.sha256(repr((KEPT_FORMAT, visit_id, rows, reader)).encode()).hexdigest()


def _pages_changed(session: Session) -> bool:
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, OpeningHours | VenueClosure | TravelTime | Organization):
            return True
        if isinstance(obj, Venue):
            attrs = sa.inspect(obj).attrs
            if attrs.opening_hours.history.has_changes() or attrs.closures.history.has_changes():
                return True
    return False


@sa.event.listens_for(Session, "after_flush")
def _raise_pages_version(session: Session, _flush_context) -> None:
    # In the flush's transaction, like the calendar versions: never ahead of what is saved.
    if _pages_changed(session):
        bump(session.connection(), [(PAGES, PAGES_ID)])
