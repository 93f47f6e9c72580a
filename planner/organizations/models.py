"""Organizations that host, visit or are visited."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from planner.extensions import Model
from planner.names import NamedInTwoScripts
from planner.types import Choice, enum_type


class OrganizationKind(Choice):
    GOVERNMENT_OFFICE = "government_office", _l("Government office")
    CHAMBER_OF_COMMERCE = "chamber_of_commerce", _l("Chamber of commerce")
    COMPANY = "company", _l("Company")
    EMBASSY = "embassy", _l("Embassy")
    CULTURAL_INSTITUTION = "cultural_institution", _l("Cultural institution")
    UNIVERSITY = "university", _l("University")
    MEDIA = "media", _l("Media")
    OTHER = "other", _l("Other")


class Organization(NamedInTwoScripts, Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    name_native: Mapped[str | None] = mapped_column(sa.String(200))
    kind: Mapped[OrganizationKind] = mapped_column(enum_type(OrganizationKind, "organization_kind"))
    country: Mapped[str] = mapped_column(sa.String(2), doc="ISO 3166-1 alpha-2 code")
    city: Mapped[str | None] = mapped_column(sa.String(120))
    sector: Mapped[str | None] = mapped_column(sa.String(200))
    products: Mapped[str | None] = mapped_column(
        sa.Text, doc="For companies: what they make and can export."
    )
    website: Mapped[str | None] = mapped_column(sa.String(300))

    __table_args__ = (sa.CheckConstraint("length(country) = 2", name="country_code"),)

    def __repr__(self) -> str:
        return f"<Organization {self.name}>"
