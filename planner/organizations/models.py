"""Organizations that host, visit or are visited."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from planner.extensions import Model
from planner.names import name_in, persian_or_none
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


class Organization(Model):
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

    @property
    def persian_name(self) -> str | None:
        """The stored native name when it is in the Persian script (names.py)."""
        return persian_or_none(self.name_native)

    def name_in(self, language: str) -> str:
        """The name a reader of `language` reads: Persian on Persian pages when stored."""
        return name_in(language, self.name, self.persian_name)

    def other_name_in(self, language: str) -> str | None:
        """The stored name the reader of `language` is not shown first, if there is one."""
        shown = self.name_in(language)
        other = self.name if shown != self.name else self.name_native
        return other if other and other != shown else None

    def __repr__(self) -> str:
        return f"<Organization {self.name}>"
