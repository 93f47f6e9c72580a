"""Timeline and programme pages: a visit's days as blocks in time, and one participant's part."""

from flask import Blueprint, abort, current_app, render_template, request
from markupsafe import Markup

from planner.clock import utc_now
from planner.extensions import db
from planner.itinerary.models import with_programme
from planner.itinerary.programme import programme_of
from planner.itinerary.snapshot import check_visit, findings_by_stop
from planner.programmes.timeline import Canvas, layout_days
from planner.visits.models import Side
from planner.web import (
    kept_key,
    kept_store,
    live_visit_or_404,
    marked_holidays,
    shown_findings,
)

bp = Blueprint("programmes", __name__)


@bp.context_processor
def _timeline_geometry():
    return {"canvas_for": Canvas.for_day}


@bp.get("/visits/<int:visit_id>/timeline")
def visit_timeline(visit_id: int):
    visit = live_visit_or_404(visit_id)
    # Nothing on it depends on the reader's role: one kept timeline for every role.
    key = kept_key(visit, "timeline", can_edit=False)
    store = kept_store()
    if (kept_body := store.get(key)) is None:
        kept_body = timeline_body(visit).encode()
        store.put(key, kept_body)
    body = Markup(kept_body.decode())  # noqa: S704 - rendered by timeline_body
    return render_template("programmes/timeline.html", visit=visit, body=body)


def timeline_body(visit) -> str:
    with_programme(db.session, visit)
    days = layout_days(
        visit.live_stops,
        visit.start_date,
        visit.end_date,
        visit.timezone,
        visit.delegation_timezone,
    )
    checked = shown_findings(check_visit(db.session, visit, current_app.config))
    return render_template(
        "programmes/_timeline_body.html",
        visit=visit,
        days=days,
        checked=checked,
        findings=findings_by_stop(checked),
        holidays=marked_holidays(visit),
    )


@bp.get("/visits/<int:visit_id>/participants/<int:participant_id>/programme")
def participant_programme(visit_id: int, participant_id: int):
    visit = live_visit_or_404(visit_id, with_programme=True)
    participant = next((p for p in visit.participants if p.id == participant_id), None)
    if participant is None:
        abort(404)
    stops = programme_of(visit.stops, participant)
    days = layout_days(
        stops, visit.start_date, visit.end_date, visit.timezone, visit.delegation_timezone
    )
    return render_template(
        "programmes/participant.html",
        visit=visit,
        participant=participant,
        days=days,
        # The copy handed to the guest: staff notes are not even sent to the browser.
        for_participant=request.args.get("print") == "participant",
        is_delegate=participant.side == Side.DELEGATION,
        printed_at=utc_now(),
    )
