"""What calendars need to remember: who left which stop, what was mailed to whom, and every mail."""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.clock import utc_now
from planner.extensions import Model
from planner.itinerary.models import Stop
from planner.types import Choice, UTCDateTime, enum_type
from planner.visits.models import Participant


class Departure(Model):
    """A participant taken off a stop, and when. No calendar reads it any more: a feed
    leaves such a stop out (calendars/events.py), and e-mail goes by SentEvent."""

    __tablename__ = "stop_departures"

    id: Mapped[int] = mapped_column(primary_key=True)
    stop_id: Mapped[int] = mapped_column(sa.ForeignKey("stops.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    removed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    stop: Mapped[Stop] = relationship()
    participant: Mapped[Participant] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("stop_id", "participant_id", name="uq_stop_departures_pair"),
    )


class Method(Choice):
    REQUEST = "REQUEST", _l("Invitation")
    CANCEL = "CANCEL", _l("Cancellation")


class SentEvent(Model):
    """The last iTIP message a participant got for a stop: what "Send updates" compares with."""

    __tablename__ = "sent_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    stop_id: Mapped[int] = mapped_column(sa.ForeignKey("stops.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    method: Mapped[Method] = mapped_column(enum_type(Method, "sent_event_method"))
    sequence: Mapped[int] = mapped_column(sa.Integer)
    # What the participant's calendar shows, to tell them what changed.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    venue_name: Mapped[str | None] = mapped_column(sa.String(200))
    title: Mapped[str] = mapped_column(sa.String(200))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    stop: Mapped[Stop] = relationship()
    participant: Mapped[Participant] = relationship()

    __table_args__ = (sa.UniqueConstraint("stop_id", "participant_id", name="uq_sent_events_pair"),)


class MailStatus(Choice):
    PENDING = "pending", _l("Waiting")
    SENDING = "sending", _l("Being sent")
    SENT = "sent", _l("Sent")
    FAILED = "failed", _l("Failed")


class MailMessage(Model):
    """Every message the app sends, kept whole so that a failed one can be sent again as it was."""

    __tablename__ = "mail_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("visits.id", ondelete="SET NULL"), index=True
    )
    participant_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("participants.id", ondelete="SET NULL")
    )
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    method: Mapped[Method] = mapped_column(enum_type(Method, "mail_method"))
    stop_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    body: Mapped[str] = mapped_column(sa.Text, doc="The whole RFC 5322 message as sent.")
    status: Mapped[MailStatus] = mapped_column(
        enum_type(MailStatus, "mail_status"), default=MailStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When a sender (the worker, or a retry from the mail log) took the letter: a letter
    # "sending" for longer than MAIL_CLAIM_TIMEOUT_SECONDS was taken by a sender that died.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )


class CalendarVersion(Model):
    """How many times what one feed owner's calendar holds has changed.

    Raised in the same transaction as the change (planner/calendars/versions.py), so that a
    feed's validator is this one row: a calendar with no row yet is at version 0. Owners
    are a participant (their programme), a staff user (their follow-ups), a visit (its
    download) and the office (owner_id 0: every stop of every visit, in every staff feed).
    """

    __tablename__ = "calendar_versions"

    owner_kind: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    owner_id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
