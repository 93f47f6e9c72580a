"""Editing a visit's stops, and the checker's findings as JSON."""

from datetime import date, datetime, time
from typing import cast

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from planner import new_entries
from planner.extensions import db
from planner.i18n import current_language, html_gettext, html_ngettext, reader_name
from planner.itinerary import operations
from planner.itinerary.checks import count_findings
from planner.itinerary.forms import ShiftForm, StopForm
from planner.itinerary.models import Stop, StopKind, StopStatus
from planner.itinerary.snapshot import check_visit
from planner.organizations.operations import all_organizations
from planner.security import planner_required
from planner.timefmt import format_datetime, to_local, zone_names
from planner.venues.models import Venue
from planner.venues.operations import active_venues
from planner.visits.models import Visit
from planner.web import acting_user, live_visit_or_404

bp = Blueprint("itinerary", __name__)
# `findings|finding_counts` badges errors and warnings on every page that shows findings.
bp.add_app_template_filter(count_findings, "finding_counts")


def visit_stop(visit: Visit, stop_id: int, *, binned: bool = False) -> Stop:
    stop = db.session.get(Stop, stop_id)
    if stop is None or stop.visit_id != visit.id or (stop.deleted_at is not None) != binned:
        abort(404)
    return stop


def venues_for(stop: Stop | None = None) -> list[Venue]:
    """Venues a stop may use, plus its current one even if deleted (the form refuses it)."""
    venues = active_venues(db.session)
    if stop is not None and stop.venue is not None and stop.venue not in venues:
        venues.append(stop.venue)
    return venues


def programme_url(visit: Visit, stop: Stop | None = None) -> str:
    anchor = f"stop-{stop.id}" if stop is not None else "programme-heading"
    return url_for("visits.show_visit", visit_id=visit.id, _anchor=anchor)


@bp.get("/visits/<int:visit_id>/checks.json")
def visit_checks(visit_id: int):
    visit = live_visit_or_404(visit_id)
    findings = check_visit(db.session, visit, current_app.config)
    counts = count_findings(findings)
    return jsonify(
        visit_id=visit.id,
        errors=counts.errors,
        warnings=counts.warnings,
        findings=[f.as_dict() for f in findings],
    )


def stop_form(visit: Visit, stop: Stop | None = None) -> StopForm:
    return StopForm(
        visit=visit, venues=venues_for(stop), organizations=all_organizations(db.session)
    )


def render_stop_form(form: StopForm, visit: Visit, stop: Stop | None, likely=None):
    status = 400 if form.errors else 200
    return render_template(
        "itinerary/stop_form.html",
        form=form,
        visit=visit,
        stop=stop,
        likely=new_entries.likely_choices(likely or new_entries.LikelyDuplicates()),
        zones=zone_names(),
    ), status


def likely_or_new_venue(form: StopForm, visit: Visit) -> new_entries.LikelyDuplicates | None:
    """The likely duplicates of the form's new venue and organization, if there are any to
    show; else the new ones are made and the form's values name the new venue."""
    likely = new_entries.likely_duplicates(
        db.session, organization=form.new_organization.form, venue=form.new_venue.form
    )
    if likely:
        return likely
    if form.adds_venue:
        venue = new_entries.new_venue(
            db.session,
            form.new_venue.form,
            form.new_organization.form,
            acting=acting_user(),
            visit_timezone=visit.timezone,
        )
        form.venues_by_id[venue.id] = venue
        form.venue_id.data = venue.id
    return None


def next_stop_url(visit: Visit, stop: Stop) -> str:
    """The form for the stop after this one: the same day, starting when this one ends."""
    ends = to_local(stop.ends_at, visit.timezone)
    return url_for(
        "itinerary.create_stop",
        visit_id=visit.id,
        day=ends.date().isoformat(),
        starts=ends.strftime("%H:%M"),
    )


@bp.route("/visits/<int:visit_id>/stops/new", methods=["GET", "POST"])
@planner_required
def create_stop(visit_id: int):
    visit = live_visit_or_404(visit_id)
    form = stop_form(visit)
    if request.method == "GET":
        form.day.data = request.args.get("day", type=_parse_day) or visit.start_date
        form.starts.data = request.args.get("starts", type=_parse_time)
    if form.validate_on_submit():
        if likely := likely_or_new_venue(form, visit):
            return render_stop_form(form, visit, None, likely)
        values = form.values()
        stop = operations.create_stop(db.session, visit, acting=acting_user(), **values)
        flash(html_gettext("“%(title)s” is in the programme.", title=stop.title), "success")
        if "another" in request.form:
            return redirect(next_stop_url(visit, stop))
        return redirect(programme_url(visit, stop))
    return render_stop_form(form, visit, None)


def _parse_day(value: str) -> date:
    return date.fromisoformat(value)


def _parse_time(value: str) -> time:
    if len(value) != 5:  # HH:MM, as the timeline writes it
        raise ValueError(value)
    return time.fromisoformat(value)


@bp.route("/visits/<int:visit_id>/stops/<int:stop_id>/edit", methods=["GET", "POST"])
@planner_required
def edit_stop(visit_id: int, stop_id: int):
    visit = live_visit_or_404(visit_id)
    stop = visit_stop(visit, stop_id)
    if request.method == "GET":
        form = StopForm.for_stop(
            stop, venues_for(stop), organizations=all_organizations(db.session)
        )
        return render_stop_form(form, visit, stop)
    form = stop_form(visit, stop)
    if not form.validate_on_submit():
        return render_stop_form(form, visit, stop)
    if likely := likely_or_new_venue(form, visit):
        return render_stop_form(form, visit, stop, likely)
    try:
        operations.update_stop(
            db.session,
            stop,
            acting=acting_user(),
            expected_version=form.base_version,
            seen=form.seen_values,
            **form.values(),
        )
    except operations.StaleEdit as conflict:
        return conflict_page(form, visit, conflict)
    flash(html_gettext("“%(title)s” is saved.", title=stop.title), "success")
    return redirect(programme_url(visit, stop))


def conflict_page(form: StopForm, visit: Visit, conflict: operations.StaleEdit):
    """Show what the other planner changed; keep this planner's input, merged where safe."""
    stop = conflict.stop
    mine = form.comparable()
    seen = form.seen_values or {}
    theirs = operations.snapshot(stop)
    # Fields only the other person changed take their value, so saving again keeps their work;
    # fields both changed keep this planner's input, shown side by side for a decision.
    merged = StopForm.for_stop(stop, venues_for(stop), organizations=all_organizations(db.session))
    for field in operations.COMPARED_FIELDS:
        if mine.get(field) != seen.get(field):
            _copy_field(form, merged, field)
    both = [c for c in conflict.changes if mine.get(c.field) != seen.get(c.field)]
    merged.remember(stop)
    return render_template(
        "itinerary/stop_form.html",
        form=merged,
        likely=new_entries.likely_choices(new_entries.LikelyDuplicates()),
        zones=zone_names(),
        visit=visit,
        stop=stop,
        conflict=conflict,
        changes=[describe_change(c, visit) for c in conflict.changes],
        both_changed=[c.field for c in both],
        theirs=theirs,
    ), 409


FORM_FIELDS = {
    "kind": ("kind",),
    "title": ("title",),
    "starts_at": ("day", "starts"),
    "ends_at": ("ends", "end_day"),
    "venue_id": ("venue_id",),
    "attendee_ids": ("attendee_ids",),
    "public_description": ("public_description",),
    "online_url": ("online_url",),
    "staff_notes": ("staff_notes",),
    "status": ("status",),
}


def _copy_field(source: StopForm, target: StopForm, field: str) -> None:
    for name in FORM_FIELDS[field]:
        target[name].data = source[name].data


FIELD_LABELS = {
    "kind": _l("Kind"),
    "title": _l("Title"),
    "starts_at": _l("Starts"),
    "ends_at": _l("Ends"),
    "venue_id": _l("Venue"),
    "attendee_ids": _l("Attendees"),
    "public_description": _l("Description for participants"),
    "online_url": _l("Online link"),
    "staff_notes": _l("Staff-only notes"),
    "status": _l("Status"),
}


def describe_change(change: operations.FieldChange, visit: Visit) -> dict:
    """A change in words: the field's label, and before and after as a person reads them."""
    return {
        "field": change.field,
        "label": FIELD_LABELS[change.field],
        "before": readable_value(change.field, change.before, visit),
        "after": readable_value(change.field, change.after, visit),
    }


def readable_value(field: str, value, visit: Visit) -> str:
    if value in (None, "", []):
        return "—"
    if field in ("starts_at", "ends_at"):
        return format_datetime(datetime.fromisoformat(value), visit.timezone, current_language())
    if field == "venue_id":
        venue = db.session.get(Venue, value)
        return reader_name(venue) if venue else "—"
    if field == "attendee_ids":
        names = {p.id: reader_name(p.person) for p in visit.participants}
        return ", ".join(names.get(i, "?") for i in value)
    if field == "kind":
        return str(StopKind(value).label)
    if field == "status":
        return str(StopStatus(value).label)
    return str(value)


@bp.route("/visits/<int:visit_id>/stops/<int:stop_id>/delete", methods=["GET", "POST"])
@planner_required
def delete_stop(visit_id: int, stop_id: int):
    visit = live_visit_or_404(visit_id)
    stop = visit_stop(visit, stop_id)
    if request.method == "POST":
        operations.delete_stop(db.session, stop, acting=acting_user())
        flash(
            html_gettext(
                "“%(title)s” is in the bin; you can restore it from there.", title=stop.title
            ),
            "success",
        )
        return redirect(programme_url(visit))
    return render_template("itinerary/stop_delete.html", visit=visit, stop=stop)


@bp.get("/visits/<int:visit_id>/stops/bin")
def stop_bin(visit_id: int):
    visit = live_visit_or_404(visit_id)
    binned = sorted(
        (stop for stop in visit.stops if stop.deleted_at is not None),
        key=lambda stop: cast(datetime, stop.deleted_at),  # binned: set, as filtered above
        reverse=True,
    )
    return render_template("itinerary/stop_bin.html", visit=visit, stops=binned)


@bp.post("/visits/<int:visit_id>/stops/<int:stop_id>/restore")
@planner_required
def restore_stop(visit_id: int, stop_id: int):
    visit = live_visit_or_404(visit_id)
    stop = visit_stop(visit, stop_id, binned=True)
    operations.restore_stop(db.session, stop, acting=acting_user())
    flash(html_gettext("“%(title)s” is back in the programme.", title=stop.title), "success")
    return redirect(programme_url(visit, stop))


@bp.post("/visits/<int:visit_id>/stops/<int:stop_id>/duplicate")
@planner_required
def duplicate_stop(visit_id: int, stop_id: int):
    visit = live_visit_or_404(visit_id)
    copy = operations.duplicate_stop(db.session, visit_stop(visit, stop_id), acting=acting_user())
    flash(_("A copy follows the original; set its time and save."), "success")
    return redirect(url_for("itinerary.edit_stop", visit_id=visit.id, stop_id=copy.id))


@bp.route("/visits/<int:visit_id>/stops/<int:stop_id>/shift", methods=["GET", "POST"])
@planner_required
def shift_stops(visit_id: int, stop_id: int):
    visit = live_visit_or_404(visit_id)
    stop = visit_stop(visit, stop_id)
    form = ShiftForm()
    if form.validate_on_submit():
        moved = operations.shift_from(db.session, stop, form.minutes.data, acting=acting_user())
        flash(
            html_ngettext(
                "%(num)s stop moved by %(minutes)s minutes.",
                "%(num)s stops moved by %(minutes)s minutes.",
                len(moved),
                minutes=form.minutes.data,
            ),
            "success",
        )
        return redirect(programme_url(visit, stop))
    return render_template(
        "itinerary/stop_shift.html",
        form=form,
        visit=visit,
        stop=stop,
        moving=operations.later_stops_of_the_day(stop),
    ), 400 if form.errors else 200


@bp.route("/visits/<int:visit_id>/stops/<int:stop_id>/attendees", methods=["GET", "POST"])
@planner_required
def set_attendees(visit_id: int, stop_id: int):
    """The three presets (all delegation, all hosts, everyone) for one stop; the stop's
    form ticks people one by one."""
    visit = live_visit_or_404(visit_id)
    stop = visit_stop(visit, stop_id)
    if request.method == "GET":
        return render_template("itinerary/stop_attendees.html", visit=visit, stop=stop)
    preset = request.form.get("preset", "")
    if preset not in operations.ATTENDEE_PRESETS:
        abort(400, _("Choose all delegation, all hosts or everyone."))
    operations.update_stop(
        db.session,
        stop,
        acting=acting_user(),
        expected_version=stop.version,
        attendees=operations.preset_attendees(visit, preset),
    )
    flash(
        html_ngettext(
            "%(num)s person attends “%(title)s”.",
            "%(num)s people attend “%(title)s”.",
            len(stop.attendees),
            title=stop.title,
        ),
        "success",
    )
    return redirect(programme_url(visit, stop))
