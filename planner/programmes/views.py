"""Timeline and programme pages: a visit's days as blocks in time, and one participant's part."""

from functools import partial

from flask import Blueprint, abort, current_app, jsonify, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from planner.clock import utc_now
from planner.config import LANGUAGES
from planner.extensions import db
from planner.i18n import current_language, text_gettext, text_ngettext
from planner.itinerary.checks import count_findings
from planner.itinerary.models import Stop, with_programme
from planner.itinerary.operations import StaleEdit, update_stop
from planner.itinerary.programme import programme_of
from planner.itinerary.snapshot import check_visit, findings_by_stop
from planner.programmes import guest_copy as guest
from planner.programmes.forms import TimelineMoveForm, json_formdata
from planner.programmes.timeline import Canvas, layout_days, wall_minute
from planner.security import planner_required
from planner.timefmt import format_short_date, format_time, to_local
from planner.visits.models import Side, Visit
from planner.web import (
    acting_user,
    kept_key,
    kept_store,
    live_visit_or_404,
    marked_holidays,
    shown_findings,
)

bp = Blueprint("programmes", __name__)


@bp.context_processor
def _timeline_geometry():
    mirrored = current_language() == "fa"  # the right-to-left pages' language

    def canvas_for(layout):
        return Canvas.for_day(layout, mirrored=mirrored)

    return {"canvas_for": canvas_for, "wall_minute": wall_minute}


@bp.get("/visits/<int:visit_id>/timeline")
def visit_timeline(visit_id: int):
    visit = live_visit_or_404(visit_id)
    return render_template("programmes/timeline.html", visit=visit, body=kept_timeline(visit))


@bp.get("/visits/<int:visit_id>/timeline/body")
def timeline_fragment(visit_id: int):
    """The timeline under the site's header, for the page to put in after a change."""
    return kept_timeline(live_visit_or_404(visit_id))


def kept_timeline(visit: Visit) -> Markup:
    # Planners' copy has the editing controls; viewers', none.
    key = kept_key(visit, "timeline", can_edit=bool(current_user.can_edit))
    store = kept_store()
    if (kept_body := store.get(key)) is None:
        kept_body = timeline_body(visit).encode()
        store.put(key, kept_body)
    return Markup(kept_body.decode())  # noqa: S704 - rendered by timeline_body


@bp.post("/visits/<int:visit_id>/timeline/stops/<int:stop_id>")
@planner_required
def move_stop(visit_id: int, stop_id: int):
    """Move a stop or change its length from the timeline (JSON, the CSRF token in a
    header): the stop as it is now and the checker's findings, or 409 when someone saved
    it since the page showed it."""
    visit = live_visit_or_404(visit_id)
    stop = db.session.get(Stop, stop_id)
    if stop is None or stop.visit_id != visit.id or stop.deleted_at is not None:
        abort(404, _("This stop is not in the visit's programme any more."))
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return jsonify(error=_("Send the move as a JSON object.")), 400
    form = TimelineMoveForm(formdata=json_formdata(payload), visit=visit)
    if not form.validate():
        errors = {name: [str(e) for e in found] for name, found in form.errors.items()}
        first = next(iter(errors.values()))[0]
        return jsonify(error=first, errors=errors), 422
    try:
        update_stop(
            db.session,
            stop,
            acting=acting_user(),
            expected_version=form.version.data,
            starts_at=form.starts_at,
            ends_at=form.ends_at,
        )
    except StaleEdit as conflict:
        return jsonify(
            error=changed_meanwhile(conflict.stop, form.seen_starts), stop=stop_state(conflict.stop)
        ), 409
    findings = check_visit(db.session, visit, current_app.config)
    counts = count_findings(findings)
    summary = [
        text_ngettext("%(num)s problem", "%(num)s problems", counts.errors),
        text_ngettext("%(num)s warning", "%(num)s warnings", counts.warnings),
    ]
    moved = text_gettext("“%(title)s” is now at %(time)s.", title=stop.title, time=times(stop))
    return jsonify(
        message=f"{moved} {_(', ').join(summary)}",
        stop=stop_state(stop),
        errors=counts.errors,
        warnings=counts.warnings,
        findings=[finding.as_dict() for finding in findings],
    )


def times(stop: Stop) -> str:
    zone, language = stop.visit.timezone, current_language()
    first, last = (
        format_time(instant, zone, language) for instant in (stop.starts_at, stop.ends_at)
    )
    return f"{first}–{last}"


def changed_meanwhile(stop: Stop, seen_starts) -> str:
    """What the other planner did, in words: moved the stop (and where to), or changed it."""
    who = stop.updated_by.name if stop.updated_by else _("Someone else")
    if seen_starts is not None and seen_starts != stop.starts_at:
        zone, language = stop.visit.timezone, current_language()
        when = times(stop)
        if to_local(seen_starts, zone).date() != to_local(stop.starts_at, zone).date():
            day = format_short_date(to_local(stop.starts_at, zone).date(), language)
            when = f"{day} {when}"
        return text_gettext(
            "%(name)s moved “%(title)s” to %(time)s meanwhile, so it was not moved again. "
            "The timeline now shows it as it is.",
            name=who,
            title=stop.title,
            time=when,
        )
    return text_gettext(
        "%(name)s changed “%(title)s” meanwhile (now %(time)s), so it was not moved. "
        "The timeline now shows it as it is.",
        name=who,
        title=stop.title,
        time=times(stop),
    )


def stop_state(stop: Stop) -> dict:
    zone = stop.visit.timezone
    return {
        "id": stop.id,
        "title": stop.title,
        "version": stop.version,
        "starts_at": to_local(stop.starts_at, zone).isoformat(),
        "ends_at": to_local(stop.ends_at, zone).isoformat(),
    }


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
        editable=bool(current_user.can_edit),
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
