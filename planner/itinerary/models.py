"""Stops: the items of a visit's itinerary, stored in UTC, with a stable calendar identity."""

import uuid
from collections import defaultdict
from datetime import date, datetime, timedelta
from functools import cache

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from planner.accounts.models import User
from planner.clock import utc_now
from planner.extensions import Model, db
from planner.itinerary.kinds import StopKind
from planner.people.models import Person
from planner.types import Choice, UTCDateTime, enum_type
from planner.venues.models import Venue
from planner.visits.models import Participant, Visit


class StopStatus(Choice):
    PLANNED = "planned", _l("Planned")
    CONFIRMED = "confirmed", _l("Confirmed")
    CANCELLED = "cancelled", _l("Cancelled")


# Which participants attend which stop: always a subset of the visit's participants.
stop_attendees = sa.Table(
    "stop_attendees",
    db.metadata,
    sa.Column("stop_id", sa.ForeignKey("stops.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "participant_id",
        sa.ForeignKey("participants.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


def new_calendar_uid() -> str:
    return f"{uuid.uuid4()}@pishvaz"


class EndBeforeStart(ValueError):
    """A stop must end after it starts; the database holds the same rule as a CHECK."""


class Stop(Model):
    __tablename__ = "stops"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(
        sa.ForeignKey("visits.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[StopKind] = mapped_column(enum_type(StopKind, "stop_kind"))
    title: Mapped[str] = mapped_column(sa.String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    venue_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("venues.id", ondelete="RESTRICT"), index=True
    )
    public_description: Mapped[str | None] = mapped_column(sa.Text)
    staff_notes: Mapped[str | None] = mapped_column(sa.Text, doc="Never leaves the staff pages.")
    online_url: Mapped[str | None] = mapped_column(
        sa.String(500), doc="An https link to join online; calendars carry it as a CONFERENCE."
    )
    status: Mapped[StopStatus] = mapped_column(
        enum_type(StopStatus, "stop_status"), default=StopStatus.PLANNED
    )
    # Calendar identity: the UID never changes; SEQUENCE rises with every change
    # of time, place or status so that calendar clients replace the old copy.
    calendar_uid: Mapped[str] = mapped_column(sa.String(120), unique=True, default=new_calendar_uid)
    sequence: Mapped[int] = mapped_column(sa.Integer, default=0)
    # Optimistic locking: a save based on an older version is refused.
    version: Mapped[int] = mapped_column(sa.Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, onupdate=utc_now)
    deleted_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, doc="Set when moved to the bin; cleared by restore."
    )
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    visit: Mapped[Visit] = relationship(back_populates="stops")
    venue: Mapped[Venue | None] = relationship()
    updated_by: Mapped[User | None] = relationship()
    attendees: Mapped[list[Participant]] = relationship(
        secondary=stop_attendees, order_by=(Participant.side, Participant.precedence)
    )
    replies: Mapped[list["StopReply"]] = relationship(
        back_populates="stop", cascade="all, delete-orphan", passive_deletes=True
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_starts"),
        sa.CheckConstraint("sequence >= 0", name="sequence_not_negative"),
        # A venue's stops by time, both times in the index: the checker finds the stops of
        # other visits that overlap a stop at the same venue without reading the others.
        sa.Index("ix_stops_venue_id_ends_at_starts_at", "venue_id", "ends_at", "starts_at"),
    )

    @staticmethod
    def times_error(starts_at: datetime | None, ends_at: datetime | None) -> str | None:
        """The one rule on a stop's times, worded for the person who entered them."""
        if starts_at is None or ends_at is None:
            return None
        if ends_at <= starts_at:
            return _l("A stop must end after it starts.")
        return None

    @staticmethod
    def end_day_error(day: date | None, end_day: date | None) -> str | None:
        """A stop may run past midnight, but not beyond the next day (local dates)."""
        if day is None or end_day is None:
            return None
        if not day <= end_day <= day + timedelta(days=1):
            return _l("A stop can end on its day or the next day.")
        return None

    @staticmethod
    def venue_error(venue_id: int | None, venue: Venue | None) -> str | None:
        """A stop's venue must exist and not be in the bin; `venue` is the one found for the id."""
        if not venue_id:
            return None
        if venue is None:
            return _l("This venue does not exist or was deleted; choose another.")
        if venue.deleted_at is not None:
            return _l(
                "%(venue)s was deleted; choose another venue or restore it.", venue=venue.name
            )
        return None

    def reschedule(self, starts_at: datetime, ends_at: datetime) -> None:
        """Set both times at once, so that a move never passes through an invalid state."""
        if error := self.times_error(starts_at, ends_at):
            raise EndBeforeStart(str(error))
        self.starts_at, self.ends_at = starts_at, ends_at

    @property
    def is_cancelled(self) -> bool:
        return self.status == StopStatus.CANCELLED

    # Live: not in the bin, so on the programme (cancelled ones shown struck through).
    # Active: live and not cancelled, so it takes place: what the checker checks and what
    # invitations list. One name each, in Python and in queries.
    @hybrid_property
    def is_live(self) -> bool:
        return self.deleted_at is None

    @is_live.inplace.expression
    @classmethod
    def _is_live_expression(cls):
        return cls.deleted_at.is_(None)

    @hybrid_property
    def is_active(self) -> bool:
        return self.deleted_at is None and self.status != StopStatus.CANCELLED

    @is_active.inplace.expression
    @classmethod
    def _is_active_expression(cls):
        return sa.and_(cls.deleted_at.is_(None), cls.status != StopStatus.CANCELLED)

    @property
    def timezone(self) -> str:
        """The zone the stop is shown in: its venue's, else the visit's."""
        return self.venue.timezone if self.venue is not None else self.visit.timezone

    def __repr__(self) -> str:
        return f"<Stop {self.title} {self.starts_at:%Y-%m-%d %H:%M}Z>"


class ReplyStatus(Choice):
    # The iTIP PARTSTAT values (RFC 5545 3.2.12) a participant answers with.
    ACCEPTED = "ACCEPTED", _l("Accepted")
    DECLINED = "DECLINED", _l("Declined")
    TENTATIVE = "TENTATIVE", _l("Tentative")


class ReplyChannel(Choice):
    LINK = "link", _l("By link")
    EMAIL = "email", _l("By e-mail")


class StopReply(Model):
    """A participant's answer to their invitation to a stop: the latest one counts."""

    __tablename__ = "stop_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    stop_id: Mapped[int] = mapped_column(sa.ForeignKey("stops.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[ReplyStatus] = mapped_column(enum_type(ReplyStatus, "reply_status"))
    replied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    channel: Mapped[ReplyChannel] = mapped_column(enum_type(ReplyChannel, "reply_channel"))

    stop: Mapped[Stop] = relationship(back_populates="replies")
    participant: Mapped[Participant] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("stop_id", "participant_id", name="uq_stop_replies_pair"),
    )


# A change to any of these makes calendar clients replace their copy of the event.
CALENDAR_FIELDS = ("starts_at", "ends_at", "venue_id", "status", "deleted_at")


@sa.event.listens_for(Stop, "before_insert")
def _check_new_stop(_mapper, _connection, stop: Stop) -> None:
    if error := Stop.times_error(stop.starts_at, stop.ends_at):
        raise EndBeforeStart(str(error))


@sa.event.listens_for(Stop, "before_update")
def _check_changed_stop(_mapper, _connection, stop: Stop) -> None:
    if error := Stop.times_error(stop.starts_at, stop.ends_at):
        raise EndBeforeStart(str(error))
    state = sa.inspect(stop)
    # Attendees too: whoever left gets a CANCEL that must outrank their last invitation.
    changed = [*CALENDAR_FIELDS, "attendees"]
    if any(state.attrs[name].history.has_changes() for name in changed):
        stop.sequence = (stop.sequence or 0) + 1


def _programme_options():
    """What a visit's page, its timeline and its checks read, in a fixed number of queries
    whatever the visit's size: participants with their person and organization; stops with
    their venue (its organization, for its country, opening hours and closures for the
    checker). Attendees: _attach_attendees."""
    return (
        selectinload(Visit.participants)
        .selectinload(Participant.person)
        .selectinload(Person.organization),
        selectinload(Visit.stops).options(
            selectinload(Stop.replies),
            selectinload(Stop.venue).options(
                joinedload(Venue.organization),
                selectinload(Venue.opening_hours),
                selectinload(Venue.closures),
            ),
        ),
    )


def _load_programme(session, visit_id: int) -> Visit | None:
    query = sa.select(Visit).where(Visit.id == visit_id).options(*_programme_options())
    visit = session.scalars(query).first()
    if visit is not None:
        _attach_attendees(session, visit)
    return visit


def _attach_attendees(session, visit: Visit) -> None:
    """Each stop's attendees, from the participants already loaded: one query of ids, in the
    relationship's order. Loading them as rows again would read and decode every attendee's
    participant and person once per stop they attend."""
    participants = {participant.id: participant for participant in visit.participants}
    attending: dict[int, list[int]] = defaultdict(list)
    rows = session.execute(
        sa.select(stop_attendees.c.stop_id, stop_attendees.c.participant_id)
        .join(Participant, Participant.id == stop_attendees.c.participant_id)
        .join(Stop, Stop.id == stop_attendees.c.stop_id)
        .where(Stop.visit_id == visit.id)
        .order_by(stop_attendees.c.stop_id, Participant.side, Participant.precedence)
    )
    for stop_id, participant_id in rows:
        attending[stop_id].append(participant_id)
    for stop in visit.stops:
        ids = attending.get(stop.id, [])
        if all(participant_id in participants for participant_id in ids):
            set_committed_value(stop, "attendees", [participants[i] for i in ids])
        # else someone of another visit attends (never by the operations): left to load lazily


def visit_with_programme(session, visit_id: int) -> Visit | None:
    """A visit with participants, stops, venues and attendees loaded for its page."""
    return _load_programme(session, visit_id)


@cache
def _with_organizations() -> sa.Select:
    """Built once, at first use (not at import: its options would configure the mappers
    before every model is known); the visit's page asks it on every request."""
    return (
        sa.select(Visit)
        .where(Visit.id == sa.bindparam("visit_id", type_=sa.Integer))
        .options(joinedload(Visit.visiting_organization), joinedload(Visit.host_organization))
    )


def visit_with_organizations(session, visit_id: int) -> Visit | None:
    """A visit with its visiting and host organizations, in one query: what its page shows
    outside the parts it keeps (planner/programmes/kept.py)."""
    return session.scalars(_with_organizations(), {"visit_id": visit_id}).first()


def with_programme(session, visit: Visit) -> Visit:
    """The visit, its programme loaded as visit_with_programme loads it unless it already is."""
    if "stops" in sa.inspect(visit).unloaded:
        _load_programme(session, visit.id)
    return visit


class VisitFindings(Model):
    """The checker's findings for a visit, kept while what it checked stays the same.

    `key` is a fingerprint of everything the checker read (snapshot.plan_key): the visit's
    stops, people and venues, and the other visits' stops that share them. A page that finds
    the same key shows these findings without checking again."""

    __tablename__ = "visit_findings"

    visit_id: Mapped[int] = mapped_column(
        sa.ForeignKey("visits.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(sa.String(64))
    findings: Mapped[list] = mapped_column(sa.JSON, doc="findings.finding_to_json, in order.")
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
