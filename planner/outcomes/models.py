"""What a visit produced (outcomes, with their documents) and who follows up on what, by when."""

import re
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from babel.numbers import list_currencies
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.accounts.models import User
from planner.clock import utc_now
from planner.extensions import Model
from planner.itinerary.models import Stop, new_calendar_uid
from planner.organizations.models import Organization
from planner.partnerships.models import Partnership
from planner.types import Choice, UTCDateTime, enum_type
from planner.visits.models import Visit


class OutcomeKind(Choice):
    AGREEMENT = "agreement", _l("Agreement or memorandum signed")
    EXPORT_LEAD = "export_lead", _l("Export lead")
    IMPORT_NEED = "import_need", _l("Import need")
    INVESTMENT_INTEREST = "investment_interest", _l("Investment or technology interest")
    SISTER_CITY_STEP = "sister_city_step", _l("Sister-city step")
    CULTURAL_EVENT = "cultural_event", _l("Cultural event")
    OTHER = "other", _l("Other")


class OutcomeStatus(Choice):
    PROPOSED = "proposed", _l("Proposed")
    AGREED = "agreed", _l("Agreed")
    IN_PROGRESS = "in_progress", _l("In progress")
    ACHIEVED = "achieved", _l("Achieved")
    LAPSED = "lapsed", _l("Lapsed")


# ISO 4217 codes as CLDR knows them (babel's list, which keeps some retired codes too).
CURRENCY_CODES = frozenset(list_currencies())
# Numeric(18, 2): sixteen digits before the point.
LARGEST_VALUE = Decimal("9999999999999999.99")
HS_CODE = re.compile(r"\d{2,}(?:\.\d+)*")
HS_CODE_LENGTH = 12

# The rules on an outcome's trade figures, each said once: the form and the API call these.
# Each returns the message to show, or None when the value is fine.


def hs_code_error(code: str | None):
    """A Harmonized System code: 2 to 10 digits, dots allowed between them (1902.19)."""
    if not code:
        return None
    digits = code.replace(".", "")
    if not HS_CODE.fullmatch(code) or not 2 <= len(digits) <= 10 or len(code) > HS_CODE_LENGTH:
        return _l("An HS code has 2 to 10 digits, dots allowed between them: e.g. 1902 or 1902.19.")
    return None


def estimated_value_error(value: Decimal | None):
    """Zero or more, fitting Numeric(18, 2), to the cent (the database CHECKs value >= 0)."""
    if value is None:
        return None
    if not value.is_finite() or not 0 <= value <= LARGEST_VALUE:
        return _l("Enter a value of zero or more, below ten million billion.")
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # the letters are for infinities and NaN, refused above
    if exponent < -2:
        return _l("Give the value to the cent at most, e.g. 450000.50.")
    return None


def currency_error(currency: str | None, estimated_value: Decimal | None):
    """An ISO 4217 code; required with a value (the database CHECKs that too)."""
    if not currency:
        if estimated_value is not None:
            return _l("Give the currency of the estimated value, e.g. USD.")
        return None
    if currency not in CURRENCY_CODES:
        return _l(
            "%(code)s is not an ISO 4217 currency code. For example USD, EUR, KZT or IRR.",
            code=currency,
        )
    return None


class Outcome(Model):
    __tablename__ = "outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(
        sa.ForeignKey("visits.id", ondelete="CASCADE"), index=True
    )
    stop_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("stops.id", ondelete="SET NULL"), doc="The stop where it arose."
    )
    partnership_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("partnerships.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[OutcomeKind] = mapped_column(enum_type(OutcomeKind, "outcome_kind"))
    summary: Mapped[str] = mapped_column(sa.Text)
    our_organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL")
    )
    partner_organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL")
    )
    # Trade outcomes: what, under which Harmonized System code, worth how much.
    product: Mapped[str | None] = mapped_column(sa.String(200))
    hs_code: Mapped[str | None] = mapped_column(sa.String(12))
    estimated_value: Mapped[Decimal | None] = mapped_column(sa.Numeric(18, 2))
    currency: Mapped[str | None] = mapped_column(sa.String(3), doc="ISO 4217, e.g. USD")
    day: Mapped[date] = mapped_column(sa.Date)
    status: Mapped[OutcomeStatus] = mapped_column(
        enum_type(OutcomeStatus, "outcome_status"), default=OutcomeStatus.PROPOSED
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    visit: Mapped[Visit] = relationship()
    stop: Mapped[Stop | None] = relationship()
    partnership: Mapped[Partnership | None] = relationship()
    our_organization: Mapped[Organization | None] = relationship(foreign_keys=[our_organization_id])
    partner_organization: Mapped[Organization | None] = relationship(
        foreign_keys=[partner_organization_id]
    )
    documents: Mapped[list["OutcomeDocument"]] = relationship(
        back_populates="outcome", cascade="all, delete-orphan", order_by="OutcomeDocument.id"
    )
    follow_ups: Mapped[list["FollowUp"]] = relationship(
        back_populates="outcome", order_by="FollowUp.due_date"
    )

    __table_args__ = (
        sa.CheckConstraint(
            "estimated_value IS NULL OR estimated_value >= 0", name="value_positive"
        ),
        sa.CheckConstraint(
            "estimated_value IS NULL OR currency IS NOT NULL", name="value_has_currency"
        ),
    )


class OutcomeDocument(Model):
    """A file attached to an outcome (a signed memorandum): its bytes are under
    instance/documents/, or in document_blobs (DOCUMENTS_STORAGE)."""

    __tablename__ = "outcome_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = mapped_column(
        sa.ForeignKey("outcomes.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(sa.String(255), doc="The name it was uploaded with.")
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column(sa.Integer)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    outcome: Mapped[Outcome] = relationship(back_populates="documents")


class DocumentBlob(Model):
    """A document's bytes, kept in the database when DOCUMENTS_STORAGE is "database": then
    every web server of the office reads the same documents, and a database backup holds them."""

    __tablename__ = "document_blobs"

    document_id: Mapped[int] = mapped_column(
        sa.ForeignKey("outcome_documents.id", ondelete="CASCADE"), primary_key=True
    )
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)


class FollowUpStatus(Choice):
    OPEN = "open", _l("Open")
    DONE = "done", _l("Done")
    DROPPED = "dropped", _l("Dropped")


class FollowUp(Model):
    """A promise a staff member made, with a due date; tied to an outcome, visit or partnership."""

    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    owner_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True
    )
    due_date: Mapped[date] = mapped_column(sa.Date, index=True)
    status: Mapped[FollowUpStatus] = mapped_column(
        enum_type(FollowUpStatus, "follow_up_status"), default=FollowUpStatus.OPEN
    )
    notes: Mapped[str | None] = mapped_column(sa.Text)
    outcome_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("outcomes.id", ondelete="SET NULL"), index=True
    )
    visit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("visits.id", ondelete="SET NULL"), index=True
    )
    partnership_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("partnerships.id", ondelete="SET NULL"), index=True
    )
    # Calendar identity for the owner's staff feed (a VTODO).
    calendar_uid: Mapped[str] = mapped_column(sa.String(120), unique=True, default=new_calendar_uid)
    sequence: Mapped[int] = mapped_column(sa.Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, onupdate=utc_now)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    owner: Mapped[User] = relationship()
    outcome: Mapped[Outcome | None] = relationship(back_populates="follow_ups")
    visit: Mapped[Visit | None] = relationship()
    partnership: Mapped[Partnership | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint(
            "outcome_id IS NOT NULL OR visit_id IS NOT NULL OR partnership_id IS NOT NULL",
            name="tied_to_something",
        ),
    )

    def is_overdue(self, today: date) -> bool:
        """Open and due before today (the office's today: the caller decides the zone)."""
        return self.status == FollowUpStatus.OPEN and self.due_date < today
