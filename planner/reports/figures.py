"""The dashboard's sums over the office's whole history, kept between requests.

Outcomes by country and by year, visits per month, which outcomes are the latest and the
partnership pipeline are read from every outcome (or partnership) on file: milliseconds
that grow with the history, on every dashboard. They change only when a visit, an outcome
or a partnership does, so they are kept in the process under the token of
planner/reports/models.py, which one listener replaces in the flush of every such change
(whatever made it: a page, the API, the CLI). A dashboard then costs one row's read while
nothing changed, and sums up anew after any change, in any process, since the token is in
the database.
"""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from threading import Lock

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from planner.outcomes.models import Outcome, OutcomeKind
from planner.partnerships.models import Partnership
from planner.reports import queries
from planner.reports.models import FIGURES_ROW, FiguresVersion
from planner.visits.models import Visit


@dataclass(frozen=True)
class Drawn:
    """A part of the dashboard as written for one language, and the figure it shows."""

    html: Markup
    figure: int = 0


@dataclass(frozen=True)
class Figures:
    """What the dashboard's charts and latest outcomes are drawn from."""

    by_country: list[tuple[str, int]]
    by_year: list[tuple[int, dict[OutcomeKind, int]]]
    per_month: list[tuple[date, int]]
    latest_outcome_ids: list[int]
    # Parts of the dashboard as it draws them, by (part, language): planner/reports/views.py.
    drawn: dict[tuple[str, str], Drawn] = field(default_factory=dict, compare=False)


# (database, token, today) -> Figures; only the newest few are worth keeping.
_KEPT: dict[tuple, Figures] = {}
_KEPT_AT_MOST = 8
_LOCK = Lock()


_TOKEN = sa.select(FiguresVersion.token).where(FiguresVersion.id == FIGURES_ROW)


def token(session) -> str | None:
    """The figures' current version; None until the first change wrote one."""
    return session.scalar(_TOKEN)


def dashboard_figures(session, today: date) -> Figures:
    """The figures as of the database's current state, summed up at most once per change."""
    key = (str(session.get_bind().engine.url), token(session), today)
    found = _KEPT.get(key)
    if found is None:
        found = _sum_up(session, today)
        with _LOCK:
            if len(_KEPT) >= _KEPT_AT_MOST:
                _KEPT.clear()
            _KEPT[key] = found
    return found


def _sum_up(session, today: date) -> Figures:
    return Figures(
        by_country=queries.outcomes_by_country(session),
        by_year=queries.outcomes_by_year(session),
        per_month=queries.visits_per_month(session, today),
        latest_outcome_ids=queries.latest_outcome_ids(session),
    )


def forget() -> None:
    """Drop what is kept (a test that changes rows behind the models' back)."""
    with _LOCK:
        _KEPT.clear()


def _changes_figures(session: Session) -> bool:
    def counts(objects: Iterable[object], changed: Callable[[object], bool]) -> bool:
        return any(
            isinstance(obj, Outcome | Visit | Partnership) and changed(obj) for obj in objects
        )

    return (
        counts(session.new, lambda _obj: True)
        or counts(session.deleted, lambda _obj: True)
        # A visit whose stops changed is dirty too: only a row's own columns count.
        or counts(session.dirty, lambda obj: session.is_modified(obj, include_collections=False))
    )


@sa.event.listens_for(Session, "after_flush")
def _new_token(session: Session, _flush_context) -> None:
    # After the flush, new, dirty and deleted still describe what it wrote.
    if not _changes_figures(session):
        return
    connection = session.connection()
    table = FiguresVersion.__table__
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    insert = dialect.insert(table).values(id=FIGURES_ROW, token=uuid.uuid4().hex)
    connection.execute(
        insert.on_conflict_do_update(
            index_elements=[table.c.id], set_={"token": insert.excluded.token}
        )
    )
