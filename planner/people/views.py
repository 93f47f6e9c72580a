"""Pages for people: the list with search, a person's page with their visits, the form, delete."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from planner import params
from planner.extensions import db
from planner.i18n import country_name, html_gettext, reader_name
from planner.organizations.models import Organization
from planner.organizations.operations import all_organizations
from planner.people.forms import PersonForm
from planner.people.models import Person
from planner.people.operations import (
    PersonInVisits,
    create_person,
    delete_person,
    nationalities,
    participations,
    people_query,
    update_person,
)
from planner.security import planner_required
from planner.web import acting_user, paged

bp = Blueprint("people", __name__)


def get_person(person_id: int) -> Person:
    return db.session.get(Person, person_id) or abort(404)


@bp.get("/people")
def list_people():
    search = params.text_arg("q")
    nationality = params.text_arg("nationality").upper() or None
    organization = None
    if (organization_id := params.id_arg("organization")) is not None:
        organization = db.session.get(Organization, organization_id) or abort(404)
    page = paged(
        people_query(
            search=search,
            nationality=nationality,
            organization_id=organization.id if organization else None,
        )
    )
    return render_template(
        "people/list.html",
        page=page,
        people=page.items,
        search=search,
        nationality=nationality,
        organization=organization,
        nationalities=[(code, country_name(code)) for code in nationalities(db.session)],
        organizations=[(item.id, reader_name(item)) for item in all_organizations(db.session)],
    )


@bp.get("/people/<int:person_id>")
def show_person(person_id: int):
    person = get_person(person_id)
    return render_template(
        "people/show.html", person=person, participations=participations(db.session, person)
    )


def render_person_form(form: PersonForm, person: Person | None):
    return render_template("people/form.html", form=form, person=person), (
        400 if form.errors else 200
    )


@bp.route("/people/new", methods=["GET", "POST"])
@planner_required
def create_person_page():
    form = PersonForm(organizations=all_organizations(db.session))
    if form.validate_on_submit():
        person = create_person(db.session, acting=acting_user(), **form.values())
        flash(html_gettext("%(name)s is added.", name=reader_name(person)), "success")
        return redirect(url_for("people.show_person", person_id=person.id))
    return render_person_form(form, None)


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@planner_required
def edit_person(person_id: int):
    person = get_person(person_id)
    form = PersonForm(obj=person, organizations=all_organizations(db.session))
    if form.validate_on_submit():
        update_person(db.session, person, acting=acting_user(), **form.values())
        flash(html_gettext("%(name)s is saved.", name=reader_name(person)), "success")
        return redirect(url_for("people.show_person", person_id=person.id))
    return render_person_form(form, person)


@bp.route("/people/<int:person_id>/delete", methods=["GET", "POST"])
@planner_required
def delete_person_page(person_id: int):
    person = get_person(person_id)
    if request.method == "POST":
        name = reader_name(person)
        try:
            delete_person(db.session, person, acting=acting_user())
        except PersonInVisits as refusal:
            flash(
                html_gettext("%(name)s takes part in visits and cannot be deleted.", name=name),
                "error",
            )
            return render_template(
                "people/delete.html", person=person, participations=refusal.participations
            ), 409
        flash(html_gettext("%(name)s is deleted.", name=name), "success")
        return redirect(url_for("people.list_people"))
    return render_template(
        "people/delete.html", person=person, participations=participations(db.session, person)
    )
