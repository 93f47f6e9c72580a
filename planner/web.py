"""What the pages share: the lookups that answer 404, form pages, the acting user.

Blueprints never import one another (tests/test_layers.py): whatever two of them need lives
here, below them all, and above the domains it calls.
"""

from collections.abc import Callable

from flask import Response, abort, current_app, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from planner.accounts.models import User
from planner.calendars.feeds import feed_token
from planner.calendars.mail import outbox
from planner.calendars.mail.tasks import queue_letters
from planner.calendars.models import MailMessage
from planner.database import after_commit
from planner.extensions import db
from planner.itinerary.models import visit_with_programme
from planner.outcomes.documents import StoredFile
from planner.visits.models import Participant, Visit, unless_binned


def acting_user() -> User:
    """The signed-in user as a plain model object, for the domain functions' `acting=`."""
    return current_user._get_current_object()


def live_visit_or_404(visit_id: int, *, with_programme: bool = False) -> Visit:
    """The visit, unless it is missing or in the bin (a binned visit opens only from the bin).

    `with_programme` loads its participants, stops, venues and attendees at once."""
    if with_programme:
        visit = visit_with_programme(db.session, visit_id)
    else:
        visit = db.session.get(Visit, visit_id)
    return unless_binned(visit) or abort(404)


def participant_or_404(visit: Visit, participant_id: int) -> Participant:
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.visit_id != visit.id:
        abort(404)
    return participant


def form_page(template: str, form, **context):
    """The page again, with the form's field errors: 400 when they are there."""
    return render_template(template, form=form, **context), 400 if form.errors else 200


def kind_from_args(enum_class):
    """The enum member named by ?kind=..., None for all; 400 for a value that is not one."""
    value = request.args.get("kind") or None
    if value is None:
        return None
    try:
        return enum_class(value)
    except ValueError:
        abort(400, _("Unknown kind: %(kind)s", kind=value))


def feed_url(owner: Participant | User) -> str:
    """The subscription address of a participant's or a staff member's feed."""
    token = feed_token(current_app.config["SECRET_KEY"], owner)
    return current_app.config["BASE_URL"] + url_for("calendars.feed", token=token)


def download(file: StoredFile) -> Response:
    """A stored file as a download that no browser will run or render in our origin."""
    response = send_file(
        file.path,
        mimetype=file.content_type,
        as_attachment=True,
        download_name=file.name,
        etag=file.sha256,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def send_after_commit(
    messages: list[MailMessage],
    *,
    report: Callable[[outbox.SendReport], None] = lambda _report: None,
) -> None:
    """Hand the letters to the worker once the request's changes are committed, then
    `report` it (a flash: queued, or sent and failed when the queue runs tasks at once).
    If the request fails, nothing is queued: no letter about a change that did not happen.
    A letter that cannot be sent waits in the mail log, to be retried."""
    message_ids = [message.id for message in messages]

    def send() -> None:
        report(queue_letters(message_ids))

    if message_ids:
        after_commit(send)
