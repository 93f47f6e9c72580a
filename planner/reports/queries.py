"""What the dashboard and a visit's report show, as named queries over the session.

Every function takes the session and, where time matters, the office's `today` (or
`now`): the caller decides the clock, so tests can move it. Binned visits, and what
they produced, are left out everywhere.

Country of an outcome: the visiting side's country of its visit (Visit.visiting_country).
It is always set, and it is what the office reports ("what each partner country's visits
produced"); an outcome's partner organization may be missing or be a local firm.

Money is Decimal. Totals are summed in SQL as whole cents: SQLite keeps NUMERIC values
as binary floating point, and adding those up could drift by a cent; integer cents add
up exactly on SQLite and PostgreSQL alike. A total is always per currency.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from planner.database import Capped, capped
from planner.itinerary.models import Stop, VisitFindings
from planner.outcomes.models import FollowUp, Outcome, OutcomeKind
from planner.outcomes.overdue import overdue_query
from planner.outcomes.queries import visit_outcomes
from planner.partnerships.models import Partnership, Stage
from planner.timefmt import local_day_bounds, to_local
from planner.visits.models import Visit, VisitStatus

KIND_ORDER = {kind: position for position, kind in enumerate(OutcomeKind)}
MONTHS_BACK = 12
# The chart reaches forward to the furthest upcoming visit, but not further than this.
MONTHS_AHEAD_AT_MOST = 12
# What the dashboard's lists show at most; each links to the full list.
DASHBOARD_ROWS = 10
WEEK_STOPS_AT_MOST = 20
PIPELINE_ROWS_PER_STAGE = 5


def live_visit(session, visit_id: int) -> Visit | None:
    """A visit that is not in the bin, with its stops."""
    return session.scalar(
        sa.select(Visit)
        .where(Visit.id == visit_id, Visit.deleted_at.is_(None))
        .options(selectinload(Visit.stops))
    )


# --- The dashboard ---------------------------------------------------------------------


def upcoming_visits(session, today: date, limit: int = 6) -> Capped:
    """Visits not yet over, soonest first."""
    query = (
        sa.select(Visit)
        .where(Visit.deleted_at.is_(None), Visit.end_date >= today)
        .order_by(Visit.start_date, Visit.id)
    )
    return capped(session, query, limit)


def week_stops_query(today: date, office_zone: str, days: int = 7) -> sa.Select:
    """Live stops from the office's midnight today to its midnight `days` days later."""
    start, _end = local_day_bounds(today, office_zone)
    end, _next = local_day_bounds(today + timedelta(days=days), office_zone)
    return (
        sa.select(Stop)
        .join(Stop.visit)
        .where(
            Stop.is_live,
            Visit.deleted_at.is_(None),
            Stop.starts_at >= start,
            Stop.starts_at < end,
        )
        .options(contains_eager(Stop.visit), joinedload(Stop.venue))
        .order_by(Stop.starts_at, Stop.id)
    )


def week_stops(session, today: date, office_zone: str, days: int = 7) -> list[Stop]:
    """Every stop of `week_stops_query`."""
    return list(session.scalars(week_stops_query(today, office_zone, days)))


def week_stops_capped(session, today: date, office_zone: str) -> Capped:
    """The week's first stops, and how many the week holds."""
    return capped(session, week_stops_query(today, office_zone), WEEK_STOPS_AT_MOST)


def by_local_day(stops: list[Stop]) -> list[tuple[date, list[Stop]]]:
    """Stops grouped by their day in their visit's time zone, in the order given."""
    days: dict[date, list[Stop]] = {}
    for stop in stops:
        days.setdefault(to_local(stop.starts_at, stop.visit.timezone).date(), []).append(stop)
    return list(days.items())


def open_findings_query(today: date) -> sa.Select:
    """Upcoming visits (live, not cancelled, not yet over) whose kept findings are not empty,
    soonest first: (id, title, start date, findings as kept, how many)."""
    count = sa.func.json_array_length(VisitFindings.findings)
    return (
        sa.select(
            Visit.id,
            Visit.title,
            Visit.start_date,
            VisitFindings.findings,
            count.label("count"),
        )
        .join(VisitFindings, VisitFindings.visit_id == Visit.id)
        .where(
            Visit.deleted_at.is_(None),
            Visit.status != VisitStatus.CANCELLED,
            Visit.end_date >= today,
            count > 0,
        )
        .order_by(Visit.start_date, Visit.id)
    )


def upcoming_findings_keys(today: date) -> sa.Select:
    """The checker's fingerprint (VisitFindings.key) of each upcoming visit's kept findings:
    what the open findings are changes only when one of these does, and reading them takes
    no findings' JSON. Upcoming visits only, so it does not grow with the history."""
    return (
        sa.select(Visit.id, VisitFindings.key)
        .join(VisitFindings, VisitFindings.visit_id == Visit.id)
        .where(
            Visit.deleted_at.is_(None),
            Visit.status != VisitStatus.CANCELLED,
            Visit.end_date >= today,
        )
        .order_by(Visit.id)
    )


@dataclass(frozen=True)
class StopRow:
    id: int
    title: str


@dataclass(frozen=True)
class OpenFinding:
    visit_id: int
    visit_title: str
    finding: dict  # as kept (itinerary/findings.py finding_to_json)
    stop: StopRow | None  # the first stop it is about, while it is live


@dataclass(frozen=True)
class OpenFindings:
    rows: list[OpenFinding]
    total: int  # findings in all upcoming visits
    visits: int  # upcoming visits with findings


def live_stop_rows(session, stop_ids: set[int]) -> dict[int, StopRow]:
    """The id and title of those of these stops that are live (not in the bin)."""
    if not stop_ids:
        return {}
    query = sa.select(Stop.id, Stop.title).where(Stop.id.in_(stop_ids), Stop.is_live)
    return {stop.id: StopRow(stop.id, stop.title) for stop in session.execute(query)}


def open_findings(session, today: date, limit: int = DASHBOARD_ROWS) -> OpenFindings:
    """The first open findings of upcoming visits as the checker last kept them (every page
    that shows a visit's findings checks it again after a change: itinerary/snapshot.py),
    and how many there are: two statements, whatever the office holds. Each visit read has
    a finding at least, so `limit` visits hold all that the first `limit` findings can be."""
    query = open_findings_query(today).add_columns(
        sa.func.sum(sa.func.json_array_length(VisitFindings.findings)).over().label("total"),
        sa.func.count().over().label("visits"),
    )
    rows = session.execute(query.limit(limit)).all()
    if not rows:
        return OpenFindings([], 0, 0)
    shown = [(row, data) for row in rows for data in row.findings][:limit]
    stops = live_stop_rows(
        session, {data["stop_ids"][0] for _row, data in shown if data["stop_ids"]}
    )
    return OpenFindings(
        [
            OpenFinding(
                row.id,
                row.title,
                data,
                stops.get(data["stop_ids"][0]) if data["stop_ids"] else None,
            )
            for row, data in shown
        ],
        total=int(rows[0].total),
        visits=int(rows[0].visits),
    )


def overdue(session, today: date, limit: int = DASHBOARD_ROWS) -> Capped:
    """The oldest open follow-ups due before today, with what they are about, and how many
    there are."""
    # Each row's one owner, outcome, visit and partnership come joined to it: a query per
    # relationship (selectinload) cost more than the rows themselves.
    query = overdue_query(today).options(
        joinedload(FollowUp.owner),
        joinedload(FollowUp.outcome),
        joinedload(FollowUp.visit),
        joinedload(FollowUp.partnership),
    )
    return capped(session, query, limit)


def latest_outcome_ids(session, limit: int = DASHBOARD_ROWS) -> list[int]:
    """The most recent outcomes of live visits, newest first: a sort of every outcome, so
    planner/reports/figures.py keeps the answer until an outcome or a visit changes."""
    return list(
        session.scalars(
            sa.select(Outcome.id)
            .join(Outcome.visit)
            .where(Visit.deleted_at.is_(None))
            .order_by(Outcome.day.desc(), Outcome.id.desc())
            .limit(limit)
        )
    )


def outcomes_by_ids(session, ids: list[int]) -> list[Outcome]:
    """These outcomes in this order, with their visits, follow-ups and owners."""
    if not ids:
        return []
    found = session.scalars(
        sa.select(Outcome)
        .where(Outcome.id.in_(ids))
        .options(
            joinedload(Outcome.visit),
            selectinload(Outcome.follow_ups).joinedload(FollowUp.owner),
        )
    )
    by_id = {outcome.id: outcome for outcome in found}
    return [by_id[outcome_id] for outcome_id in ids if outcome_id in by_id]


@dataclass(frozen=True)
class StageColumn:
    stage: Stage
    partnerships: list[Partnership]  # the first few, by title
    count: int  # all of the stage's


def partnership_pipeline(session, per_stage: int = PIPELINE_ROWS_PER_STAGE) -> list[StageColumn]:
    """One column per stage, in the order a partnership moves through them: each stage's
    count and its first partnerships by title."""
    counts = dict(
        session.execute(
            sa.select(Partnership.stage, sa.func.count(Partnership.id)).group_by(Partnership.stage)
        ).all()
    )
    place = (
        sa.func.row_number()
        .over(partition_by=Partnership.stage, order_by=(Partnership.title, Partnership.id))
        .label("place")
    )
    numbered = sa.select(Partnership.id, place).subquery()
    first = session.scalars(
        sa.select(Partnership)
        .join(numbered, numbered.c.id == Partnership.id)
        .where(numbered.c.place <= per_stage)
        .order_by(Partnership.title, Partnership.id)
    ).all()
    return [
        StageColumn(stage, [p for p in first if p.stage == stage], counts.get(stage, 0))
        for stage in Stage
    ]


def outcomes_by_country(session) -> list[tuple[str, int]]:
    """(visiting country, outcomes) for live visits, most outcomes first."""
    count = sa.func.count(Outcome.id)
    rows = session.execute(
        sa.select(Visit.visiting_country, count)
        .join(Outcome.visit)
        .where(Visit.deleted_at.is_(None))
        .group_by(Visit.visiting_country)
        .order_by(count.desc(), Visit.visiting_country)
    )
    return [(country, total) for country, total in rows]


def outcomes_by_year(session) -> list[tuple[int, dict[OutcomeKind, int]]]:
    """(year, outcomes per kind) for live visits, oldest year first, years without gaps."""
    year = sa.cast(sa.extract("year", Outcome.day), sa.Integer)
    rows = session.execute(
        sa.select(year, Outcome.kind, sa.func.count(Outcome.id))
        .join(Outcome.visit)
        .where(Visit.deleted_at.is_(None))
        .group_by(year, Outcome.kind)
    ).all()
    if not rows:
        return []
    years = {int(row_year) for row_year, _kind, _count in rows}
    table: dict[int, dict[OutcomeKind, int]] = {y: {} for y in range(min(years), max(years) + 1)}
    for row_year, kind, total in rows:
        table[int(row_year)][kind] = total
    return [
        (y, dict(sorted(kinds.items(), key=lambda item: KIND_ORDER[item[0]])))
        for y, kinds in table.items()
    ]


def add_months(month: date, months: int) -> date:
    """The first day of the month `months` after `month` (negative: before)."""
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_window(session, today: date) -> tuple[date, date]:
    """The first day of the first and of the last month the visits chart shows.

    The last twelve months up to today's, then on to the furthest upcoming visit.
    """
    this_month = today.replace(day=1)
    furthest = session.scalar(
        sa.select(sa.func.max(Visit.start_date)).where(
            Visit.deleted_at.is_(None), Visit.status != VisitStatus.CANCELLED
        )
    )
    last = this_month
    if furthest is not None and furthest > today:
        last = min(furthest.replace(day=1), add_months(this_month, MONTHS_AHEAD_AT_MOST))
    return add_months(this_month, 1 - MONTHS_BACK), last


def visits_per_month(session, today: date) -> list[tuple[date, int]]:
    """(first day of month, visits starting in it), every month of the window, zeros too.

    Cancelled visits did not happen and binned ones are gone: neither is counted.
    """
    first, last = month_window(session, today)
    year = sa.cast(sa.extract("year", Visit.start_date), sa.Integer)
    month = sa.cast(sa.extract("month", Visit.start_date), sa.Integer)
    rows = session.execute(
        sa.select(year, month, sa.func.count(Visit.id))
        .where(
            Visit.deleted_at.is_(None),
            Visit.status != VisitStatus.CANCELLED,
            Visit.start_date >= first,
            Visit.start_date < add_months(last, 1),
        )
        .group_by(year, month)
    )
    counts = {date(int(y), int(m), 1): total for y, m, total in rows}
    months = []
    current = first
    while current <= last:
        months.append((current, counts.get(current, 0)))
        current = add_months(current, 1)
    return months


# --- A visit's report ------------------------------------------------------------------


@dataclass(frozen=True)
class ValueTotal:
    """Estimated values of one kind of outcome in one currency."""

    kind: OutcomeKind
    currency: str
    count: int
    total: Decimal


@dataclass(frozen=True)
class KindGroup:
    kind: OutcomeKind
    outcomes: list[Outcome]


@dataclass
class VisitReport:
    visit: Visit
    today: date
    stops_held: int
    stops_to_come: int
    stops_cancelled: int
    outcomes: list[Outcome]
    counts_by_kind: dict[OutcomeKind, int]
    value_totals: list[ValueTotal]
    follow_ups: list[FollowUp]
    groups: list[KindGroup] = field(init=False)

    def __post_init__(self) -> None:
        self.groups = [
            KindGroup(kind, [o for o in self.outcomes if o.kind == kind])
            for kind in OutcomeKind
            if self.counts_by_kind.get(kind)
        ]

    @property
    def lead_totals(self) -> list[tuple[str, Decimal]]:
        """Export leads' estimated value per currency."""
        return [
            (total.currency, total.total)
            for total in self.value_totals
            if total.kind == OutcomeKind.EXPORT_LEAD
        ]

    @property
    def overdue_count(self) -> int:
        return sum(1 for follow_up in self.follow_ups if follow_up.is_overdue(self.today))


# How many outcomes an export reads from the database at a time.
EXPORT_BATCH = 100


def report_outcomes(session, visit_id: int, batch: int = EXPORT_BATCH) -> Iterator[Outcome]:
    """The visit's outcomes as its report lists them (kind by kind, then by day), with what
    the export prints of each, read `batch` at a time: an export holds one batch, not all.

    A generator: nothing is read until the first outcome is asked for."""
    kind_order = sa.case(KIND_ORDER, value=Outcome.kind)
    yield from session.scalars(
        sa.select(Outcome)
        .where(Outcome.visit_id == visit_id)
        .options(
            selectinload(Outcome.stop),
            selectinload(Outcome.partnership),
            selectinload(Outcome.our_organization),
            selectinload(Outcome.partner_organization),
            selectinload(Outcome.follow_ups).selectinload(FollowUp.owner),
        )
        .order_by(kind_order, Outcome.day, Outcome.id)
        .execution_options(yield_per=batch)
    )


def cents_to_decimal(cents: int) -> Decimal:
    return Decimal(int(cents)).scaleb(-2)


def value_totals(session, visit_id: int) -> list[ValueTotal]:
    """Sum of estimated values per kind and currency, in kind order then currency."""
    cents = sa.cast(sa.func.round(Outcome.estimated_value * 100), sa.BigInteger)
    rows = session.execute(
        sa.select(Outcome.kind, Outcome.currency, sa.func.count(Outcome.id), sa.func.sum(cents))
        .where(Outcome.visit_id == visit_id, Outcome.estimated_value.is_not(None))
        .group_by(Outcome.kind, Outcome.currency)
    )
    totals = [
        ValueTotal(kind, currency, count, cents_to_decimal(total))
        for kind, currency, count, total in rows
    ]
    return sorted(totals, key=lambda t: (KIND_ORDER[t.kind], t.currency))


def counts_by_kind(session, visit_id: int) -> dict[OutcomeKind, int]:
    """How many outcomes of each kind the visit produced (kinds with none left out)."""
    rows = session.execute(
        sa.select(Outcome.kind, sa.func.count(Outcome.id))
        .where(Outcome.visit_id == visit_id)
        .group_by(Outcome.kind)
    )
    return dict(sorted(rows.tuples(), key=lambda row: KIND_ORDER[row[0]]))


def visit_report(session, visit: Visit, today: date, now: datetime) -> VisitReport:
    """Everything a visit's report shows; `now` tells held stops from those to come."""
    produced = visit_outcomes(session, visit.id)
    live = visit.live_stops
    cancelled = [stop for stop in live if stop.is_cancelled]
    held = [stop for stop in live if not stop.is_cancelled and stop.ends_at <= now]
    return VisitReport(
        visit=visit,
        today=today,
        stops_held=len(held),
        stops_to_come=len(live) - len(cancelled) - len(held),
        stops_cancelled=len(cancelled),
        # Kind by kind; within a kind, by day as the outcomes query orders them.
        outcomes=sorted(produced.outcomes, key=lambda outcome: KIND_ORDER[outcome.kind]),
        counts_by_kind=counts_by_kind(session, visit.id),
        value_totals=value_totals(session, visit.id),
        follow_ups=sorted(produced.follow_ups, key=lambda f: (f.due_date, f.id)),
    )
