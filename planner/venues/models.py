"""Venues with their location, time zone, opening hours and closed dates."""

from datetime import date, datetime, time
from itertools import pairwise

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.extensions import Model
from planner.names import NamedInTwoScripts
from planner.organizations.models import Organization
from planner.types import Choice, UTCDateTime, enum_type

# The longest drive time anyone may enter between two venues: a day.
LONGEST_DRIVE_MINUTES = 24 * 60

Interval = tuple[time, time]


class VenueKind(Choice):
    OFFICE = "office", _l("Office")
    FACTORY = "factory", _l("Factory")
    CULTURAL_SITE = "cultural_site", _l("Cultural site")
    HOTEL = "hotel", _l("Hotel")
    RESTAURANT = "restaurant", _l("Restaurant")
    AIRPORT = "airport", _l("Airport")
    CONFERENCE_HALL = "conference_hall", _l("Conference hall")
    OTHER = "other", _l("Other")


class Venue(NamedInTwoScripts, Model):
    __tablename__ = "venues"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    name_native: Mapped[str | None] = mapped_column(sa.String(200))
    kind: Mapped[VenueKind] = mapped_column(enum_type(VenueKind, "venue_kind"))
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    address: Mapped[str | None] = mapped_column(sa.Text)
    city: Mapped[str | None] = mapped_column(sa.String(120))
    latitude: Mapped[float | None] = mapped_column(sa.Float)
    longitude: Mapped[float | None] = mapped_column(sa.Float)
    timezone: Mapped[str] = mapped_column(sa.String(64), doc="IANA time zone name")
    capacity: Mapped[int | None] = mapped_column(sa.Integer)
    access_notes: Mapped[str | None] = mapped_column(sa.Text)
    deleted_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, doc="A deleted venue keeps its past stops but takes no new ones."
    )

    organization: Mapped[Organization | None] = relationship()
    opening_hours: Mapped[list["OpeningHours"]] = relationship(
        back_populates="venue",
        cascade="all, delete-orphan",
        order_by="(OpeningHours.weekday, OpeningHours.opens)",
    )
    closures: Mapped[list["VenueClosure"]] = relationship(
        back_populates="venue", cascade="all, delete-orphan", order_by="VenueClosure.day"
    )

    __table_args__ = (
        sa.CheckConstraint("latitude BETWEEN -90 AND 90", name="latitude_range"),
        sa.CheckConstraint("longitude BETWEEN -180 AND 180", name="longitude_range"),
        sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
    )

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def coordinates(self) -> tuple[float, float] | None:
        """(latitude, longitude), or None unless both are known."""
        if self.latitude is None or self.longitude is None:
            return None
        return (self.latitude, self.longitude)

    @property
    def always_open(self) -> bool:
        """A venue with no weekly hours at all is open at all hours (hotels, airports)."""
        return not self.opening_hours

    def closure_error(self, day: date | None):
        """A date is marked as closed once (the database holds it as a UNIQUE constraint)."""
        if day is not None and any(closure.day == day for closure in self.closures):
            return _l("This date is already marked as closed.")
        return None

    def __repr__(self) -> str:
        return f"<Venue {self.name}>"


def coordinates_error(latitude: float | None, longitude: float | None):
    """A venue is on the map with both coordinates, or not at all."""
    if (latitude is None) != (longitude is None):
        return _l("Give both the latitude and the longitude, or neither.")
    return None


def always_open_error(always_open: bool, has_hours: bool):
    """A venue keeps weekly opening hours or is open at all hours: exactly one of the two."""
    if always_open and has_hours:
        return _l("Untick this, or clear the opening times below: it cannot be both.")
    if not always_open and not has_hours:
        return _l("Closed every day? Tick this if the venue has no fixed opening hours.")
    return None


def opening_times_error(opens: time | None, closes: time | None):
    """The rule on one opening interval (the database holds its second half as a CHECK)."""
    if (opens is None) != (closes is None):
        return _l("Enter both the opening and the closing time.")
    if opens is not None and closes is not None and closes <= opens:
        return _l(
            "It must close after it opens. For hours past midnight, "
            "close at 23:59 and open the next day at 00:00."
        )
    return None


def overlap_error(intervals: list[Interval]):
    """One weekday's opening intervals may not overlap."""
    if any(later[0] < earlier[1] for earlier, later in pairwise(sorted(intervals))):
        return _l("The two opening times overlap.")
    return None


class OpeningHours(Model):
    """One opening interval on one weekday (0 = Monday), in the venue's local time.

    A weekday may have several intervals (a midday break); a weekday with none is closed.
    """

    __tablename__ = "venue_opening_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(
        sa.ForeignKey("venues.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int] = mapped_column(sa.SmallInteger)
    opens: Mapped[time] = mapped_column(sa.Time)
    closes: Mapped[time] = mapped_column(sa.Time)

    venue: Mapped[Venue] = relationship(back_populates="opening_hours")

    __table_args__ = (
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        sa.CheckConstraint("closes > opens", name="closes_after_opens"),
    )


class VenueClosure(Model):
    """A date on which the venue is closed whatever its weekly hours say."""

    __tablename__ = "venue_closures"

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(
        sa.ForeignKey("venues.id", ondelete="CASCADE"), index=True
    )
    day: Mapped[date] = mapped_column(sa.Date)
    reason: Mapped[str | None] = mapped_column(sa.String(200))

    venue: Mapped[Venue] = relationship(back_populates="closures")

    __table_args__ = (sa.UniqueConstraint("venue_id", "day", name="uq_venue_closures_day"),)


class TravelTime(Model):
    """A known driving time between two venues, in either direction; beats the estimate."""

    __tablename__ = "venue_travel_times"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored once per pair, with the smaller venue id first.
    first_venue_id: Mapped[int] = mapped_column(
        sa.ForeignKey("venues.id", ondelete="CASCADE"), index=True
    )
    second_venue_id: Mapped[int] = mapped_column(
        sa.ForeignKey("venues.id", ondelete="CASCADE"), index=True
    )
    minutes: Mapped[int] = mapped_column(sa.Integer)
    note: Mapped[str | None] = mapped_column(sa.String(200))

    first_venue: Mapped[Venue] = relationship(foreign_keys=[first_venue_id])
    second_venue: Mapped[Venue] = relationship(foreign_keys=[second_venue_id])

    __table_args__ = (
        sa.UniqueConstraint("first_venue_id", "second_venue_id", name="uq_venue_travel_times_pair"),
        sa.CheckConstraint("first_venue_id < second_venue_id", name="ordered_pair"),
        sa.CheckConstraint("minutes > 0", name="minutes_positive"),
    )

    @staticmethod
    def venues_error(venue_id: int, other_venue_id: int):
        """A drive time links two different venues (the database holds it as a CHECK)."""
        if venue_id == other_venue_id:
            return _l("A drive time links two different venues: choose another one.")
        return None

    @classmethod
    def between(cls, a: int, b: int, minutes: int, note: str | None = None) -> "TravelTime":
        first, second = sorted((a, b))
        return cls(first_venue_id=first, second_venue_id=second, minutes=minutes, note=note)
