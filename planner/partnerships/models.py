"""A partnership between two places or organizations, and its dated history of stages."""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.accounts.models import User
from planner.clock import utc_now
from planner.extensions import Model
from planner.organizations.models import Organization
from planner.types import Choice, UTCDateTime, enum_type


class PartnershipKind(Choice):
    SISTER_CITY = "sister_city", _l("Sister city")
    TRADE = "trade", _l("Trade")
    CULTURE = "culture", _l("Culture")
    MINING_TECHNOLOGY = "mining_technology", _l("Mining and technology")
    EDUCATION = "education", _l("Education")


class Stage(Choice):
    IDEA = "idea", _l("Idea")
    EXPLORING = "exploring", _l("Exploring")
    LETTER_OF_INTENT = "letter_of_intent", _l("Letter of intent")
    AGREEMENT_SIGNED = "agreement_signed", _l("Agreement signed")
    ACTIVE = "active", _l("Active")
    DORMANT = "dormant", _l("Dormant")
    # "Closed" also names a venue's closed day, which Persian words differently.
    CLOSED = "closed", lazy_pgettext("partnership stage", "Closed")


class Partnership(Model):
    """Two sides — a city, or an organization — and where their relationship stands."""

    __tablename__ = "partnerships"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[PartnershipKind] = mapped_column(enum_type(PartnershipKind, "partnership_kind"))
    # Each side is a place (city and country) and/or an organization.
    our_city: Mapped[str | None] = mapped_column(sa.String(120))
    our_country: Mapped[str] = mapped_column(sa.String(2))
    our_organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    partner_city: Mapped[str | None] = mapped_column(sa.String(120))
    partner_country: Mapped[str] = mapped_column(sa.String(2), index=True)
    partner_organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    # The current stage; every change is also a row in the history, which is never rewritten.
    stage: Mapped[Stage] = mapped_column(enum_type(Stage, "partnership_stage"), default=Stage.IDEA)
    description: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    our_organization: Mapped[Organization | None] = relationship(foreign_keys=[our_organization_id])
    partner_organization: Mapped[Organization | None] = relationship(
        foreign_keys=[partner_organization_id]
    )
    history: Mapped[list["StageChange"]] = relationship(
        back_populates="partnership",
        order_by="(StageChange.changed_at, StageChange.id)",
    )

    __table_args__ = (
        sa.CheckConstraint(
            "length(our_country) = 2 AND length(partner_country) = 2", name="country_codes"
        ),
    )


class StageChange(Model):
    """Who moved a partnership from one stage to another, when and why. Append-only."""

    __tablename__ = "partnership_stage_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    from_stage: Mapped[Stage | None] = mapped_column(enum_type(Stage, "stage_change_from"))
    to_stage: Mapped[Stage] = mapped_column(enum_type(Stage, "stage_change_to"))
    reason: Mapped[str] = mapped_column(sa.Text)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    changed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    partnership: Mapped[Partnership] = relationship(back_populates="history")
    changed_by: Mapped[User | None] = relationship()


class HistoryIsAppendOnly(RuntimeError):
    """A stage change, once recorded, is never edited or deleted."""


@sa.event.listens_for(StageChange, "before_update")
def _refuse_rewriting_history(_mapper, _connection, change: StageChange) -> None:
    raise HistoryIsAppendOnly(f"stage change {change.id} cannot be rewritten")


@sa.event.listens_for(StageChange, "before_delete")
def _refuse_deleting_history(_mapper, _connection, change: StageChange) -> None:
    raise HistoryIsAppendOnly(f"stage change {change.id} cannot be deleted")
