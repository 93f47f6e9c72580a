"""A person who takes part in visits, with the facts protocol needs about them."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from planner.extensions import Model
from planner.names import name_in, persian_or_none
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

    @property
    def persian_name(self) -> str | None:
        """The name in their own script when that is Persian, with a Persian honorific."""
        native = persian_or_none(self.full_name_native)
        if native is None:
            return None
        return " ".join(part for part in (persian_or_none(self.honorific), native) if part)

    def name_in(self, language: str) -> str:
        """The name a reader of `language` reads: Persian on Persian pages when stored."""
        return name_in(language, self.display_name, self.persian_name)

    def other_name_in(self, language: str) -> str | None:
        """Their name in the other script (own or Latin), when it differs from the one shown."""
        if self.name_in(language) != self.display_name:
            return self.full_name_latin
        native = self.full_name_native
        return native if native and native != self.full_name_latin else None

    def __repr__(self) -> str:
        return f"<Person {self.full_name_latin}>"
