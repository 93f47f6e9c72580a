"""Pages for what a visit produced: outcomes, their documents and follow-ups, and each
staff member's own follow-ups, with the overdue ones counted in the navigation."""

from collections.abc import Callable
from datetime import date
from functools import cache

from babel import Locale
from babel.numbers import format_currency, get_territory_currencies
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from planner import params
from planner.accounts.models import User
from planner.clock import app_office_today
from planner.extensions import db
from planner.i18n import current_language, html_gettext
from planner.organizations.operations import all_organizations
from planner.outcomes import operations
from planner.outcomes.documents import (
    DOCUMENT_TYPES,
    DocumentNotStored,
    DocumentRefused,
    delete_document,
    document_storage,
    size_text,
    store_upload,
)
from planner.outcomes.forms import DocumentForm, FollowUpEditForm, FollowUpForm, OutcomeForm
from planner.outcomes.models import FollowUp, FollowUpStatus, Outcome, OutcomeDocument
from planner.outcomes.queries import FollowUpsShown, follow_ups_query
from planner.partnerships.models import Partnership
from planner.security import is_safe_next, planner_required
from planner.timefmt import format_number, format_short_date
from planner.visits.models import Visit
from planner.web import (
    acting_user,
    download,
    enum_arg,
    form_page,
    kept_overdue_count,
    live_visit_or_404,
    paged,
)

bp = Blueprint("outcomes", __name__)


def back_to(default: str) -> str:
    """Where a small action returns: the page it was sent from, if it is one of ours."""
    target = request.form.get("next") or request.args.get("next")
    return target if is_safe_next(target) else default


# --- Outcomes ---------------------------------------------------------------------------


def outcome_or_404(outcome_id: int) -> Outcome:
    outcome = operations.outcome_for_page(db.session, outcome_id)
    if outcome is None or outcome.visit.is_deleted:
        abort(404)
    return outcome


def outcome_url(outcome: Outcome, anchor: str | None = None) -> str:
    return url_for("outcomes.show_outcome", outcome_id=outcome.id, _anchor=anchor)


def visit_outcomes_url(visit_id: int) -> str:
    return url_for("visits.show_visit", visit_id=visit_id, _anchor="outcomes")


def outcome_form(visit: Visit, outcome: Outcome | None = None, **kwargs) -> OutcomeForm:
    stops = visit.live_stops
    if outcome is not None and outcome.stop is not None and outcome.stop not in stops:
        stops = [*stops, outcome.stop]  # keep a binned stop it was recorded at
    return OutcomeForm(
        stops=stops,
        partnerships=operations.partnership_options(db.session),
        organizations=all_organizations(db.session),
        obj=outcome,
        **kwargs,
    )


@cache
def _currencies_in_use() -> frozenset[str]:
    territories = (
        code for code in Locale("en").territories if isinstance(code, str) and len(code) == 2
    )
    return frozenset(
        currency for code in territories for currency in get_territory_currencies(code, tender=True)
    )


def currency_suggestions() -> list[tuple[str, str]]:
    """(code, name) of the currencies in use today, for the currency input to offer."""
    names = Locale.parse(current_language()).currencies
    return sorted((code, names.get(code, code)) for code in _currencies_in_use())


def outcome_form_page(form: OutcomeForm, visit: Visit, outcome: Outcome | None):
    return form_page(
        "outcomes/form.html",
        form,
        visit=visit,
        outcome=outcome,
        currencies=currency_suggestions(),
    )


def default_day(visit: Visit) -> date:
    """Today if the visit is on, else its first or last day: when the outcome arose."""
    return min(max(app_office_today(), visit.start_date), visit.end_date)


@bp.route("/visits/<int:visit_id>/outcomes/new", methods=["GET", "POST"])
@planner_required
def create_outcome(visit_id: int):
    visit = live_visit_or_404(visit_id)
    form = outcome_form(visit, day=default_day(visit))
    if form.validate_on_submit():
        outcome = operations.create_outcome(
            db.session, visit, acting=acting_user(), **form.values()
        )
        flash(_("The outcome is recorded. Add a follow-up: who does what, by when."), "success")
        return redirect(outcome_url(outcome))
    return outcome_form_page(form, visit, None)


@bp.get("/outcomes/<int:outcome_id>")
def show_outcome(outcome_id: int):
    return outcome_page(outcome_or_404(outcome_id))


def outcome_page(outcome: Outcome, document_form: DocumentForm | None = None, status: int = 200):
    return render_template(
        "outcomes/show.html",
        outcome=outcome,
        visit=outcome.visit,
        document_form=document_form or DocumentForm(formdata=None),
        max_size=size_text(current_app.config["OUTCOME_DOCUMENT_MAX_BYTES"]),
        today=app_office_today(),
    ), status


@bp.route("/outcomes/<int:outcome_id>/edit", methods=["GET", "POST"])
@planner_required
def edit_outcome(outcome_id: int):
    outcome = outcome_or_404(outcome_id)
    form = outcome_form(outcome.visit, outcome)
    if form.validate_on_submit():
        operations.update_outcome(db.session, outcome, acting=acting_user(), **form.values())
        flash(_("The outcome is saved."), "success")
        return redirect(outcome_url(outcome))
    return outcome_form_page(form, outcome.visit, outcome)


@bp.route("/outcomes/<int:outcome_id>/delete", methods=["GET", "POST"])
@planner_required
def delete_outcome(outcome_id: int):
    outcome = outcome_or_404(outcome_id)
    if request.method == "POST":
        visit_id = outcome.visit_id
        operations.delete_outcome(
            db.session,
            outcome,
            acting=acting_user(),
            documents=document_storage(current_app.config),
        )
        flash(_("The outcome is deleted."), "success")
        return redirect(visit_outcomes_url(visit_id))
    return render_template("outcomes/delete.html", outcome=outcome, visit=outcome.visit)


# --- Documents --------------------------------------------------------------------------


def document_or_404(document_id: int) -> OutcomeDocument:
    document = db.session.get(OutcomeDocument, document_id)
    if document is None or document.outcome.visit.is_deleted:
        abort(404)
    return document


@bp.post("/outcomes/<int:outcome_id>/documents")
@planner_required
def upload_document(outcome_id: int):
    outcome = outcome_or_404(outcome_id)
    form = DocumentForm()
    if not form.validate_on_submit():
        return outcome_page(outcome, form, 400)
    try:
        document = store_upload(
            db.session, outcome, form.document.data, acting=acting_user(), config=current_app.config
        )
    except DocumentRefused as error:
        form.document.errors.append(error.message)
        return outcome_page(outcome, form, 400)
    except DocumentNotStored as error:
        form.document.errors.append(error.message)
        return outcome_page(outcome, form, 500)
    flash(html_gettext("%(name)s is attached.", name=document.filename), "success")
    return redirect(outcome_url(outcome, "documents"))


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error):
    """The server stops reading a request larger than a document may be: say so plainly."""
    limit = size_text(current_app.config["OUTCOME_DOCUMENT_MAX_BYTES"])
    message = _("The file is larger than %(limit)s, the most a document may be.", limit=limit)
    if request.endpoint != "outcomes.upload_document":
        return error
    form = DocumentForm(formdata=None)  # the request's body is not to be read
    form.document.errors = [message]
    outcome_id = (request.view_args or {})["outcome_id"]  # upload_document's own argument
    return outcome_page(outcome_or_404(outcome_id), form, 413)


@bp.get("/documents/<int:document_id>")
def download_document(document_id: int):
    document = document_or_404(document_id)
    file = document_storage(current_app.config).open(db.session, document)
    if file is None:
        abort(404, _("The file of this document is missing from the server."))
    return download(file)


@bp.route("/documents/<int:document_id>/delete", methods=["GET", "POST"])
@planner_required
def delete_document_page(document_id: int):
    document = document_or_404(document_id)
    outcome = document.outcome
    if request.method == "POST":
        name = document.filename
        delete_document(
            db.session,
            document,
            acting=acting_user(),
            storage=document_storage(current_app.config),
        )
        flash(html_gettext("%(name)s is deleted.", name=name), "success")
        return redirect(outcome_url(outcome, "documents"))
    return render_template(
        "outcomes/document_delete.html", document=document, outcome=outcome, visit=outcome.visit
    )


# --- Follow-ups -------------------------------------------------------------------------


def follow_up_or_404(follow_up_id: int) -> FollowUp:
    return db.session.get(FollowUp, follow_up_id) or abort(404)


def follow_up_home(follow_up: FollowUp) -> str:
    """The page a follow-up is shown on: its outcome's, its visit's or its partnership's."""
    if follow_up.outcome is not None:
        return outcome_url(follow_up.outcome, "follow-ups")
    if follow_up.visit is not None and not follow_up.visit.is_deleted:
        return visit_outcomes_url(follow_up.visit.id)
    if follow_up.partnership is not None:
        return partnership_url(follow_up.partnership)
    return url_for("outcomes.my_follow_ups")


def partnership_url(partnership: Partnership) -> str:
    return url_for("partnerships.show_partnership", partnership_id=partnership.id)


def follow_up_form_page(form, *, follow_up: FollowUp | None, ties: dict, cancel_url: str):
    return form_page(
        "outcomes/follow_up_form.html",
        form,
        follow_up=follow_up,
        cancel_url=cancel_url,
        **ties,
    )


def create_follow_up_page(ties: dict, cancel_url: str):
    form = FollowUpForm(owners=operations.follow_up_owners(db.session))
    if request.method == "GET":
        form.owner_id.data = current_user.id
    if form.validate_on_submit():
        follow_up = operations.create_follow_up(
            db.session, acting=acting_user(), **ties, **form.values()
        )
        flash(
            html_gettext(
                "“%(title)s” is due on %(day)s.",
                title=follow_up.title,
                day=format_short_date(follow_up.due_date, current_language()),
            ),
            "success",
        )
        return redirect(back_to(follow_up_home(follow_up)))
    return follow_up_form_page(form, follow_up=None, ties=ties, cancel_url=cancel_url)


@bp.route("/outcomes/<int:outcome_id>/follow-ups/new", methods=["GET", "POST"])
@planner_required
def create_follow_up(outcome_id: int):
    outcome = outcome_or_404(outcome_id)
    return create_follow_up_page({"outcome": outcome}, outcome_url(outcome, "follow-ups"))


@bp.route("/follow-ups/new", methods=["GET", "POST"])
@planner_required
def create_loose_follow_up():
    """A follow-up of a visit (?visit=ID) or of a partnership (?partnership=ID)."""
    if (visit_id := params.id_arg("visit")) is not None:
        visit = live_visit_or_404(visit_id)
        return create_follow_up_page({"visit": visit}, visit_outcomes_url(visit.id))
    if (partnership_id := params.id_arg("partnership")) is not None:
        partnership = db.session.get(Partnership, partnership_id) or abort(404)
        return create_follow_up_page({"partnership": partnership}, partnership_url(partnership))
    abort(404)


@bp.route("/follow-ups/<int:follow_up_id>/edit", methods=["GET", "POST"])
@planner_required
def edit_follow_up(follow_up_id: int):
    follow_up = follow_up_or_404(follow_up_id)
    form = FollowUpEditForm(
        obj=follow_up, owners=operations.follow_up_owners(db.session, follow_up.owner)
    )
    if form.validate_on_submit():
        operations.update_follow_up(db.session, follow_up, acting=acting_user(), **form.values())
        flash(html_gettext("“%(title)s” is saved.", title=follow_up.title), "success")
        return redirect(back_to(follow_up_home(follow_up)))
    return follow_up_form_page(
        form,
        follow_up=follow_up,
        ties={
            "outcome": follow_up.outcome,
            "visit": follow_up.visit,
            "partnership": follow_up.partnership,
        },
        cancel_url=back_to(follow_up_home(follow_up)),
    )


def change_status(follow_up_id: int, status: FollowUpStatus, said: Callable[[str], str]):
    """Mark done, drop or reopen, then back to the page the button was on; `said(title)`
    is the message that confirms it."""
    follow_up = follow_up_or_404(follow_up_id)
    operations.set_follow_up_status(db.session, follow_up, status, acting=acting_user())
    flash(said(follow_up.title), "success")
    return redirect(back_to(follow_up_home(follow_up)))


@bp.post("/follow-ups/<int:follow_up_id>/done")
@planner_required
def complete_follow_up(follow_up_id: int):
    return change_status(
        follow_up_id,
        FollowUpStatus.DONE,
        lambda title: html_gettext("“%(title)s” is done.", title=title),
    )


@bp.post("/follow-ups/<int:follow_up_id>/drop")
@planner_required
def drop_follow_up(follow_up_id: int):
    return change_status(
        follow_up_id,
        FollowUpStatus.DROPPED,
        lambda title: html_gettext("“%(title)s” is dropped.", title=title),
    )


@bp.post("/follow-ups/<int:follow_up_id>/reopen")
@planner_required
def reopen_follow_up(follow_up_id: int):
    return change_status(
        follow_up_id,
        FollowUpStatus.OPEN,
        lambda title: html_gettext("“%(title)s” is open again.", title=title),
    )


@bp.get("/follow-ups")
def list_follow_ups():
    """Everyone's follow-ups (or ?owner=ID's), a page at a time; ?status=overdue for the
    late ones."""
    shown = enum_arg("status", FollowUpsShown)
    owner = None
    if (owner_id := params.id_arg("owner")) is not None:
        owner = db.session.get(User, owner_id) or abort(404)
    today = app_office_today()
    page = paged(follow_ups_query(today, shown, owner.id if owner else None))
    return render_template(
        "outcomes/list.html",
        page=page,
        follow_ups=page.items,
        shown=shown,
        owner=owner,
        choices=list(FollowUpsShown),
        today=today,
    )


@bp.get("/follow-ups/mine")
def my_follow_ups():
    today = app_office_today()
    return render_template(
        "outcomes/mine.html",
        mine=operations.follow_ups_of_owner(db.session, current_user.id, today),
        today=today,
    )


# --- For every page: the overdue badge, the visit page's section, money -----------------


@bp.app_context_processor
def _overdue_badge():
    def overdue_follow_up_count() -> int:
        """The signed-in user's overdue follow-ups: one COUNT, only when the page asks."""
        if not current_user.is_authenticated:
            return 0
        today, owner_id = app_office_today(), current_user.id
        return kept_overdue_count(
            owner_id, today, lambda: operations.count_overdue(db.session, today, owner_id)
        )

    return {"overdue_follow_up_count": overdue_follow_up_count}


@bp.app_template_filter("money")
def money(value, currency: str | None) -> str:
    """'US$450,000.00' in the reader's language; the plain number if no currency."""
    language = current_language()
    if currency:
        text = format_currency(value, currency, locale=language)
    else:
        text = f"{value:,.2f}"
    return format_number(text, language)


@bp.app_template_filter("document_type")
def document_type_label(content_type: str) -> str:
    kind = next((kind for kind in DOCUMENT_TYPES if kind.content_type == content_type), None)
    return str(kind.label) if kind is not None else content_type


@bp.app_template_filter("file_size")
def file_size(size: int) -> str:
    return format_number(str(size_text(size)), current_language())
