"""The versions of what the dashboard sums up and shows: changed with every change to what
they are read from, so that the sums and the drawn sections can be kept between requests
(planner/reports/figures.py)."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from planner.extensions import Model

FIGURES_ROW = 1  # the sums: visits, outcomes, partnerships
SECTIONS_ROW = 2  # the lists: those, and stops, venues, follow-ups and users' names


class FiguresVersion(Model):
    """A new random token in a row each time a transaction writes what the row is the
    version of (FIGURES_ROW, SECTIONS_ROW).

    Random, not a counter: a change rolled back hands out no number that a later change
    would hand out again, so sums kept under a token are never those of another state."""

    __tablename__ = "figures_versions"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    token: Mapped[str] = mapped_column(sa.String(32))
