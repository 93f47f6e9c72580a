"""Pages for organizations: the list with search, add, edit and delete."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from planner import params
from planner.extensions import db
from planner.i18n import html_gettext, reader_name
from planner.organizations.forms import OrganizationForm
from planner.organizations.models import Organization, OrganizationKind
from planner.organizations.operations import (
    count_by_organization,
    create_organization,
    delete_organization,
    organizations_query,
    references_to,
    update_organization,
)
from planner.people.models import Person
from planner.security import planner_required
from planner.venues.models import Venue
from planner.web import acting_user, kind_from_args, paged

bp = Blueprint("organizations", __name__)


@bp.get("/organizations")
def list_organizations():
    search = params.text_arg("q")
    kind = kind_from_args(OrganizationKind)
    page = paged(organizations_query(search=search, kind=kind))
    shown = [organization.id for organization in page.items]
    return render_template(
        "organizations/list.html",
        page=page,
        organizations=page.items,
        search=search,
        kind=kind,
        kinds=OrganizationKind.choices(),
        people_counts=count_by_organization(db.session, Person.organization_id, shown),
        venue_counts=count_by_organization(db.session, Venue.organization_id, shown),
    )


@bp.route("/organizations/new", methods=["GET", "POST"])
@planner_required
def create_organization_page():
    form = OrganizationForm()
    if form.validate_on_submit():
        organization = create_organization(db.session, acting=acting_user(), **form.values())
        flash(html_gettext("%(name)s is added.", name=reader_name(organization)), "success")
        return redirect(url_for("organizations.list_organizations"))
    return render_template("organizations/form.html", form=form, organization=None), (
        400 if form.errors else 200
    )


@bp.route("/organizations/<int:organization_id>/edit", methods=["GET", "POST"])
@planner_required
def edit_organization(organization_id: int):
    organization = db.session.get(Organization, organization_id) or abort(404)
    form = OrganizationForm(obj=organization)
    if form.validate_on_submit():
        update_organization(db.session, organization, acting=acting_user(), **form.values())
        flash(html_gettext("%(name)s is saved.", name=reader_name(organization)), "success")
        return redirect(url_for("organizations.list_organizations"))
    return render_template("organizations/form.html", form=form, organization=organization), (
        400 if form.errors else 200
    )


@bp.route("/organizations/<int:organization_id>/delete", methods=["GET", "POST"])
@planner_required
def delete_organization_page(organization_id: int):
    organization = db.session.get(Organization, organization_id) or abort(404)
    if request.method == "POST":
        name = reader_name(organization)
        delete_organization(db.session, organization, acting=acting_user())
        flash(html_gettext("%(name)s is deleted.", name=name), "success")
        return redirect(url_for("organizations.list_organizations"))
    return render_template(
        "organizations/delete.html",
        organization=organization,
        references=references_to(db.session, organization),
    )
