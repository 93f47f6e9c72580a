"""A person who takes part in visits, with the facts protocol needs about them."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from planner.extensions import Model
from planner.organizations.models import Organization


class Person(Model):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name_native: Mapped[str] = mapped_column(
        sa.String(200), doc="The name in the person's own script."
    )
    full_name_latin: Mapped[str] = mapped_column(sa.String(200))
    honorific: Mapped[str | None] = mapped_column(sa.String(60), doc="H.E., Dr., Mr., Ms. ...")
    position: Mapped[str | None] = mapped_column(sa.String(200))
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    nationality: Mapped[str | None] = mapped_column(sa.String(2), doc="ISO 3166-1 alpha-2")
    languages: Mapped[list[str]] = mapped_column(
        sa.JSON, default=list, doc="ISO 639-1 codes of the languages the person speaks."
    )
    email: Mapped[str | None] = mapped_column(sa.String(254))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    dietary_needs: Mapped[str | None] = mapped_column(sa.Text)
    access_needs: Mapped[str | None] = mapped_column(sa.Text)

    organization: Mapped[Organization | None] = relationship()

    @validates("languages")
    def _normalise_languages(self, _key, value):
        return sorted({code.strip().lower() for code in value or [] if code.strip()})

    @property
    def display_name(self) -> str:
        return " ".join(part for part in (self.honorific, self.full_name_latin) if part)

    def __repr__(self) -> str:
        return f"<Person {self.full_name_latin}>"
