"""The visit list and a visit's page."""

from datetime import datetime

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _

from planner.extensions import db
from planner.itinerary.programme import programme_by_day
from planner.timefmt import zone
from planner.visits.models import Side, VisitStatus, visit_with_programme, visits_for_list

bp = Blueprint("visits", __name__)


def office_today():
    return datetime.now(zone(current_app.config["OFFICE_TIMEZONE"])).date()


@bp.get("/")
def list_visits():
    status_value = request.args.get("status") or None
    status = None
    if status_value is not None:
        try:
            status = VisitStatus(status_value)
        except ValueError:
            abort(400, _("Unknown status: %(status)s", status=status_value))
    today = office_today()
    visits = visits_for_list(db.session, today, status)
    return render_template(
        "visits/list.html", visits=visits, status=status, statuses=list(VisitStatus), today=today
    )


@bp.get("/visits/<int:visit_id>")
def show_visit(visit_id: int):
    visit = visit_with_programme(db.session, visit_id) or abort(404)
    days = programme_by_day(visit.live_stops, visit.start_date, visit.end_date, visit.timezone)
    sides = [(side, visit.participants_on(side)) for side in Side]
    return render_template("visits/show.html", visit=visit, days=days, sides=sides)
