"""E-mail pages of a visit: send the programme, send updates, and the mail log with retries."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from planner.calendars.mail import letters, outbox, plans
from planner.calendars.models import MailMessage, MailStatus
from planner.clock import utc_now
from planner.extensions import db
from planner.i18n import current_language, html_ngettext
from planner.security import planner_required
from planner.visits.models import Visit
from planner.web import acting_user, live_visit_or_404, send_after_commit

bp = Blueprint("mail", __name__)


def settings() -> letters.MailSettings:
    return letters.MailSettings.from_config(current_app.config)


def log_link(visit: Visit, text: str) -> Markup:
    url = url_for("mail.mail_log", visit_id=visit.id)
    return Markup('{} <a href="{}">{}</a>').format(text, url, _("Open the mail log"))


def flash_report(visit: Visit, report: outbox.SendReport, *, link: bool = True) -> None:
    """How many went out and how many failed, with the way to the log unless already there."""
    with_link = (lambda text: log_link(visit, text)) if link else (lambda text: text)
    if report.queued:
        text = html_ngettext(
            "%(num)d message queued: it goes out in a moment.",
            "%(num)d messages queued: they go out in a moment.",
            report.queued,
        )
        flash(with_link(text), "success")
    if report.sent:
        text = html_ngettext("%(num)d message sent.", "%(num)d messages sent.", report.sent)
        flash(with_link(text), "success")
    if report.failed:
        text = html_ngettext(
            "%(num)d message could not be sent (%(error)s). "
            "It is kept in the mail log and can be sent again from there.",
            "%(num)d messages could not be sent (%(error)s). "
            "They are kept in the mail log and can be sent again from there.",
            report.failed,
            error=report.error,
        )
        flash(with_link(text), "error")


def preview_or_send(visit: Visit, plan: plans.MailPlan):
    """GET shows who gets what; POST sends exactly that, unless it changed in between."""
    status = 200
    if request.method == "POST":
        if request.form.get("fingerprint") == plan.fingerprint:
            if not plan.message_count:
                flash(_("There was nothing to send."), "info")
                return redirect(url_for("visits.show_visit", visit_id=visit.id))
            now = utc_now()
            queued = outbox.queue_messages(
                db.session, plan, settings(), acting=acting_user(), now=now
            )
            # Kept in the mail log first; sent once that is committed.
            send_after_commit(queued, report=lambda report: flash_report(visit, report))
            return redirect(url_for("visits.show_visit", visit_id=visit.id))
        flash(
            _(
                "The programme changed while you were reading this page. "
                "Here is what would be sent now: check it, then send."
            ),
            "warning",
        )
        status = 409
    locale = current_language()
    return render_template(
        "calendars/mail_preview.html",
        visit=visit,
        plan=plan,
        describe=lambda change: letters.describe_change(change, visit.timezone, locale),
    ), status


@bp.route("/visits/<int:visit_id>/mail/programme", methods=["GET", "POST"])
@planner_required
def send_programme(visit_id: int):
    visit = live_visit_or_404(visit_id, with_programme=True)
    return preview_or_send(visit, plans.plan_programme(db.session, visit))


@bp.route("/visits/<int:visit_id>/mail/updates", methods=["GET", "POST"])
@planner_required
def send_updates(visit_id: int):
    visit = live_visit_or_404(visit_id, with_programme=True)
    return preview_or_send(visit, plans.plan_updates(db.session, visit))


@bp.get("/visits/<int:visit_id>/mail/log")
def mail_log(visit_id: int):
    visit = live_visit_or_404(visit_id, with_programme=True)
    messages = outbox.mail_log(db.session, visit)
    return render_template(
        "calendars/mail_log.html",
        visit=visit,
        people=outbox.letters_by_person(messages),
        participants={p.id: p for p in visit.participants},
        stops={stop.id: stop for stop in visit.stops},
        unsent=sum(1 for m in messages if m.status != MailStatus.SENT),
    )


@bp.post("/visits/<int:visit_id>/mail/<int:message_id>/retry")
@planner_required
def retry_message(visit_id: int, message_id: int):
    visit = live_visit_or_404(visit_id, with_programme=True)
    message = db.session.get(MailMessage, message_id)
    if message is None or message.visit_id != visit.id:
        abort(404)
    if message.status == MailStatus.SENT:
        flash(_("That message was already sent."), "info")
    else:
        report = outbox.send_pending(
            db.session,
            settings(),
            messages=[message],
            now=utc_now(),
            claim_timeout=outbox.claim_timeout(current_app.config),
        )
        flash_report(visit, report, link=False)
    return redirect(url_for("mail.mail_log", visit_id=visit.id))


@bp.post("/visits/<int:visit_id>/mail/retry")
@planner_required
def retry_unsent(visit_id: int):
    visit = live_visit_or_404(visit_id, with_programme=True)
    report = outbox.send_pending(
        db.session,
        settings(),
        visit=visit,
        now=utc_now(),
        claim_timeout=outbox.claim_timeout(current_app.config),
    )
    if not report.total:
        flash(_("No message is waiting to be sent."), "info")
    flash_report(visit, report, link=False)
    return redirect(url_for("mail.mail_log", visit_id=visit.id))
