"""The dashboard of what visits produced, and a visit's report as a page, CSV and Excel."""

import hashlib
import tempfile
from dataclasses import dataclass
from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy.orm import Session
from werkzeug.routing import BuildError

from planner.clock import app_office_today, office_today, office_zone, utc_now
from planner.extensions import db
from planner.i18n import RTL_LANGUAGES, country_name, current_language
from planner.itinerary.findings import finding_from_json
from planner.partnerships.models import Stage
from planner.reports import charts, export, figures, queries
from planner.web import (
    RowLinks,
    ShownFinding,
    kept_section,
    paged_rows,
    shown_findings,
    shown_versions,
)

bp = Blueprint("reports", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A workbook larger than this is written to disk rather than held in memory.
XLSX_IN_MEMORY_AT_MOST = 4 * 1024 * 1024
XLSX_PIECE = 64 * 1024


def link_to(endpoint: str, **values) -> str | None:
    """A link to another area's page, or None while that area has no such page."""
    if endpoint not in current_app.view_functions:
        return None
    try:
        return url_for(endpoint, **values)
    except BuildError:  # the page exists but takes other arguments: no link rather than a 500
        return None


@bp.context_processor
def _report_helpers():
    return {"link_to": link_to}


@bp.get("/dashboard")
def dashboard():
    day = app_office_today()
    session = db.session
    version = shown_versions()  # read once, for the navigation's count too
    summed = figures.dashboard_figures(session, day, version)
    pipeline = drawn_pipeline(session, summed)
    return render_template(
        "reports/dashboard.html",
        today=day,
        lists=kept_lists(session, day, version, summed, pipeline.figure),
        pipeline=pipeline.html,
        charts=drawn_charts(summed),
        findings=kept_findings(session, day, version),
    )


def kept_findings(session, day: date, version: figures.Versions) -> Markup:
    """The dashboard's open findings as drawn, kept while no upcoming visit's findings were
    checked anew (their fingerprints), no visit or stop changed (the lists' token) and the
    office's day is the same: reading them means the findings' JSON of every upcoming visit."""
    keys = hashlib.sha256(
        repr(session.execute(queries.upcoming_findings_keys(day)).all()).encode()
    ).hexdigest()

    def draw() -> str:
        return render_template(
            "reports/_dashboard_findings_part.html",
            findings=finding_rows(queries.open_findings(session, day)),
        )

    return kept_section("dashboard_findings", (version.database, version.sections, day, keys), draw)


@dataclass(frozen=True)
class FindingRow:
    """One open finding as the dashboard lists it: its visit, its stop, its message."""

    visit_id: int
    visit_title: str
    stop: queries.StopRow | None
    shown: ShownFinding


@dataclass(frozen=True)
class FindingRows:
    rows: list[FindingRow]
    total: int  # open findings of upcoming visits in all
    visits: int  # upcoming visits with findings

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def finding_rows(found: queries.OpenFindings) -> FindingRows:
    """The open findings of upcoming visits, written in the reader's language. Kept apart
    from the lists (kept_findings): the checker keeps its findings without replacing the
    lists' token."""
    shown = shown_findings(finding_from_json(row.finding) for row in found.rows)
    rows = [
        FindingRow(row.visit_id, row.visit_title, row.stop, finding)
        for row, finding in zip(found.rows, shown, strict=True)
    ]
    return FindingRows(rows, found.total, found.visits)


# Upcoming visits with findings on a page of every open finding.
FINDINGS_VISITS_PER_PAGE = 20


@bp.get("/dashboard/findings")
def all_open_findings():
    """Every open finding of upcoming visits, a page of visits at a time."""
    page = paged_rows(queries.open_findings_query(app_office_today()), FINDINGS_VISITS_PER_PAGE)
    kept = [(row, finding_from_json(data)) for row in page.items for data in row.findings]
    stop_ids = {finding.stop_ids[0] for _row, finding in kept if finding.stop_ids}
    stops = queries.live_stop_rows(db.session, stop_ids)
    shown = shown_findings(finding for _row, finding in kept)
    rows = [
        FindingRow(
            row.id,
            row.title,
            stops.get(finding.stop_ids[0]) if finding.stop_ids else None,
            written_finding,
        )
        for (row, finding), written_finding in zip(kept, shown, strict=True)
    ]
    return render_template("reports/open_findings.html", page=page, rows=rows)


def kept_lists(session, day, version: figures.Versions, summed, moving: int) -> Markup:
    """The figures at a glance, the overdue follow-ups, the upcoming visits, the week's stops
    and the latest outcomes: four queries and most of the page's time, drawn again only
    after a change to what they show (figures.SHOWN), on another office day, or for another
    reader's language or role."""
    versions = (version.database, version.figures, version.sections, day)
    return kept_section("dashboard", versions, lambda: draw_lists(session, day, summed, moving))


def draw_lists(session, day, summed, moving: int) -> str:
    week = queries.week_stops_capped(session, day, office_zone())
    return render_template(
        "reports/_dashboard_lists.html",
        today=day,
        upcoming=queries.upcoming_visits(session, day),
        week=queries.by_local_day(week.rows),
        week_count=week.total,
        week_more=week.more,
        overdue=queries.overdue(session, day),
        latest=queries.outcomes_by_ids(session, summed.latest_outcome_ids),
        outcomes_total=sum(count for _country, count in summed.by_country),
        moving=moving,
        visit_url=RowLinks("visits.show_visit", "visit_id"),
        report_url=RowLinks("reports.visit_report", "visit_id"),
        outcome_url=row_links("outcomes.show_outcome", "outcome_id"),
    )


def row_links(endpoint: str, argument: str) -> RowLinks | None:
    """The links to another area's pages, or None while that area has no such page."""
    return RowLinks(endpoint, argument) if endpoint in current_app.view_functions else None


def written(html: str) -> Markup:
    """A part of a page that a template wrote (and escaped), to put in another page."""
    return Markup(html)  # noqa: S704 - written by a template, which escaped it


def drawn_charts(summed: figures.Figures) -> Markup:
    """The charts' section, drawn once per state of the figures and language: three SVG
    pictures and their tables of numbers were a third of the dashboard's time and size."""
    language = current_language()
    drawn = summed.drawn.get(("charts", language))
    if drawn is None:
        html = render_template(
            "reports/_dashboard_charts.html",
            country_chart=charts.country_chart(summed.by_country, country_name),
            year_chart=charts.year_chart(summed.by_year),
            month_chart=charts.month_chart(summed.per_month, _("Visits"), language),
        )
        drawn = summed.drawn["charts", language] = figures.Drawn(written(html))
    return drawn.html


# Stages at which a partnership is no longer moving.
STILL = frozenset({Stage.DORMANT, Stage.CLOSED})


def drawn_pipeline(session, summed: figures.Figures) -> figures.Drawn:
    """The partnership pipeline, drawn once per state of the partnerships and language,
    with how many partnerships are moving."""
    language = current_language()
    drawn = summed.drawn.get(("pipeline", language))
    if drawn is None:
        pipeline = queries.partnership_pipeline(session)
        html = render_template(
            "reports/_dashboard_pipeline.html",
            pipeline=pipeline,
            partnership_url=row_links("partnerships.show_partnership", "partnership_id"),
        )
        moving = sum(column.count for column in pipeline if column.stage not in STILL)
        drawn = summed.drawn["pipeline", language] = figures.Drawn(written(html), moving)
    return drawn


def report_or_404(visit_id: int) -> queries.VisitReport:
    """The report of a visit that is not in the bin."""
    visit = queries.live_visit(db.session, visit_id)
    if visit is None:
        abort(404)
    now = utc_now()
    return queries.visit_report(db.session, visit, office_today(office_zone(), now), now)


def file_name(visit, extension: str) -> str:
    return f"visit-{visit.id}-report-{visit.start_date.isoformat()}.{extension}"


@bp.get("/visits/<int:visit_id>/report")
def visit_report(visit_id: int):
    report = report_or_404(visit_id)
    return render_template("reports/visit_report.html", report=report, visit=report.visit)


@bp.get("/visits/<int:visit_id>/report.csv")
def visit_report_csv(visit_id: int):
    """Streamed: the outcomes are read a batch at a time while the file goes out.

    The body is written after the request is over (its app context, database session and
    language gone), so it reads through a session of its own with the words looked up now."""
    visit = queries.live_visit(db.session, visit_id) or abort(404)
    today = office_today(office_zone(), utc_now())
    name = file_name(visit, "csv")
    words = export.csv_words()
    bind = db.engine

    def lines():
        with Session(bind) as session:
            yield from export.report_csv_lines(
                queries.report_outcomes(session, visit_id), today, words
            )

    return Response(
        lines(),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename={name}"},
    )


@bp.get("/visits/<int:visit_id>/report.xlsx")
def visit_report_xlsx(visit_id: int):
    """Written row by row to a temporary file (in memory while small), then sent from it a
    piece at a time; the file is gone once sent, or once the download is broken off."""
    report = report_or_404(visit_id)
    file = tempfile.SpooledTemporaryFile(max_size=XLSX_IN_MEMORY_AT_MOST)
    try:
        export.report_xlsx(report, file, right_to_left=current_language() in RTL_LANGUAGES)
        size = file.tell()
        file.seek(0)
    except BaseException:
        file.close()
        raise

    def pieces():
        with file:
            while piece := file.read(XLSX_PIECE):
                yield piece

    name = file_name(report.visit, "xlsx")
    return Response(
        pieces(),
        mimetype=XLSX,
        headers={
            "Content-Disposition": f"attachment; filename={name}",
            "Content-Length": str(size),
        },
    )
