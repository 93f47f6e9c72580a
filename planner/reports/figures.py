"""The dashboard's sums over the office's whole history, kept between requests.

Outcomes by country and by year, visits per month, which outcomes are the latest and the
partnership pipeline are read from every outcome (or partnership) on file: milliseconds
that grow with the history, on every dashboard. They change only when a visit, an outcome
or a partnership does, so they are kept in the process under the token of
planner/reports/models.py, which one listener replaces in the flush of every such change
(whatever made it: a page, the API, the CLI). A dashboard then costs one row's read while
nothing changed, and sums up anew after any change, in any process, since the token is in
the database.

The dashboard's lists (overdue follow-ups, upcoming visits, the week's stops, the latest
outcomes), the visit list, and a visit page's outcomes and follow-ups are drawn from more:
stops, venues' names, follow-ups and their owners' names, organizations' names, how many
documents an outcome has.
A second token (SECTIONS_ROW) is replaced in the flush of a change to any of those, and the
lists as drawn are kept under both tokens (planner/reports/views.py).
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from threading import Lock

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from planner.accounts.models import User
from planner.itinerary.models import Stop
from planner.organizations.models import Organization
from planner.outcomes.models import FollowUp, Outcome, OutcomeDocument, OutcomeKind
from planner.partnerships.models import Partnership
from planner.reports import queries
from planner.reports.models import FIGURES_ROW, SECTIONS_ROW, FiguresVersion
from planner.venues.models import Venue
from planner.visits.models import Visit

# What the sums are read from; what the lists are drawn from (the dashboard's, the visit
# list with its visiting organizations' names, a visit's outcomes with their documents).
SUMMED = (Outcome, Visit, Partnership)
SHOWN = (*SUMMED, Stop, Venue, FollowUp, User, Organization, OutcomeDocument)


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


_TOKENS = sa.select(FiguresVersion.id, FiguresVersion.token).where(
    FiguresVersion.id.in_((FIGURES_ROW, SECTIONS_ROW))
)


@dataclass(frozen=True)
class Versions:
    """The database, and the current tokens of the sums and of the lists (None until the
    first change wrote one)."""

    database: str
    figures: str | None
    sections: str | None


def versions(session) -> Versions:
    """The current versions, read in one statement."""
    found = dict(session.execute(_TOKENS).tuples().all())
    return Versions(
        str(session.get_bind().engine.url), found.get(FIGURES_ROW), found.get(SECTIONS_ROW)
    )


def dashboard_figures(session, today: date, version: Versions | None = None) -> Figures:
    """The figures as of the database's current state, summed up at most once per change."""
    version = version or versions(session)
    key = (version.database, version.figures, today)
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


def _changed_rows(session: Session) -> list[object]:
    """The rows this flush wrote: new, deleted, and dirty in a column of their own (a visit
    whose stops changed is dirty too, but only a row's own columns count)."""
    return [
        *session.new,
        *session.deleted,
        *(obj for obj in session.dirty if session.is_modified(obj, include_collections=False)),
    ]


def _changes(rows: Iterable[object], kinds: tuple[type, ...]) -> bool:
    return any(isinstance(obj, kinds) for obj in rows)


@sa.event.listens_for(Session, "after_flush")
def _new_token(session: Session, _flush_context) -> None:
    # After the flush, new, dirty and deleted still describe what it wrote.
    rows = _changed_rows(session)
    if not _changes(rows, SHOWN):
        return
    replaced = (FIGURES_ROW, SECTIONS_ROW) if _changes(rows, SUMMED) else (SECTIONS_ROW,)
    connection = session.connection()
    table = FiguresVersion.__table__
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    tokens = [{"id": row, "token": uuid.uuid4().hex} for row in replaced]
    insert = dialect.insert(table).values(tokens)
    connection.execute(
        insert.on_conflict_do_update(
            index_elements=[table.c.id], set_={"token": insert.excluded.token}
        )
    )
