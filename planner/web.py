"""What the pages share: the lookups that answer 404, form pages, the acting user.

Blueprints never import one another (tests/test_layers.py): whatever two of them need lives
here, below them all, and above the domains it calls.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import (
    Response,
    abort,
    current_app,
    g,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination, SelectPagination
from markupsafe import Markup

from planner.accounts.models import User
from planner.calendars.feeds import feed_token
from planner.calendars.mail import outbox
from planner.calendars.models import MailMessage
from planner.calendars.rendered import RenderedCalendars
from planner.clock import app_office_today
from planner.database import after_commit
from planner.extensions import db
from planner.i18n import current_language
from planner.itinerary.findings import Finding
from planner.itinerary.messages import HTML, render_finding
from planner.itinerary.models import visit_with_programme
from planner.outcomes.documents import StoredFile
from planner.params import page_arg
from planner.programmes import kept
from planner.reports import figures
from planner.security import with_csrf, without_csrf
from planner.visit_days import visit_holidays
from planner.visits.models import Participant, Visit, unless_binned


@dataclass(frozen=True)
class ShownFinding:
    """A finding as a page shows it: written once in the reader's language (names in
    <bdi>), however many places on the page show it."""

    finding: Finding
    html: Markup

    @property
    def severity(self) -> str:
        return self.finding.severity

    @property
    def stop_ids(self) -> tuple[int, ...]:
        return self.finding.stop_ids


def shown_findings(findings: Iterable[Finding]) -> list[ShownFinding]:
    locale = current_language()
    return [
        ShownFinding(finding, Markup(render_finding(finding, locale, _, HTML)))  # noqa: S704 - escaped there
        for finding in findings
    ]


def marked_holidays(visit: Visit) -> dict[date, list[str]]:
    """The public holidays on the visit's days, in the reader's language, for the day
    headings of its kept programme and timeline (their key names the visit's version, so its
    dates and countries, and the language: what these depend on)."""
    return visit_holidays(
        visit.start_date, visit.end_date, visit.holiday_countries, current_language()
    )


def kept_store() -> RenderedCalendars:
    """This process's kept visit pages (planner/programmes/kept.py), made at first use."""
    store = current_app.extensions.get("kept_programmes")
    if store is None:
        store = kept.kept_pages(current_app.config["KEPT_PROGRAMMES_MAX_BYTES"])
        store = current_app.extensions.setdefault("kept_programmes", store)
    return store


def kept_key(visit: Visit, page: str, can_edit: bool) -> str:
    """The key of a visit's kept `page` ("visit", "timeline") as this request's reader sees it."""
    reader = kept.reader(
        page,
        language=current_language(),
        can_edit=can_edit,
        today=app_office_today(),
        script_root=request.script_root,
        config=current_app.config,
    )
    return kept.page_key(db.session, visit.id, reader)


# Parts of list pages as drawn (kept_section): a few pages, readers' languages and roles
# and filters a day, so a few entries of some tens of KB.
KEPT_SECTIONS_AT_MOST = 64


_SHOWN_VERSIONS = "pishvaz_shown_versions"


def shown_versions() -> figures.Versions:
    """The versions of what the kept list pages show (planner/reports/figures.py): the
    database, and the tokens of the sums and of the lists; read once per request."""
    found = g.get(_SHOWN_VERSIONS)
    if found is None:
        found = figures.versions(db.session)
        setattr(g, _SHOWN_VERSIONS, found)
    return found


def kept_overdue_count(owner_id: int, today, count: Callable[[], int]) -> int:
    """The navigation's count of the reader's overdue follow-ups: kept under the lists'
    versions (which every change to a follow-up replaces) and the office's day on a page
    that read them anyway (the dashboard, the visit list), counted on any other."""
    version = g.get(_SHOWN_VERSIONS)
    if version is None:
        return count()
    key = (version.database, version.sections, today, owner_id)
    kept = current_app.extensions.setdefault("kept_overdue_counts", {})
    found = kept.get(key)
    if found is None:
        found = count()
        if len(kept) >= KEPT_SECTIONS_AT_MOST:
            kept.clear()
        kept[key] = found
    return found


def kept_section(page: str, versions: tuple, draw: Callable[[], str]) -> Markup:
    """A part of a page as `draw` writes it, kept in the process under `versions` (the
    versions of all it shows, and the office's day where it matters) and what of the
    reader it depends on: their language and role, the site's address, the path and
    query string. Nothing of the request is kept but its CSRF token, put back each time.

    As with the kept programmes, nothing is invalidated: a change gives a new key."""
    key = (
        page,
        *versions,
        current_language(),
        bool(current_user.can_edit),
        request.script_root,
        request.full_path,
    )
    kept = current_app.extensions.setdefault("kept_sections", {})
    html = kept.get(key)
    if html is None:
        html = without_csrf(draw())
        if len(kept) >= KEPT_SECTIONS_AT_MOST:
            kept.clear()
        kept[key] = html
    return with_csrf(html)


class RowLinks:
    """url_for(endpoint, <argument>=id) for each row of a list, the URL built once: a list
    of fifty visits asked the URL map fifty times. `visit_url(visit.id)` in a template."""

    _STAND_IN = 2_147_483_647

    def __init__(self, endpoint: str, argument: str):
        values: dict[str, Any] = {argument: self._STAND_IN}
        url = url_for(endpoint, **values)
        self._before, _, self._after = url.partition(str(self._STAND_IN))

    def __call__(self, row_id: int) -> str:
        return f"{self._before}{row_id}{self._after}"


def acting_user() -> User:
    """The signed-in user as a plain model object, for the domain functions' `acting=`."""
    return current_user._get_current_object()


def live_visit_or_404(visit_id: int, *, with_programme: bool = False) -> Visit:
    """The visit, unless it is missing or in the bin (a binned visit opens only from the bin).

    `with_programme` loads its participants, stops, venues and attendees at once."""
    if with_programme:
        visit = visit_with_programme(db.session, visit_id)
    else:
        visit = db.session.get(Visit, visit_id)
    return unless_binned(visit) or abort(404)


def participant_or_404(visit: Visit, participant_id: int) -> Participant:
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.visit_id != visit.id:
        abort(404)
    return participant


# Rows a list page shows at once: enough to scan, few enough that the page stays small.
PER_PAGE = 50


def paged(query: sa.Select, per_page: int = PER_PAGE) -> Pagination:
    """One page of the query's rows, by ?page=N (templates/_pagination.html draws the links).

    A page number past the last page is a 404: there is nothing there to show."""
    return db.paginate(query, page=page_arg(), per_page=per_page, error_out=True)


class RowPagination(SelectPagination):
    """A page of a select of columns, as rows: SelectPagination keeps only the first column."""

    def _query_items(self) -> list:
        select = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(select))


def paged_rows(query: sa.Select, per_page: int = PER_PAGE) -> Pagination:
    """`paged` for a query of plain rows (columns, not models): what a long list reads
    when building fifty models would cost more than writing the page."""
    return RowPagination(
        select=query, session=db.session(), page=page_arg(), per_page=per_page, error_out=True
    )


def form_page(template: str, form, **context):
    """The page again, with the form's field errors: 400 when they are there."""
    return render_template(template, form=form, **context), 400 if form.errors else 200


def enum_arg(name: str, enum_class):
    """The member named by ?<name>=..., None for all; 400 for a value that is not one."""
    value = request.args.get(name) or None
    if value is None:
        return None
    try:
        return enum_class(value)
    except ValueError:
        abort(400, _("Unknown value for %(name)s: %(value)s", name=name, value=value))


def kind_from_args(enum_class):
    """The enum member named by ?kind=..., None for all; 400 for a value that is not one."""
    value = request.args.get("kind") or None
    if value is None:
        return None
    try:
        return enum_class(value)
    except ValueError:
        abort(400, _("Unknown kind: %(kind)s", kind=value))


def feed_url(owner: Participant | User) -> str:
    """The subscription address of a participant's or a staff member's feed."""
    token = feed_token(current_app.config["SECRET_KEY"], owner)
    return current_app.config["BASE_URL"] + url_for("calendars.feed", token=token)


def download(file: StoredFile) -> Response:
    """A stored file as a download that no browser will run or render in our origin."""
    response = send_file(
        file.source,
        mimetype=file.content_type,
        as_attachment=True,
        download_name=file.name,
        etag=file.sha256,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def send_after_commit(
    messages: list[MailMessage],
    *,
    report: Callable[[outbox.SendReport], None] = lambda _report: None,
) -> None:
    """Hand the letters to the worker once the request's changes are committed, then
    `report` it (a flash: queued, or sent and failed when the queue runs tasks at once).
    If the request fails, nothing is queued: no letter about a change that did not happen.
    A letter that cannot be sent waits in the mail log, to be retried."""
    message_ids = [message.id for message in messages]

    def send() -> None:
        # Huey with redis and psycopg is 15 MB: only a request that sends a letter loads it.
        from planner.calendars.mail.tasks import queue_letters

        report(queue_letters(message_ids))

    if message_ids:
        after_commit(send)
