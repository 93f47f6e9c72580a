"""Calendar downloads, subscription feeds, and the "Calendar" box that offers them.

The downloads need a signed-in user; a feed needs only its token, so that a calendar
app can poll it. Both answer 304 while nothing they show has changed. (E-mail with
iTIP invitations is planner/calendars/mail_views.py.)
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import segno
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from planner.accounts.models import User
from planner.audit.models import SecurityEventKind
from planner.calendars import feeds, rendered, replies
from planner.calendars.answers import (
    FEED_RULE,
    Moment,
    calendar_validator,
    feed_cache_control,
    feed_validator,
    kept_response,
)
from planner.calendars.answers import calendar_response as answer_with
from planner.calendars.events import (
    EventOptions,
    participant_events,
    staff_events,
    staff_todos,
    visit_events,
)
from planner.calendars.ics import CalendarInfo, Person, build_calendar
from planner.calendars.mail.letters import letter_locale
from planner.clock import utc_now
from planner.database import read_only
from planner.extensions import db
from planner.i18n import browser_language, html_gettext, reader_name
from planner.itinerary.messages import N_
from planner.itinerary.models import ReplyChannel, ReplyStatus
from planner.security import planner_required, security_event
from planner.timefmt import local_day_bounds
from planner.visits.models import Participant
from planner.web import acting_user, feed_url, live_visit_or_404, participant_or_404

bp = Blueprint("calendars", __name__)

# What every calendar the app serves shares: organizer, links, refresh hint.


def _organizer() -> Person:
    config = current_app.config
    return Person(config["OFFICE_NAME"], config["MAIL_SENDER"])


def _color() -> str:
    return current_app.config["CALENDAR_COLOR"]


def _stop_url(stop) -> str:
    base = current_app.config["BASE_URL"]
    return f"{base}{url_for('visits.show_visit', visit_id=stop.visit_id)}#stop-{stop.id}"


def _follow_up_url(follow_up) -> str:
    base = current_app.config["BASE_URL"]
    return f"{base}{url_for('outcomes.my_follow_ups')}#follow-up-{follow_up.id}"


def _participant_calendar_name(participant: Participant) -> str:
    return f"{participant.visit.title} — {participant.person.display_name}"


def _staff_calendar_name(user: User) -> str:
    return _("Official visits — %(name)s", name=user.name)


def calendar_response(
    validator: feeds.Validator,
    build: Callable[[], bytes],
    *,
    cache_control: str,
    filename: str | None = None,
) -> Response:
    """304 when the client's copy is current (the calendar is not built), else the calendar:
    the copy kept for this ETag, or built now and kept."""
    kept = kept_response(
        validator,
        request.headers.get("If-None-Match"),
        request.headers.get("If-Modified-Since"),
        cache_control=cache_control,
        filename=filename,
    )
    if kept is not None:
        return kept
    body = build()
    rendered.calendars.put(validator.etag, body)
    return answer_with(validator, body, cache_control=cache_control, filename=filename)


# Downloads, for signed-in staff.


@bp.get("/visits/<int:visit_id>/calendar.ics")
def visit_calendar(visit_id: int):
    visit = live_visit_or_404(visit_id)
    moment = Moment.current()
    info = CalendarInfo(
        name=visit.title, zone=visit.timezone, organizer=_organizer(), color=_color()
    )
    options = EventOptions(now=moment.day_start, stop_url=_stop_url)
    return calendar_response(
        calendar_validator(feeds.visit_state(db.session, visit), moment, str(get_locale()), "file"),
        lambda: build_calendar(info, visit_events(db.session, visit, options), now=moment.now),
        cache_control="private, no-cache",
        filename=feeds.ascii_filename(visit.title, fallback=f"visit-{visit.id}"),
    )


@bp.get("/visits/<int:visit_id>/participants/<int:participant_id>/calendar.ics")
def participant_calendar(visit_id: int, participant_id: int):
    participant = participant_or_404(live_visit_or_404(visit_id), participant_id)
    moment = Moment.current()
    state = feeds.participant_state(db.session, participant)
    return _participant_calendar(
        lambda: participant,
        calendar_validator(state, moment, str(get_locale()), "file"),
        moment,
        refresh=False,
        cache_control="private, no-cache",
        filename=feeds.ascii_filename(
            participant.person.full_name_latin,
            participant.visit.title,
            fallback=f"programme-{participant.id}",
        ),
    )


def _participant_calendar(
    get_participant: Callable[[], Participant],
    validator: feeds.Validator,
    moment: Moment,
    *,
    refresh: bool,
    **response_options,
) -> Response:
    def build() -> bytes:
        participant = get_participant()
        info = CalendarInfo(
            name=_participant_calendar_name(participant),
            zone=participant.visit.timezone,
            organizer=_organizer(),
            refresh_minutes=current_app.config["FEED_REFRESH_MINUTES"] if refresh else None,
            color=_color(),
        )
        options = EventOptions(now=moment.day_start, stop_url=_stop_url)
        events = participant_events(db.session, participant, options)
        return build_calendar(info, events, now=moment.now)

    return calendar_response(validator, build, **response_options)


def staff_window(day: date) -> tuple[datetime, datetime]:
    """The instants between which a staff feed's stops start: from the start of the day
    STAFF_FEED_DAYS_BACK before `day` to the end of the day STAFF_FEED_DAYS_AHEAD after it."""
    config = current_app.config
    zone = config["OFFICE_TIMEZONE"]
    first = day - timedelta(days=config["STAFF_FEED_DAYS_BACK"])
    last = day + timedelta(days=config["STAFF_FEED_DAYS_AHEAD"])
    return local_day_bounds(first, zone)[0], local_day_bounds(last, zone)[1]


def _staff_calendar(
    get_user: Callable[[], User],
    validator: feeds.Validator,
    moment: Moment,
    **response_options,
) -> Response:
    config = current_app.config

    def build() -> bytes:
        user = get_user()
        info = CalendarInfo(
            name=_staff_calendar_name(user),
            zone=config["OFFICE_TIMEZONE"],
            organizer=_organizer(),
            refresh_minutes=config["FEED_REFRESH_MINUTES"],
            color=_color(),
        )
        options = EventOptions(
            now=moment.day_start, stop_url=_stop_url, follow_up_url=_follow_up_url
        )
        since, until = staff_window(moment.day)
        return build_calendar(
            info,
            staff_events(db.session, options, since=since, until=until),
            todos=staff_todos(db.session, user.id, options),
            now=moment.now,
        )

    return calendar_response(validator, build, **response_options)


# Subscription feeds: no sign-in, the token is the key.


@bp.get(FEED_RULE)
def feed(token: str):
    # Polled every few minutes by every subscriber: the token's check and the calendar's
    # versions are one query, before anything loads a user or picks a language from one,
    # and a 304 ends there. The feed's language is the calendar app's Accept-Language.
    # Most polls never get here: planner/calendars/fastpath.py answers a 304, or a copy
    # kept here, before Flask sees the request; this view builds what it cannot answer.
    state = feeds.feed_state(db.session, current_app.config["SECRET_KEY"], token)
    if state is None:
        abort(404)
    read_only()
    language = browser_language()
    moment = Moment.current()
    validator = feed_validator(state, moment, language)
    cache_control = feed_cache_control()

    def owner() -> Any:  # loaded only to build a 200, when the kept copy is not there
        found = feeds.feed_owner(db.session, state)
        if found is None:
            abort(404)
        return found

    with force_locale(language):
        if state.kind == feeds.PARTICIPANT_FEED:
            return _participant_calendar(
                owner, validator, moment, refresh=True, cache_control=cache_control
            )
        return _staff_calendar(owner, validator, moment, cache_control=cache_control)


@bp.post("/visits/<int:visit_id>/participants/<int:participant_id>/feed/revoke")
@planner_required
def revoke_participant_feed(visit_id: int, participant_id: int):
    participant = participant_or_404(live_visit_or_404(visit_id), participant_id)
    feeds.revoke_feed(db.session, participant)
    security_event(SecurityEventKind.FEED_REVOKED, detail=f"participant {participant.id}")
    flash(
        html_gettext(
            "The calendar link of %(name)s no longer works. Issue a new one when they need it.",
            name=reader_name(participant.person),
        ),
        "success",
    )
    return redirect(_programme_url(participant) + "#calendar")


@bp.post("/visits/<int:visit_id>/participants/<int:participant_id>/feed/reissue")
@planner_required
def reissue_participant_feed(visit_id: int, participant_id: int):
    participant = participant_or_404(live_visit_or_404(visit_id), participant_id)
    feeds.reissue_feed(db.session, participant)
    security_event(SecurityEventKind.FEED_REISSUED, detail=f"participant {participant.id}")
    flash(
        html_gettext(
            "%(name)s has a new calendar link; the earlier one no longer works.",
            name=reader_name(participant.person),
        ),
        "success",
    )
    return redirect(_programme_url(participant) + "#calendar")


# A staff member's own feed: self-service, whatever their role.


@bp.post("/profile/feed/revoke")
def revoke_own_feed():
    feeds.revoke_feed(db.session, acting_user())
    security_event(SecurityEventKind.FEED_REVOKED, detail="own staff feed")
    flash(_("Your calendar link no longer works."), "success")
    return redirect(url_for("accounts.profile") + "#calendar")


@bp.post("/profile/feed/reissue")
def reissue_own_feed():
    feeds.reissue_feed(db.session, acting_user())
    security_event(SecurityEventKind.FEED_REISSUED, detail="own staff feed")
    flash(_("You have a new calendar link; the earlier one no longer works."), "success")
    return redirect(url_for("accounts.profile") + "#calendar")


def _programme_url(participant: Participant) -> str:
    return url_for(
        "programmes.participant_programme",
        visit_id=participant.visit_id,
        participant_id=participant.id,
    )


# The "Calendar" box on the participant's programme and on the profile page.


@dataclass(frozen=True)
class FeedLinks:
    enabled: bool
    https_url: str
    webcal_url: str
    qr_image: str  # a data: URI of an SVG image (the CSP allows data: images)
    qr_size: int  # pixels, width and height
    download_url: str | None
    revoke_url: str
    reissue_url: str


QR_SCALE, QR_BORDER = 4, 2


def _links(owner: Participant | User, **urls) -> FeedLinks:
    https_url = feed_url(owner)
    qr = segno.make(https_url, error="m")
    return FeedLinks(
        enabled=owner.feed_enabled,
        https_url=https_url,
        webcal_url=feeds.webcal_url(https_url),
        qr_image=qr.svg_data_uri(scale=QR_SCALE, border=QR_BORDER, dark="#1c2533", light="#fff"),
        qr_size=int(qr.symbol_size(scale=QR_SCALE, border=QR_BORDER)[0]),  # a whole scale
        **urls,
    )


@bp.app_template_global()
def participant_feed_links(participant: Participant) -> FeedLinks:
    ids: dict[str, Any] = {"visit_id": participant.visit_id, "participant_id": participant.id}
    return _links(
        participant,
        download_url=url_for("calendars.participant_calendar", **ids),
        revoke_url=url_for("calendars.revoke_participant_feed", **ids),
        reissue_url=url_for("calendars.reissue_participant_feed", **ids),
    )


@bp.app_template_global()
def staff_feed_links() -> FeedLinks:
    return _links(
        acting_user(),
        download_url=None,
        revoke_url=url_for("calendars.revoke_own_feed"),
        reissue_url=url_for("calendars.reissue_own_feed"),
    )


# A participant's answers to their invitations: no sign-in, the reply token is the key
# (planner/calendars/replies.py). A GET only shows; the buttons POST, with CSRF.

ANSWERS = {"accept": ReplyStatus.ACCEPTED, "decline": ReplyStatus.DECLINED}
ANSWERED = {  # msgids, translated by html_gettext with the title in <bdi>
    ReplyStatus.ACCEPTED: N_("You accepted “%(title)s”."),
    ReplyStatus.DECLINED: N_("You declined “%(title)s”."),
}


def _reply_participant_or_404(token: str) -> Participant:
    participant = replies.reply_participant(db.session, current_app.config["SECRET_KEY"], token)
    if participant is None:
        abort(404)
    return participant


def _participant_language(participant: Participant) -> str:
    return letter_locale(participant.person, current_app.config["BABEL_DEFAULT_LOCALE"])


def _reply_page(token: str, participant: Participant, stops: list, *, single: bool) -> str:
    with force_locale(_participant_language(participant)):
        return render_template(
            "calendars/replies.html",
            token=token,
            participant=participant,
            visit=participant.visit,
            stops=stops,
            answers=replies.replies_of(db.session, participant),
            single=single,
        )


@bp.get(replies.REPLY_RULE)
def reply_programme(token: str):
    """The participant's own programme, each stop with its answer and the two buttons."""
    participant = _reply_participant_or_404(token)
    stops = replies.invited_stops(db.session, participant)
    return _reply_page(token, participant, stops, single=False)


@bp.get(replies.STOP_REPLY_RULE)
def stop_reply(token: str, stop_id: int):
    """The page a letter's link opens: one stop and its buttons."""
    participant = _reply_participant_or_404(token)
    stop = replies.invited_stop(db.session, participant, stop_id)
    if stop is None:
        abort(404)
    return _reply_page(token, participant, [stop], single=True)


@bp.post(replies.STOP_REPLY_RULE)
def save_reply(token: str, stop_id: int):
    participant = _reply_participant_or_404(token)
    stop = replies.invited_stop(db.session, participant, stop_id)
    if stop is None:
        abort(404)
    back = request.form.get("back") == "programme"
    target = (
        url_for("calendars.reply_programme", token=token, _anchor=f"stop-{stop.id}")
        if back
        else url_for("calendars.stop_reply", token=token, stop_id=stop.id)
    )
    with force_locale(_participant_language(participant)):
        status = ANSWERS.get(request.form.get("answer", ""))
        if status is None:
            flash(_("Choose Accept or Decline."), "error")
            return redirect(target)
        replies.record_reply(
            db.session, participant, stop, status, ReplyChannel.LINK, now=utc_now()
        )
        flash(html_gettext(ANSWERED[status], title=stop.title), "success")
    return redirect(target)


@bp.app_template_global()
def stop_answers(stop) -> replies.StopAnswers:
    """Who of a stop's attendees accepted, declined or has not answered (a visit's page)."""
    return replies.stop_answers(stop)
