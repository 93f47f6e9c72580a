"""A visit of a delegation, and who takes part in it on which side."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from planner.clock import utc_now
from planner.extensions import Model
from planner.organizations.models import Organization
from planner.people.models import Person
from planner.types import Choice, UTCDateTime, enum_type

if TYPE_CHECKING:  # itinerary's models import these: a stop belongs to a visit
    from planner.itinerary.models import Stop


class VisitStatus(Choice):
    DRAFT = "draft", _l("Draft")
    PROPOSED = "proposed", _l("Proposed")
    CONFIRMED = "confirmed", _l("Confirmed")
    UNDER_WAY = "under_way", _l("Under way")
    COMPLETED = "completed", _l("Completed")
    CANCELLED = "cancelled", _l("Cancelled")


class Side(Choice):
    DELEGATION = "delegation", _l("Delegation")
    HOST = "host", _l("Host")
    SUPPORT = "support", _l("Support")


class Period(Choice):
    """Which visits a list shows by their dates: still to end, already over, or all."""

    UPCOMING = "upcoming", _l("Current and upcoming")
    PAST = "past", _l("Past")


class ParticipantRole(Choice):
    HEAD_OF_DELEGATION = "head_of_delegation", _l("Head of delegation")
    DELEGATE = "delegate", _l("Delegate")
    HOST = "host", _l("Host representative")
    OFFICIAL = "official", _l("Official")
    INTERPRETER = "interpreter", _l("Interpreter")
    DRIVER = "driver", _l("Driver")
    LIAISON = "liaison", _l("Liaison officer")
    SECURITY = "security", _l("Security")
    PRESS = "press", _l("Press")
    PHOTOGRAPHER = "photographer", _l("Photographer")
    OTHER = "other", _l("Other")


# Reminders (VALARMs in participants' calendars and letters), per role group: the crew
# (drivers, escorts, interpreters and the support side) must be there before the guests.
CREW_ROLES = frozenset(
    {
        ParticipantRole.DRIVER,
        ParticipantRole.LIAISON,
        ParticipantRole.SECURITY,
        ParticipantRole.INTERPRETER,
    }
)
GUEST_REMINDER_MINUTES = 30
CREW_REMINDER_MINUTES = 60
MAX_REMINDER_MINUTES = 1440  # a day before; None is no reminder


class Visit(Model):
    __tablename__ = "visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    visiting_country: Mapped[str] = mapped_column(sa.String(2), doc="ISO 3166-1 alpha-2")
    visiting_organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    host_organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    host_region: Mapped[str | None] = mapped_column(sa.String(120))
    host_city: Mapped[str | None] = mapped_column(sa.String(120))
    start_date: Mapped[date] = mapped_column(sa.Date)
    end_date: Mapped[date] = mapped_column(sa.Date)
    timezone: Mapped[str] = mapped_column(sa.String(64), doc="The host's IANA time zone.")
    delegation_timezone: Mapped[str | None] = mapped_column(
        sa.String(64), doc="The delegation's home IANA time zone, shown beside host times."
    )
    status: Mapped[VisitStatus] = mapped_column(
        enum_type(VisitStatus, "visit_status"), default=VisitStatus.DRAFT
    )
    purpose: Mapped[str | None] = mapped_column(sa.Text)
    notes: Mapped[str | None] = mapped_column(sa.Text, doc="Staff only.")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, onupdate=utc_now)
    deleted_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, doc="Set when moved to the bin; cleared by restore."
    )
    reminder_guest_minutes: Mapped[int | None] = mapped_column(
        sa.Integer,
        doc="Minutes before each stop that guests and hosts are reminded; None for none.",
    )
    reminder_crew_minutes: Mapped[int | None] = mapped_column(
        sa.Integer,
        doc="Minutes before each stop that drivers, escorts and interpreters are reminded.",
    )
    copied_from_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("visits.id", ondelete="SET NULL"),
        doc="The visit this one was copied from, e.g. the visit a return visit answers.",
    )

    visiting_organization: Mapped[Organization | None] = relationship(
        foreign_keys=[visiting_organization_id]
    )
    host_organization: Mapped[Organization | None] = relationship(
        foreign_keys=[host_organization_id]
    )
    copied_from: Mapped["Visit | None"] = relationship(remote_side=[id])
    participants: Mapped[list["Participant"]] = relationship(
        back_populates="visit",
        cascade="all, delete-orphan",
        order_by="(Participant.side, Participant.precedence, Participant.id)",
    )
    # Every stop, including those in the bin; `live_stops` is what the programme shows,
    # `active_stops` what takes place (see Stop.is_live and Stop.is_active).
    stops: Mapped[list["Stop"]] = relationship(
        back_populates="visit", cascade="all, delete-orphan", order_by="Stop.starts_at"
    )

    __table_args__ = (
        sa.CheckConstraint("end_date >= start_date", name="ends_after_starts"),
        sa.CheckConstraint(
            f"reminder_guest_minutes BETWEEN 0 AND {MAX_REMINDER_MINUTES}",
            name="reminder_guest_minutes_range",
        ),
        sa.CheckConstraint(
            f"reminder_crew_minutes BETWEEN 0 AND {MAX_REMINDER_MINUTES}",
            name="reminder_crew_minutes_range",
        ),
    )

    def reminder_minutes(self, participant: "Participant") -> int | None:
        """How long before each stop the participant's calendar reminds them; None: never."""
        if participant.side == Side.SUPPORT or participant.role in CREW_ROLES:
            return self.reminder_crew_minutes
        return self.reminder_guest_minutes

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def live_stops(self) -> list["Stop"]:
        return [stop for stop in self.stops if stop.is_live]

    @property
    def active_stops(self) -> list["Stop"]:
        return [stop for stop in self.stops if stop.is_active]

    @property
    def duration_days(self) -> int:
        return (self.end_date - self.start_date).days + 1

    @property
    def host_country(self) -> str | None:
        """The host's country (ISO 3166-1 alpha-2), as its organization gives it, if known."""
        return self.host_organization.country if self.host_organization else None

    @property
    def holiday_countries(self) -> tuple[str, ...]:
        """Whose public holidays the visit minds: the host country's, then the delegation's
        (planner/visit_days.py visit_holidays; the checker's Plan takes the same two)."""
        return tuple(dict.fromkeys(filter(None, (self.host_country, self.visiting_country))))

    def participants_on(self, side: Side) -> list["Participant"]:
        return [p for p in self.participants if p.side == side]

    @property
    def next_precedence(self) -> int:
        """The precedence of someone added after everyone already in the visit."""
        return max((p.precedence for p in self.participants), default=0) + 1

    @property
    def head_of_delegation(self) -> "Participant | None":
        return next(
            (p for p in self.participants if p.role == ParticipantRole.HEAD_OF_DELEGATION), None
        )

    def __repr__(self) -> str:
        return f"<Visit {self.title}>"


@sa.event.listens_for(Visit, "init")
def _reminder_defaults(_visit: Visit, _args, kwargs) -> None:
    """A new visit reminds as the office usually does unless told otherwise. Not a column
    default: the ORM would put it in place of an explicit None, which means no reminder."""
    kwargs.setdefault("reminder_guest_minutes", GUEST_REMINDER_MINUTES)
    kwargs.setdefault("reminder_crew_minutes", CREW_REMINDER_MINUTES)


class Participant(Model):
    """A person in one visit: their side, role and order of precedence."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("visits.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("people.id", ondelete="RESTRICT"), index=True
    )
    side: Mapped[Side] = mapped_column(enum_type(Side, "participant_side"))
    role: Mapped[ParticipantRole] = mapped_column(enum_type(ParticipantRole, "participant_role"))
    precedence: Mapped[int] = mapped_column(
        sa.Integer, default=100, doc="Order of precedence within the side; 1 comes first."
    )
    interpreting_languages: Mapped[list[str]] = mapped_column(
        sa.JSON, default=list, doc="For interpreters: the ISO 639-1 codes they cover."
    )
    # The feed token is derived from this (planner/calendars/tokens.py): raising it revokes
    # every link handed out so far; a disabled feed answers 404 until it is reissued.
    feed_generation: Mapped[int] = mapped_column(sa.Integer, default=1, server_default="1")
    feed_enabled: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    visit: Mapped[Visit] = relationship(back_populates="participants")
    person: Mapped[Person] = relationship(lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint("visit_id", "person_id", name="uq_participants_visit_person"),
        sa.CheckConstraint("precedence > 0", name="precedence_positive"),
    )

    @property
    def is_interpreter(self) -> bool:
        return self.role == ParticipantRole.INTERPRETER

    def __repr__(self) -> str:
        return f"<Participant {self.person_id} in visit {self.visit_id}>"


def visits_query(
    today: date,
    status: VisitStatus | None = None,
    *,
    period: Period | None = None,
    country: str | None = None,
    search: str = "",
) -> sa.Select:
    """Visits for the visit list: upcoming and current first (soonest first), then past ones.

    `search` is found anywhere in the title, whatever its case or script."""
    query = sa.select(Visit).options(
        selectinload(Visit.visiting_organization), selectinload(Visit.host_organization)
    )
    return _listed(query, today, status, period=period, country=country, search=search)


class VisitRow(Protocol):
    """A visit as the visit list shows it: a row of `visit_list_rows`, not a model."""

    id: int
    title: str
    visiting_country: str
    organization_name: str | None
    organization_name_native: str | None
    host_city: str | None
    host_region: str | None
    start_date: date
    end_date: date
    status: VisitStatus


def visit_list_rows(
    today: date,
    status: VisitStatus | None = None,
    *,
    period: Period | None = None,
    country: str | None = None,
    search: str = "",
) -> sa.Select:
    """`visits_query`'s visits, in its order, as plain rows of what the list shows (the
    visiting organization's name looked up): a page of fifty models and their organizations
    cost more to build than the page took to write."""
    # The name as a subquery of each row, not a join: the database then looks it up for the
    # page's rows only, not for every visit it sorts, and counts the visits without it.
    organization_name = (
        sa.select(Organization.name)
        .where(Organization.id == Visit.visiting_organization_id)
        .scalar_subquery()
        .label("organization_name")
    )
    organization_name_native = (
        sa.select(Organization.name_native)
        .where(Organization.id == Visit.visiting_organization_id)
        .scalar_subquery()
        .label("organization_name_native")
    )
    query = sa.select(
        Visit.id,
        Visit.title,
        Visit.visiting_country,
        organization_name,
        organization_name_native,
        Visit.host_city,
        Visit.host_region,
        Visit.start_date,
        Visit.end_date,
        Visit.status,
    )
    return _listed(query, today, status, period=period, country=country, search=search)


def _listed(
    query: sa.Select,
    today: date,
    status: VisitStatus | None,
    *,
    period: Period | None,
    country: str | None,
    search: str,
) -> sa.Select:
    """The visit list's filters and order on a query of visits."""
    query = query.where(Visit.deleted_at.is_(None))
    if status is not None:
        query = query.where(Visit.status == status)
    if period == Period.UPCOMING:
        query = query.where(Visit.end_date >= today)
    elif period == Period.PAST:
        query = query.where(Visit.end_date < today)
    if country:
        query = query.where(Visit.visiting_country == country)
    if search:
        query = query.where(Visit.title.icontains(search, autoescape=True))
    upcoming_first = sa.case((Visit.end_date >= today, 0), else_=1)
    # Upcoming: soonest first. Past: most recent first.
    return query.order_by(
        upcoming_first,
        sa.case((Visit.end_date >= today, Visit.start_date)),
        Visit.start_date.desc(),
        Visit.id,
    )


def visits_for_list(session, today: date, status: VisitStatus | None = None) -> list[Visit]:
    """Every visit of `visits_query`, in its order."""
    return list(session.scalars(visits_query(today, status)))


def visiting_countries(session) -> list[str]:
    """The countries live visits came from, for the list's filter."""
    return list(
        session.scalars(
            sa.select(Visit.visiting_country)
            .where(Visit.deleted_at.is_(None))
            .distinct()
            .order_by(Visit.visiting_country)
        )
    )


def live_visit(session, visit_id: int) -> Visit | None:
    """A visit that is not in the bin (a binned visit is reached only from the bin)."""
    return unless_binned(session.get(Visit, visit_id))


def unless_binned(visit: Visit | None) -> Visit | None:
    """The visit, or None when there is none or it is in the bin."""
    return None if visit is None or visit.is_deleted else visit
