"""The version of what the dashboard sums up: changed with every change to a visit, an
outcome or a partnership, so that the sums can be kept between requests
(planner/reports/figures.py)."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from planner.extensions import Model

FIGURES_ROW = 1  # the one row


class FiguresVersion(Model):
    """A new random token each time a transaction writes a visit, an outcome or a partnership.

    Random, not a counter: a change rolled back hands out no number that a later change
    would hand out again, so sums kept under a token are never those of another state."""

    __tablename__ = "figures_versions"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    token: Mapped[str] = mapped_column(sa.String(32))
