"""The visit list, a visit's page, and the pages that create, change, bin and copy visits."""

from collections import defaultdict

from babel.core import get_global
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from planner import new_entries, params
from planner.calendars import operations as calendar_operations
from planner.calendars.mail import letters, outbox
from planner.clock import app_office_today, utc_now
from planner.extensions import db
from planner.i18n import country_name, html_gettext, html_ngettext, reader_name
from planner.itinerary.checks import check_dates
from planner.itinerary.models import visit_with_organizations, with_programme
from planner.itinerary.programme import programme_by_day, programme_of
from planner.itinerary.snapshot import build_plan, check_visit
from planner.organizations.operations import all_organizations
from planner.outcomes.queries import visit_outcomes
from planner.people.models import Person
from planner.programmes import kept
from planner.security import planner_required
from planner.timefmt import zone_names
from planner.visits import operations
from planner.visits.forms import (
    ParticipantForm,
    ReturnVisitForm,
    VisitForm,
    several_participants_form,
)
from planner.visits.models import (
    CREW_REMINDER_MINUTES,
    GUEST_REMINDER_MINUTES,
    Participant,
    Period,
    Side,
    Visit,
    VisitStatus,
    unless_binned,
    visit_list_rows,
    visiting_countries,
)
from planner.visits.operations import VisitError
from planner.web import (
    RowLinks,
    acting_user,
    enum_arg,
    form_page,
    kept_key,
    kept_section,
    kept_store,
    live_visit_or_404,
    marked_holidays,
    paged,
    paged_rows,
    participant_or_404,
    send_after_commit,
    shown_findings,
    shown_versions,
)

bp = Blueprint("visits", __name__)


def show_error(form, error: VisitError) -> None:
    form[error.field].errors.append(error.message)


@bp.get("/")
def list_visits():
    status = enum_arg("status", VisitStatus)
    period = enum_arg("period", Period)
    country = params.text_arg("country").upper() or None
    search = params.text_arg("q")
    today = app_office_today()

    def draw() -> str:
        page = paged_rows(
            visit_list_rows(today, status, period=period, country=country, search=search)
        )
        return render_template(
            "visits/_list_body.html",
            page=page,
            visits=page.items,
            status=status,
            statuses=VisitStatus.choices(),
            period=period,
            periods=Period.choices(),
            country=country,
            countries=[(code, country_name(code)) for code in visiting_countries(db.session)],
            search=search,
            filtered=bool(status or period or country or search),
            today=today,
            visit_url=RowLinks("visits.show_visit", "visit_id"),
            status_labels={member: str(member.label) for member in VisitStatus},
        )

    # Drawn again only after a change to a visit or an organization (or anything else the
    # kept lists show), on another office day, or for another reader's language or role.
    version = shown_versions()
    body = kept_section("visits", (version.database, version.sections, today), draw)
    return render_template("visits/list.html", body=body)


@bp.get("/visits/<int:visit_id>")
def show_visit(visit_id: int):
    visit = unless_binned(visit_with_organizations(db.session, visit_id)) or abort(404)
    kept_parts = kept_page(visit)
    return render_template(
        "visits/show.html",
        visit=visit,
        programme=kept_parts.programme,
        participants=kept_parts.participants,
        reference_instant=kept_parts.reference_instant,
        mail=outbox.mail_summary(db.session, visit.id),
        outcomes=kept_outcomes(visit),
    )


def kept_outcomes(visit: Visit) -> Markup:
    """The visit's outcomes and follow-ups as drawn, kept under the lists' token (which
    every change to an outcome, a follow-up, a document, a stop, an organization or a
    user replaces) and the office's day (what is overdue): a repeat view reads nothing of
    them, and the navigation's overdue count is kept under the same token."""
    version, today = shown_versions(), app_office_today()

    def draw() -> str:
        return render_template(
            "outcomes/_visit_outcomes.html",
            visit=visit,
            produced=visit_outcomes(db.session, visit.id),
            follow_ups_today=today,
        )

    return kept_section(
        "visit_outcomes", (version.database, version.sections, today, visit.id), draw
    )


def kept_page(visit: Visit) -> kept.KeptPage:
    """The visit's programme and participants as this reader sees them: kept while their
    key holds (planner/programmes/kept.py), else rendered and kept."""
    can_edit = bool(current_user.can_edit)
    key = kept_key(visit, "visit", can_edit)
    store = kept_store()
    if (body := store.get(key)) is not None:
        return kept.KeptPage.from_bytes(body)
    page = render_kept_page(visit, can_edit)
    store.put(key, page.to_bytes())
    return page


def render_kept_page(visit: Visit, can_edit: bool) -> kept.KeptPage:
    with_programme(db.session, visit)
    days = programme_by_day(visit.live_stops, visit.start_date, visit.end_date, visit.timezone)
    findings = shown_findings(check_visit(db.session, visit, current_app.config))
    numbered: dict[int, list] = defaultdict(list)
    for number, finding in enumerate(findings, start=1):
        for stop_id in finding.stop_ids:
            numbered[stop_id].append((number, finding))
    home_zone = (
        visit.delegation_timezone
        if visit.delegation_timezone and visit.delegation_timezone != visit.timezone
        else None
    )
    programme = render_template(
        "itinerary/_programme.html",
        visit=visit,
        days=days,
        findings=findings,
        stop_findings=numbered,
        can_edit=can_edit,
        stops_url=stops_url(visit.id),
        home_zone=home_zone,
        home_city=home_zone.rsplit("/", 1)[-1].replace("_", " ") if home_zone else None,
        holidays=marked_holidays(visit),
    )
    participants = render_template(
        "visits/_participants.html",
        visit=visit,
        sides=[(side, visit.participants_on(side)) for side in Side],
        can_edit=can_edit,
        participants_url=participant_links(visit.id),
    )
    first_busy = next((day for day in days if day.stops), None)
    return kept.KeptPage(
        programme=Markup(programme),  # noqa: S704 - rendered by our templates
        participants=Markup(participants),  # noqa: S704
        reference_instant=first_busy.stops[0].starts_at if first_busy else None,
    )


def participant_links(visit_id: int) -> str:
    """What the URLs of a participant's pages (edit, remove, programme) start with."""
    return url_for("visits.edit_participant", visit_id=visit_id, participant_id=1).removesuffix("1")


def stops_url(visit_id: int) -> str:
    """What every one of the visit's stops' URLs starts with, before the stop's id: a card
    links to "<stops_url><id>/edit" (tests/test_visits_programme_page.py checks it)."""
    edit = url_for("itinerary.edit_stop", visit_id=visit_id, stop_id=1)
    return edit.removesuffix("1/edit")


# --- A visit: create, edit, bin, restore ------------------------------------------------


def suggestions() -> dict:
    """What the time zone inputs offer while the planner types."""
    return {"zones": zone_names()}


def visit_form_page(form: VisitForm, visit: Visit | None):
    return form_page("visits/form.html", form, visit=visit, **suggestions())


@bp.route("/visits/new", methods=["GET", "POST"])
@planner_required
def create_visit():
    form = VisitForm(
        timezone=current_app.config["OFFICE_TIMEZONE"],
        reminder_guest_minutes=GUEST_REMINDER_MINUTES,
        reminder_crew_minutes=CREW_REMINDER_MINUTES,
        organizations=all_organizations(db.session),
    )
    if form.validate_on_submit():
        visit = operations.create_visit(db.session, acting=acting_user(), **form.values())
        flash(html_gettext("The visit “%(title)s” is created.", title=visit.title), "success")
        return redirect(url_for("visits.show_visit", visit_id=visit.id))
    return visit_form_page(form, None)


@bp.route("/visits/<int:visit_id>/edit", methods=["GET", "POST"])
@planner_required
def edit_visit(visit_id: int):
    visit = live_visit_or_404(visit_id)
    form = VisitForm(obj=visit, organizations=all_organizations(db.session))
    if form.validate_on_submit():
        operations.update_visit(db.session, visit, acting=acting_user(), **form.values())
        flash(html_gettext("The visit “%(title)s” is saved.", title=visit.title), "success")
        # The checker's own rule, so that the warning and its finding always agree.
        if outside := check_dates(build_plan(db.session, visit)):
            flash(
                html_ngettext(
                    "%(num)d stop now falls outside the visit's dates: move or bin it.",
                    "%(num)d stops now fall outside the visit's dates: move or bin them.",
                    len(outside),
                ),
                "warning",
            )
        return redirect(url_for("visits.show_visit", visit_id=visit.id))
    return visit_form_page(form, visit)


@bp.route("/visits/<int:visit_id>/delete", methods=["GET", "POST"])
@planner_required
def delete_visit(visit_id: int):
    visit = live_visit_or_404(visit_id)
    if request.method == "POST":
        operations.delete_visit(db.session, visit, acting=acting_user())
        flash(
            html_gettext(
                "“%(title)s” is in the bin. You can restore it from there.", title=visit.title
            ),
            "success",
        )
        return redirect(url_for("visits.list_visits"))
    return render_template("visits/confirm_delete.html", visit=visit)


@bp.get("/visits/bin")
@planner_required
def list_deleted_visits():
    page = paged(operations.visits_in_bin())
    return render_template("visits/bin.html", page=page, visits=page.items)


@bp.post("/visits/<int:visit_id>/restore")
@planner_required
def restore_visit(visit_id: int):
    visit = db.session.get(Visit, visit_id) or abort(404)
    if visit.is_deleted:
        operations.restore_visit(db.session, visit, acting=acting_user())
        flash(
            html_gettext("“%(title)s” is restored with its programme.", title=visit.title),
            "success",
        )
    return redirect(url_for("visits.show_visit", visit_id=visit.id))


# --- A return visit ---------------------------------------------------------------------


def return_visit_defaults(visit: Visit) -> dict:
    """The sides swapped: the original hosts' country and the delegation's home zone."""
    if visit.host_organization is not None:
        country = visit.host_organization.country
    else:
        country = get_global("zone_territories").get(visit.timezone, "")
    return {
        "title": _("Return visit: %(title)s", title=visit.title)[:200],
        "visiting_country": country,
        "timezone": visit.delegation_timezone or "",
    }


@bp.route("/visits/<int:visit_id>/return-visit", methods=["GET", "POST"])
@planner_required
def copy_visit(visit_id: int):
    visit = live_visit_or_404(visit_id)
    form = ReturnVisitForm(**return_visit_defaults(visit))
    if form.validate_on_submit():
        copy = operations.copy_as_return_visit(
            db.session,
            visit,
            acting=acting_user(),
            start_date=form.start_date.data,
            title=form.title.data,
            visiting_country=form.visiting_country.data,
            timezone=form.timezone.data,
        )
        flash(
            _(
                "The return visit is a draft: add the venues, the host city and the "
                "local participants before you confirm it."
            ),
            "success",
        )
        return redirect(url_for("visits.show_visit", visit_id=copy.id))
    return form_page("visits/return_visit_form.html", form, visit=visit, **suggestions())


# --- Participants -----------------------------------------------------------------------


def participants_url(visit: Visit) -> str:
    return url_for("visits.show_visit", visit_id=visit.id, _anchor="participants")


def add_chosen_or_new_person(form: ParticipantForm, visit: Visit) -> Participant:
    if form.adds_person:
        person = new_entries.new_person(
            db.session, form.new_person.form, form.new_organization.form, acting=acting_user()
        )
    else:
        person = db.session.get(Person, form.person.data) or abort(400)
    return operations.add_participant(
        db.session, visit, acting=acting_user(), person=person, **form.values()
    )


@bp.route("/visits/<int:visit_id>/participants/new", methods=["GET", "POST"])
@planner_required
def add_participant(visit_id: int):
    visit = live_visit_or_404(visit_id)
    form = ParticipantForm(
        people=operations.people_not_in(db.session, visit),
        organizations=all_organizations(db.session),
        precedence=visit.next_precedence,
        side=params.text_arg("side") or None,
    )
    likely = new_entries.LikelyDuplicates()
    if form.validate_on_submit():
        likely = new_entries.likely_duplicates(
            db.session,
            organization=form.new_organization.form,
            person=form.new_person.form,
        )
        if not likely:
            try:
                participant = add_chosen_or_new_person(form, visit)
            except VisitError as error:
                show_error(form, error)  # a 400: the new person and organization are not kept
            else:
                flash(
                    html_gettext(
                        "%(name)s takes part in the visit.", name=reader_name(participant.person)
                    ),
                    "success",
                )
                if "another" in request.form:
                    side = participant.side.value
                    return redirect(url_for("visits.add_participant", visit_id=visit.id, side=side))
                return redirect(participants_url(visit))
    return form_page(
        "visits/participant_form.html",
        form,
        visit=visit,
        participant=None,
        likely=new_entries.likely_choices(likely),
    )


@bp.route("/visits/<int:visit_id>/participants/several", methods=["GET", "POST"])
@planner_required
def add_several_participants(visit_id: int):
    visit = live_visit_or_404(visit_id)
    form = several_participants_form(operations.people_not_in(db.session, visit))
    if form.validate_on_submit():
        added = []
        for person, side, role in form.chosen():
            try:
                added.append(
                    operations.add_participant(
                        db.session,
                        visit,
                        acting=acting_user(),
                        person=person,
                        side=side,
                        role=role,
                        # An interpreter interprets the languages they speak.
                        interpreting_languages=list(person.languages or []),
                    )
                )
            except VisitError as error:
                # A 400: none of them is added, the page says which row to change.
                form.row(person)[1].errors.append(error.message)
        if not form.errors:
            flash(
                html_ngettext(
                    "%(num)d person takes part in the visit.",
                    "%(num)d people take part in the visit.",
                    len(added),
                ),
                "success",
            )
            return redirect(participants_url(visit))
    return form_page("visits/several_participants_form.html", form, visit=visit)


@bp.route("/visits/<int:visit_id>/participants/<int:participant_id>", methods=["GET", "POST"])
@planner_required
def edit_participant(visit_id: int, participant_id: int):
    visit = live_visit_or_404(visit_id)
    participant = participant_or_404(visit, participant_id)
    form = ParticipantForm(obj=participant)
    if form.validate_on_submit():
        try:
            operations.update_participant(
                db.session, participant, acting=acting_user(), **form.values()
            )
        except VisitError as error:
            show_error(form, error)
        else:
            flash(
                html_gettext("%(name)s is saved.", name=reader_name(participant.person)), "success"
            )
            return redirect(participants_url(visit))
    return form_page("visits/participant_form.html", form, visit=visit, participant=participant)


@bp.route(
    "/visits/<int:visit_id>/participants/<int:participant_id>/remove", methods=["GET", "POST"]
)
@planner_required
def remove_participant(visit_id: int, participant_id: int):
    visit = live_visit_or_404(visit_id)
    participant = participant_or_404(visit, participant_id)
    stops = programme_of(visit.stops, participant)
    if request.method == "POST":
        name = reader_name(participant.person)
        now = utc_now()
        farewell = calendar_operations.remove_participant(
            db.session,
            participant,
            letters.MailSettings.from_config(current_app.config),
            acting=acting_user(),
            now=now,
        )
        flash(html_gettext("%(name)s no longer takes part in the visit.", name=name), "success")

        def tell(report: outbox.SendReport) -> None:
            if report.queued:
                flash(
                    html_gettext("A cancellation to %(name)s is on its way.", name=name),
                    "success",
                )
            if report.sent:
                flash(
                    html_gettext("A cancellation went to %(name)s's calendar.", name=name),
                    "success",
                )
            if report.failed:
                flash(
                    html_gettext(
                        "The cancellation to %(name)s could not be sent; it waits in the mail log.",
                        name=name,
                    ),
                    "error",
                )

        send_after_commit(farewell, report=tell)
        return redirect(participants_url(visit))
    return render_template(
        "visits/confirm_remove_participant.html",
        visit=visit,
        participant=participant,
        stops=stops,
    )
