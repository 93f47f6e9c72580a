"""Pages for venues: the list and the bin, a venue's page, its form, closed dates, drive times."""

from babel.dates import get_day_names
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from planner import params
from planner.clock import utc_now
from planner.extensions import db
from planner.i18n import current_language, html_gettext, reader_name
from planner.organizations.operations import all_organizations
from planner.security import planner_required
from planner.timefmt import zone_names
from planner.venues.forms import (
    WEEK_FROM_SATURDAY,
    ClosureForm,
    TravelTimeForm,
    VenueForm,
    day_hours_data,
)
from planner.venues.models import TravelTime, Venue, VenueClosure, VenueKind
from planner.venues.operations import (
    active_venues,
    add_closure,
    create_venue,
    delete_venue,
    remove_closure,
    remove_travel_time,
    restore_venue,
    set_travel_time,
    travel_times_from,
    upcoming_stops_at,
    update_venue,
    venue_cities,
    venue_for_page,
    venues_query,
    weekly_hours,
)
from planner.web import acting_user, kind_from_args, paged

bp = Blueprint("venues", __name__)


# Region/City names only: the legacy aliases (Iran, GMT+0, posix/...) would crowd the list.
def week_from_saturday() -> list[tuple[int, str]]:
    """(weekday, its name in the reader's language), Saturday first as in the Iranian week."""
    names = get_day_names("wide", locale=current_language())
    return [(weekday, names[weekday]) for weekday in WEEK_FROM_SATURDAY]


def get_venue(venue_id: int) -> Venue:
    return venue_for_page(db.session, venue_id) or abort(404)


@bp.get("/venues")
def list_venues():
    search = params.text_arg("q")
    kind = kind_from_args(VenueKind)
    city = params.text_arg("city") or None
    page = paged(venues_query(search=search, kind=kind, city=city))
    return render_template(
        "venues/list.html",
        page=page,
        venues=page.items,
        search=search,
        kind=kind,
        city=city,
        kinds=VenueKind.choices(),
        cities=[(name, name) for name in venue_cities(db.session)],
    )


@bp.get("/venues/bin")
def deleted_venues():
    page = paged(venues_query(deleted=True))
    return render_template("venues/bin.html", page=page, venues=page.items)


def render_venue_page(venue: Venue, closure_form=None, travel_form=None):
    others = [other for other in active_venues(db.session) if other.id != venue.id]
    if closure_form is None:
        closure_form = ClosureForm(venue=venue, prefix="closure", formdata=None)
    if travel_form is None:
        travel_form = TravelTimeForm(other_venues=others, prefix="drive", formdata=None)
    status = 400 if closure_form.errors or travel_form.errors else 200
    return render_template(
        "venues/show.html",
        venue=venue,
        week=week_from_saturday(),
        hours=weekly_hours(venue),
        travel_times=travel_times_from(db.session, venue),
        closure_form=closure_form,
        travel_form=travel_form,
        now=utc_now(),
    ), status


@bp.get("/venues/<int:venue_id>")
def show_venue(venue_id: int):
    return render_venue_page(get_venue(venue_id))


def venue_form(venue: Venue | None) -> VenueForm:
    """The form, filled from the venue (or the office's defaults) unless the user sent it."""
    organizations = all_organizations(db.session)
    if request.method == "POST":
        return VenueForm(obj=venue, organizations=organizations)
    hours = weekly_hours(venue) if venue is not None else {}
    return VenueForm(
        obj=venue,
        organizations=organizations,
        timezone=current_app.config["OFFICE_TIMEZONE"],
        always_open=venue is not None and not hours,
        # A day without hours is ticked "Closed" only where the venue keeps weekly hours.
        hours=[
            day_hours_data(hours.get(weekday, []), closed=bool(hours) and weekday not in hours)
            for weekday in WEEK_FROM_SATURDAY
        ],
    )


def render_venue_form(form: VenueForm, venue: Venue | None):
    return render_template(
        "venues/form.html", form=form, venue=venue, week=week_from_saturday(), zones=zone_names()
    ), (400 if form.errors else 200)


@bp.route("/venues/new", methods=["GET", "POST"])
@planner_required
def create_venue_page():
    form = venue_form(None)
    if form.validate_on_submit():
        venue = create_venue(
            db.session, acting=acting_user(), hours=form.weekly_hours(), **form.values()
        )
        flash(html_gettext("%(name)s is added.", name=reader_name(venue)), "success")
        return redirect(url_for("venues.show_venue", venue_id=venue.id))
    return render_venue_form(form, None)


@bp.route("/venues/<int:venue_id>/edit", methods=["GET", "POST"])
@planner_required
def edit_venue(venue_id: int):
    venue = get_venue(venue_id)
    form = venue_form(venue)
    if form.validate_on_submit():
        update_venue(
            db.session, venue, acting=acting_user(), hours=form.weekly_hours(), **form.values()
        )
        flash(html_gettext("%(name)s is saved.", name=reader_name(venue)), "success")
        return redirect(url_for("venues.show_venue", venue_id=venue.id))
    return render_venue_form(form, venue)


@bp.route("/venues/<int:venue_id>/delete", methods=["GET", "POST"])
@planner_required
def delete_venue_page(venue_id: int):
    venue = get_venue(venue_id)
    if venue.deleted_at is not None:
        return redirect(url_for("venues.show_venue", venue_id=venue.id))
    if request.method == "POST":
        delete_venue(db.session, venue, acting=acting_user())
        flash(
            html_gettext(
                "%(name)s is in the bin, from where it can be restored.", name=reader_name(venue)
            ),
            "info",
        )
        return redirect(url_for("venues.list_venues"))
    stops = upcoming_stops_at(db.session, venue, utc_now())
    return render_template("venues/delete.html", venue=venue, stops=stops)


@bp.post("/venues/<int:venue_id>/restore")
@planner_required
def restore_venue_page(venue_id: int):
    venue = get_venue(venue_id)
    restore_venue(db.session, venue, acting=acting_user())
    flash(html_gettext("%(name)s is restored.", name=reader_name(venue)), "success")
    return redirect(url_for("venues.show_venue", venue_id=venue.id))


@bp.post("/venues/<int:venue_id>/closures")
@planner_required
def add_closure_page(venue_id: int):
    venue = get_venue(venue_id)
    form = ClosureForm(venue=venue, prefix="closure")
    if not form.validate():
        return render_venue_page(venue, closure_form=form)
    add_closure(db.session, venue, acting=acting_user(), day=form.day.data, reason=form.reason.data)
    flash(_("The closed date is added."), "success")
    return redirect(url_for("venues.show_venue", venue_id=venue.id, _anchor="closures"))


@bp.post("/venues/<int:venue_id>/closures/<int:closure_id>/remove")
@planner_required
def remove_closure_page(venue_id: int, closure_id: int):
    closure = db.session.get(VenueClosure, closure_id)
    if closure is None or closure.venue_id != venue_id:
        abort(404)
    remove_closure(db.session, closure, acting=acting_user())
    flash(_("The closed date is removed."), "success")
    return redirect(url_for("venues.show_venue", venue_id=venue_id, _anchor="closures"))


@bp.post("/venues/<int:venue_id>/drive-times")
@planner_required
def set_travel_time_page(venue_id: int):
    venue = get_venue(venue_id)
    others = [other for other in active_venues(db.session) if other.id != venue.id]
    form = TravelTimeForm(other_venues=others, prefix="drive")
    if not form.validate():
        return render_venue_page(venue, travel_form=form)
    other = db.session.get(Venue, form.other_venue_id.data) or abort(404)  # one of the choices
    set_travel_time(
        db.session,
        venue,
        other,
        acting=acting_user(),
        minutes=form.minutes.data,
        note=form.note.data,
    )
    flash(html_gettext("The drive time to %(name)s is saved.", name=reader_name(other)), "success")
    return redirect(url_for("venues.show_venue", venue_id=venue.id, _anchor="drive-times"))


@bp.post("/venues/<int:venue_id>/drive-times/<int:travel_time_id>/remove")
@planner_required
def remove_travel_time_page(venue_id: int, travel_time_id: int):
    travel_time = db.session.get(TravelTime, travel_time_id)
    if travel_time is None or venue_id not in (
        travel_time.first_venue_id,
        travel_time.second_venue_id,
    ):
        abort(404)
    remove_travel_time(db.session, travel_time, acting=acting_user())
    flash(_("The drive time is removed."), "success")
    return redirect(url_for("venues.show_venue", venue_id=venue_id, _anchor="drive-times"))
