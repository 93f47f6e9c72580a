"""Timeline and programme pages: a visit's days as blocks in time, and one participant's part."""

from functools import partial

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from planner.clock import utc_now
from planner.config import LANGUAGES
from planner.extensions import db
from planner.itinerary.models import with_programme
from planner.itinerary.programme import programme_of
from planner.itinerary.snapshot import check_visit, findings_by_stop
from planner.programmes import guest_copy as guest
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
    if request.args.get("print") == "participant":
        return guest_copy_page(visit, participant)
    stops = programme_of(visit.stops, participant)
    days = layout_days(
        stops, visit.start_date, visit.end_date, visit.timezone, visit.delegation_timezone
    )
    return render_template(
        "programmes/participant.html",
        visit=visit,
        participant=participant,
        days=days,
        is_delegate=participant.side == Side.DELEGATION,
        printed_at=utc_now(),
    )


def guest_copy_page(visit, participant):
    """The copy handed to the guest, in their language (or the one asked for in ?lang=):
    what takes place, one list a day, no staff notes, no workflow words. The bar above it,
    which does not print, stays in the officer's language."""
    asked = request.args.get("lang") or None
    if asked is not None and asked not in LANGUAGES:
        codes = ", ".join(LANGUAGES)
        abort(400, _("“lang” in the address must be one of: %(codes)s.", codes=codes))
    language = guest.guest_language(participant, current_app.config["BABEL_DEFAULT_LOCALE"], asked)
    toolbar = Markup(  # noqa: S704 - rendered by a template, which escaped it
        render_template(
            "programmes/_guest_copy_toolbar.html",
            visit=visit,
            participant=participant,
            language=language,
        )
    )
    stops = [stop for stop in programme_of(visit.stops, participant) if stop.is_active]
    # A guest reads their home time beside the host's; a host has no other clock.
    home = visit.delegation_timezone if participant.side == Side.DELEGATION else None
    days = layout_days(stops, visit.start_date, visit.end_date, visit.timezone, home)
    with force_locale(language):
        return render_template(
            "programmes/guest_copy.html",
            visit=visit,
            participant=participant,
            days=days,
            company={stop.id: guest.company(stop.attendees, participant) for stop in stops},
            in_reader_script=partial(guest.in_reader_script, language=language),
            gregorian_date=guest.gregorian_date,
            toolbar=toolbar,
            printed_at=utc_now(),
        )
