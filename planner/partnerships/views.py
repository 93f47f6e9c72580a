"""Partnerships: the list, a partnership's page with its one timeline, its stage moves,
and "Plan a return visit" from a partnership or from one of its follow-ups.

There is no page that edits or deletes a stage change, nor one that deletes a
partnership: it is closed by moving it to the stage "closed".
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from planner import params
from planner.clock import app_office_today, office_zone
from planner.extensions import db
from planner.i18n import country_name, html_gettext
from planner.organizations.operations import all_organizations
from planner.outcomes.models import FollowUp
from planner.partnerships import operations
from planner.partnerships.forms import (
    NewPartnershipForm,
    PartnershipForm,
    ReturnVisitForm,
    StageForm,
)
from planner.partnerships.models import Partnership, PartnershipKind, Stage
from planner.partnerships.operations import SortOrder, StageError
from planner.partnerships.return_visit import return_visit_defaults
from planner.partnerships.timeline import build_timeline
from planner.security import planner_required
from planner.timefmt import zone_names
from planner.web import acting_user, enum_arg, form_page, paged

bp = Blueprint("partnerships", __name__)


def partnership_or_404(partnership_id: int) -> Partnership:
    return operations.partnership_for_page(db.session, partnership_id) or abort(404)


# --- The list ---------------------------------------------------------------------------


@bp.get("/partnerships")
def list_partnerships():
    kind = enum_arg("kind", PartnershipKind)
    stage = enum_arg("stage", Stage)
    country = params.text_arg("country").upper() or None
    order = request.args.get("order") or SortOrder.STAGE
    if order not in SortOrder.ALL:
        abort(400, _("Unknown order: %(order)s", order=order))
    query = operations.partnerships_query(kind=kind, stage=stage, country=country, order=order)
    page = paged(query)
    rows = operations.listed_partnerships(db.session, page.items, office_zone())
    stage_counts = dict(db.session.execute(operations.count_by_stage(query)).tuples().all())
    countries = [(code, country_name(code)) for code in operations.partner_countries(db.session)]
    return render_template(
        "partnerships/list.html",
        rows=rows,
        page=page,
        stage_counts=stage_counts,
        kind=kind,
        stage=stage,
        country=country,
        order=order,
        kinds=PartnershipKind.choices(),
        stages=list(Stage),
        countries=countries,
        filtered=bool(kind or stage or country),
    )


# --- Create and edit --------------------------------------------------------------------


@bp.route("/partnerships/new", methods=["GET", "POST"])
@planner_required
def create_partnership():
    form = NewPartnershipForm(organizations=all_organizations(db.session))
    if form.validate_on_submit():
        try:
            partnership = operations.create_partnership(
                db.session, acting=acting_user(), reason=form.reason.data, **form.values()
            )
        except StageError as error:
            form[error.field].errors.append(error.message)
        else:
            flash(
                html_gettext("The partnership “%(title)s” is created.", title=partnership.title),
                "success",
            )
            return redirect(url_for("partnerships.show_partnership", partnership_id=partnership.id))
    return form_page("partnerships/form.html", form, partnership=None)


@bp.route("/partnerships/<int:partnership_id>/edit", methods=["GET", "POST"])
@planner_required
def edit_partnership(partnership_id: int):
    partnership = partnership_or_404(partnership_id)
    form = PartnershipForm(obj=partnership, organizations=all_organizations(db.session))
    if form.validate_on_submit():
        # Only the form's own fields reach the operation: a posted "stage" or history
        # field is not one of them, so it is ignored.
        operations.update_partnership(
            db.session, partnership, acting=acting_user(), **form.values()
        )
        flash(
            html_gettext("The partnership “%(title)s” is saved.", title=partnership.title),
            "success",
        )
        return redirect(url_for("partnerships.show_partnership", partnership_id=partnership.id))
    return form_page("partnerships/form.html", form, partnership=partnership)


# --- A partnership's page and its stage -------------------------------------------------


def show_page(partnership: Partnership, stage_form: StageForm):
    day = app_office_today()
    timeline = build_timeline(
        visits=operations.visits_concerning(db.session, partnership),
        outcomes=operations.outcomes_of(db.session, partnership),
        follow_ups=operations.follow_ups_of(db.session, partnership),
        stage_changes=partnership.history,
        office_zone=office_zone(),
        today=day,
    )
    return form_page(
        "partnerships/show.html",
        stage_form,
        partnership=partnership,
        history=list(reversed(partnership.history)),
        timeline=timeline,
        today=day,
        office_zone=office_zone(),
    )


def next_stage(stage: Stage) -> Stage:
    """What the stage form offers first: the next step of the pipeline."""
    pipeline = list(Stage)
    return pipeline[min(pipeline.index(stage) + 1, len(pipeline) - 1)]


@bp.get("/partnerships/<int:partnership_id>")
def show_partnership(partnership_id: int):
    partnership = partnership_or_404(partnership_id)
    return show_page(partnership, StageForm(formdata=None, to_stage=next_stage(partnership.stage)))


@bp.post("/partnerships/<int:partnership_id>/stage")
@planner_required
def move_stage(partnership_id: int):
    partnership = partnership_or_404(partnership_id)
    form = StageForm()
    if form.validate_on_submit():
        before = partnership.stage
        try:
            operations.move_stage(
                db.session,
                partnership,
                form.to_stage.data,
                acting=acting_user(),
                reason=form.reason.data,
            )
        except StageError as error:
            form[error.field].errors.append(error.message)
        else:
            flash(
                html_gettext(
                    "“%(title)s” moved from “%(before)s” to “%(after)s”.",
                    title=partnership.title,
                    before=before.label,
                    after=partnership.stage.label,
                ),
                "success",
            )
            return redirect(
                url_for(
                    "partnerships.show_partnership",
                    partnership_id=partnership.id,
                    _anchor="history",
                )
            )
    return show_page(partnership, form)


# --- Plan a return visit ----------------------------------------------------------------


def return_visit_page(partnership: Partnership, follow_up: FollowUp | None):
    """The confirmation form (GET) and the draft visit it creates (POST)."""
    copied_from = None
    if follow_up is not None and follow_up.visit is not None and not follow_up.visit.is_deleted:
        copied_from = follow_up.visit
    defaults = return_visit_defaults(
        title=_("Return visit: %(title)s", title=partnership.title),
        partner_country=partnership.partner_country,
        partner_city=partnership.partner_city,
        description=partnership.description,
        today=app_office_today(),
        due_date=follow_up.due_date if follow_up else None,
        follow_up_line=_("Follow-up: %(title)s", title=follow_up.title) if follow_up else None,
    )
    form = ReturnVisitForm(
        title=defaults.title,
        start_date=defaults.start_date,
        end_date=defaults.end_date,
        timezone=defaults.timezone,
        purpose=defaults.purpose,
    )
    if form.validate_on_submit():
        visit = operations.plan_return_visit(
            db.session,
            partnership,
            acting=acting_user(),
            title=form.title.data,
            start_date=form.start_date.data,
            end_date=form.end_date.data,
            timezone=form.timezone.data,
            delegation_timezone=office_zone(),
            purpose=form.purpose.data,
            copied_from=copied_from,
        )
        place = partnership.partner_city or country_name(partnership.partner_country)
        flash(
            html_gettext(
                "The return visit to %(place)s is a draft: check the host, the dates and the "
                "time zone, then add the delegation and the programme.",
                place=place,
            ),
            "success",
        )
        return redirect(url_for("visits.edit_visit", visit_id=visit.id))
    return form_page(
        "partnerships/return_visit_form.html",
        form,
        partnership=partnership,
        follow_up=follow_up,
        copied_from=copied_from,
        office_zone=office_zone(),
        zones=zone_names(),
    )


@bp.route("/partnerships/<int:partnership_id>/return-visit", methods=["GET", "POST"])
@planner_required
def plan_return_visit(partnership_id: int):
    return return_visit_page(partnership_or_404(partnership_id), None)


@bp.route("/follow-ups/<int:follow_up_id>/plan-return-visit", methods=["GET", "POST"])
@planner_required
def plan_return_visit_from_follow_up(follow_up_id: int):
    follow_up = db.session.get(FollowUp, follow_up_id) or abort(404)
    partnership = operations.partnership_of_follow_up(db.session, follow_up)
    if partnership is None:
        flash(
            html_gettext(
                "“%(title)s” is not tied to a partnership. Tie it to one, or copy its visit "
                "as a return visit.",
                title=follow_up.title,
            ),
            "warning",
        )
        if follow_up.visit is not None and not follow_up.visit.is_deleted:
            return redirect(url_for("visits.show_visit", visit_id=follow_up.visit.id))
        return redirect(url_for("partnerships.list_partnerships"))
    return return_visit_page(partnership, follow_up)
