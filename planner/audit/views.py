"""History pages (per visit, per record, across the office), putting a value back, and the
security events."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from planner.accounts.models import User
from planner.audit.models import Action, AuditEntry, SecurityEventKind, Source
from planner.audit.operations import (
    AuditFilter,
    audit_entries,
    referenced_names,
    security_events,
)
from planner.audit.readable import (
    RECORD_TYPES,
    Reading,
    field_label,
    record_type_label,
    shown_value,
)
from planner.audit.trail import plain
from planner.clock import office_zone
from planner.extensions import db
from planner.i18n import current_language, html_gettext
from planner.itinerary.models import Stop
from planner.itinerary.operations import StaleEdit, update_stop
from planner.organizations.models import Organization
from planner.organizations.operations import update_organization
from planner.outcomes.models import FollowUp, Outcome, currency_error, estimated_value_error
from planner.outcomes.operations import owner_error, update_follow_up, update_outcome
from planner.params import id_arg, text_arg
from planner.partnerships.models import Partnership
from planner.partnerships.operations import EDITABLE, side_error, update_partnership
from planner.people.models import Person
from planner.people.operations import update_person
from planner.security import admin_required, is_safe_next, planner_required
from planner.timefmt import local_to_utc
from planner.types import UTCDateTime
from planner.venues.models import Venue
from planner.venues.operations import update_venue, weekly_hours
from planner.visits.models import Participant, Visit
from planner.visits.operations import update_participant, update_visit
from planner.web import acting_user, live_visit_or_404

bp = Blueprint("audit", __name__)


class Refused(ValueError):
    """An earlier value that a rule of the record's form refuses now."""

    def __init__(self, message):
        super().__init__(str(message))


def _put_back_visit(visit, values, _version):
    update_visit(db.session, visit, acting=acting_user(), **values)


def _put_back_stop(stop, values, version):
    update_stop(db.session, stop, acting=acting_user(), expected_version=version, **values)


def _put_back_participant(participant, values, _version):
    update_participant(db.session, participant, acting=acting_user(), **values)


def _put_back_person(person, values, _version):
    update_person(db.session, person, acting=acting_user(), **values)


def _put_back_venue(venue, values, _version):
    update_venue(db.session, venue, acting=acting_user(), hours=weekly_hours(venue), **values)


def _put_back_organization(organization, values, _version):
    update_organization(db.session, organization, acting=acting_user(), **values)


def _put_back_outcome(outcome, values, _version):
    # The outcome form's rules on the value and its currency, which only it checks.
    value = values.get("estimated_value", outcome.estimated_value)
    currency = values.get("currency", outcome.currency)
    if error := estimated_value_error(value) or currency_error(currency, value):
        raise Refused(error)
    update_outcome(db.session, outcome, acting=acting_user(), **values)


def _put_back_follow_up(follow_up, values, _version):
    if "owner_id" in values:
        # The follow-up form's rule: a colleague no longer active is not given it again.
        owner = db.session.get(User, values["owner_id"])
        if owner is None:
            raise Refused(_("That colleague's account no longer exists."))
        if error := owner_error(owner, follow_up.owner):
            raise Refused(error)
    update_follow_up(db.session, follow_up, acting=acting_user(), **values)


def _put_back_partnership(partnership, values, _version):
    # The partnership form's rule: each side keeps a city, an organization or both.
    for city, organization in (
        ("our_city", "our_organization_id"),
        ("partner_city", "partner_organization_id"),
    ):
        merged = (values.get(name, getattr(partnership, name)) for name in (city, organization))
        if error := side_error(*merged):
            raise Refused(error)
    update_partnership(db.session, partnership, acting=acting_user(), **values)


@dataclass(frozen=True)
class PutBack:
    model: type[Any]
    save: Callable
    only: frozenset[str] | None = None  # the fields its operation takes, when it says
    kept: frozenset[str] = frozenset()  # fields of this record never put back


# A field's earlier value goes back through the record's own operation, so its rules
# (and a stop's version check) apply as they do to an edit.
PUT_BACK = {
    "visits": PutBack(Visit, _put_back_visit),
    "stops": PutBack(Stop, _put_back_stop),
    "participants": PutBack(Participant, _put_back_participant, kept=frozenset({"person_id"})),
    "people": PutBack(Person, _put_back_person),
    "venues": PutBack(Venue, _put_back_venue),
    "organizations": PutBack(Organization, _put_back_organization),
    "outcomes": PutBack(Outcome, _put_back_outcome, kept=frozenset({"created_by_id"})),
    "follow_ups": PutBack(FollowUp, _put_back_follow_up),
    # The stage moves by its own form, with a reason: not from here.
    "partnerships": PutBack(Partnership, _put_back_partnership, only=frozenset(EDITABLE)),
}

# Not put back field by field: identities, what an operation sets itself, and the bin
# (which has its own restore).
KEPT_FIELDS = frozenset(
    {"id", "created_at", "updated_at", "completed_at", "deleted_at", "calendar_uid", "visit_id"}
)

# A binned record comes back by its own restore, on its own page.
RESTORE_ENDPOINTS = {
    "visits": lambda entry: url_for("visits.restore_visit", visit_id=entry.record_id),
    "stops": lambda entry: url_for(
        "itinerary.restore_stop", visit_id=entry.visit_id, stop_id=entry.record_id
    ),
    "venues": lambda entry: url_for("venues.restore_venue_page", venue_id=entry.record_id),
}

RECORD_PAGES = {
    "visits": lambda entry: url_for("visits.show_visit", visit_id=entry.record_id),
    "stops": lambda entry: url_for(
        "itinerary.edit_stop", visit_id=entry.visit_id, stop_id=entry.record_id
    ),
    "people": lambda entry: url_for("people.show_person", person_id=entry.record_id),
    "venues": lambda entry: url_for("venues.show_venue", venue_id=entry.record_id),
    "organizations": lambda entry: url_for(
        "organizations.edit_organization", organization_id=entry.record_id
    ),
    "outcomes": lambda entry: url_for("outcomes.show_outcome", outcome_id=entry.record_id),
    "partnerships": lambda entry: url_for(
        "partnerships.show_partnership", partnership_id=entry.record_id
    ),
    "users": lambda entry: url_for("accounts.edit_user", user_id=entry.record_id),
}


def can_put_back(entry: AuditEntry, field: str) -> bool:
    rule = PUT_BACK.get(entry.record_type)
    return (
        entry.action == "update"
        and rule is not None
        and field not in KEPT_FIELDS | rule.kept
        and (rule.only is None or field in rule.only)
        and not isinstance(entry.changes[field][0], list | dict)
    )


def _label_of(choice):
    def label(value: str):
        try:
            return choice(value).label
        except ValueError:
            return value  # a kind this version does not know, written by a newer one

    return label


bp.add_app_template_filter(_label_of(Action), "audit_action")
bp.add_app_template_filter(_label_of(Source), "audit_source")
bp.add_app_template_filter(_label_of(SecurityEventKind), "security_event_kind")


@bp.app_context_processor
def _history_helpers():
    return {
        "audit_field_label": field_label,
        "audit_record_type_label": record_type_label,
        "audit_value": shown_value,
        "audit_can_put_back": can_put_back,
        "audit_restore_url": lambda entry: (
            RESTORE_ENDPOINTS[entry.record_type](entry)
            if entry.record_type in RESTORE_ENDPOINTS
            and "deleted_at" in entry.changes
            and entry.changes["deleted_at"][1] is not None
            else None
        ),
        "audit_record_url": lambda entry: (
            RECORD_PAGES[entry.record_type](entry) if entry.record_type in RECORD_PAGES else None
        ),
    }


def _page_number() -> int:
    return id_arg("page") or 1


def _history_page(title, where: AuditFilter, zone_name: str | None = None, **context):
    """The entries, their values as the app shows them: times in `zone_name` (a visit's, on
    its history; the office's elsewhere), in the reader's language and calendar."""
    page = audit_entries(db.session, where, _page_number())
    reading = Reading(
        locale=current_language(),
        zone=zone_name or office_zone(),
        names=referenced_names(db.session, page.items),
    )
    user_ids = {entry.user_id for entry in page.items if entry.user_id is not None}
    users = {
        user.id: user for user in db.session.scalars(sa.select(User).where(User.id.in_(user_ids)))
    }
    # A value put back on a stop is an edit: it is refused if the stop moved on since.
    stop_ids = {entry.record_id for entry in page.items if entry.record_type == "stops"}
    versions: dict[int, int] = {
        stop_id: version
        for stop_id, version in db.session.execute(
            sa.select(Stop.id, Stop.version).where(Stop.id.in_(stop_ids))
        )
    }
    return render_template(
        "audit/history.html",
        title=title,
        page=page,
        users=users,
        where=where,
        stop_versions=versions,
        reading=reading,
        **context,
    )


@bp.get("/visits/<int:visit_id>/history")
def visit_history(visit_id: int):
    visit = live_visit_or_404(visit_id)
    return _history_page(
        html_gettext("History of %(title)s", title=visit.title),
        AuditFilter(visit_id=visit.id),
        zone_name=visit.timezone,
        back_url=url_for("visits.show_visit", visit_id=visit.id),
    )


@bp.get("/history/<record_type>/<int:record_id>")
def record_history(record_type: str, record_id: int):
    if record_type not in RECORD_TYPES:
        abort(404)
    if record_type == "users" and not current_user.is_admin:
        abort(403)
    label = record_type_label(record_type)
    return _history_page(
        html_gettext("History of %(record)s %(number)s", record=label, number=record_id),
        AuditFilter(record_type=record_type, record_id=record_id),
    )


def _day_arg(name: str) -> date | None:
    text = text_arg(name, 10)
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        abort(400, _("“%(name)s” in the address must be a date, e.g. 2026-12-15.", name=name))


def _office_midnight(day: date | None) -> datetime | None:
    return None if day is None else local_to_utc(day, time(0), office_zone())


@bp.get("/history")
@admin_required
def office_history():
    record_type = text_arg("type") or None
    if record_type is not None and record_type not in RECORD_TYPES:
        abort(400, _("Unknown kind: %(kind)s", kind=record_type))
    since, until = _day_arg("from"), _day_arg("to")
    where = AuditFilter(
        user_id=id_arg("user"),
        record_type=record_type,
        since=_office_midnight(since),
        until=_office_midnight(until.fromordinal(until.toordinal() + 1) if until else None),
    )
    return _history_page(
        _("Changes across the office"),
        where,
        office_wide=True,
        staff=list(db.session.scalars(sa.select(User).order_by(User.name))),
        record_types=RECORD_TYPES,
        chosen={"user": where.user_id, "type": record_type, "from": since, "to": until},
    )


def _stored_value(model, field: str, value):
    """The recorded JSON value as the column holds it again."""
    kind = model.__table__.c[field].type
    if value is None:
        return None
    if isinstance(kind, UTCDateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, sa.Date):
        return date.fromisoformat(value)
    if isinstance(kind, sa.Time):
        return time.fromisoformat(value)
    if isinstance(kind, sa.Enum) and kind.enum_class is not None:
        return kind.enum_class(value)
    if isinstance(kind, sa.Numeric) and not isinstance(kind, sa.Float):
        return Decimal(value)
    return value


def _binned(record) -> bool:
    return getattr(record, "deleted_at", None) is not None


@bp.post("/history/<int:entry_id>/put-back")
@planner_required
def put_back(entry_id: int):
    """The field's value before this change, saved again as an edit of the record."""
    entry = db.session.get(AuditEntry, entry_id) or abort(404)
    field = request.form.get("field", "")
    if field not in entry.changes or not can_put_back(entry, field):
        abort(400, _("This value cannot be put back from the history."))
    rule = PUT_BACK[entry.record_type]
    record = db.session.get(rule.model, entry.record_id)
    if record is None or _binned(record) or _binned(getattr(record, "visit", None)):
        abort(404)
    version = request.form.get("version", type=int)
    back_to = request.form.get("next") or url_for(
        "audit.record_history", record_type=entry.record_type, record_id=entry.record_id
    )
    earlier = _stored_value(rule.model, field, entry.changes[field][0])
    # Changed again since this entry (by a later edit, or a put-back), or a stop saved since
    # the page was read: not overwritten.
    changed_since = _("Someone changed this since the history was opened; look again.")
    if plain(getattr(record, field)) != entry.changes[field][1]:
        flash(changed_since, "error")
    else:
        try:
            rule.save(record, {field: earlier}, version)
        except StaleEdit:
            flash(changed_since, "error")
        except ValueError as error:  # a rule of the record's, in the reader's words
            db.session.rollback()
            flash(_("The earlier value cannot go back: %(reason)s", reason=error), "error")
        except (sa.exc.IntegrityError, StaleDataError):
            # The database's own refusal names tables and SQL: not for the reader.
            db.session.rollback()
            flash(_("The earlier value cannot go back: the record no longer allows it."), "error")
        else:
            flash(
                html_gettext(
                    "%(field)s is back to its earlier value.",
                    field=field_label(field, entry.record_type),
                ),
                "success",
            )
    return redirect(back_to if is_safe_next(back_to) else url_for("visits.list_visits"))


@bp.get("/security-events")
@admin_required
def list_security_events():
    page = security_events(db.session, _page_number())
    user_ids = {event.user_id for event in page.items if event.user_id is not None}
    users = {
        user.id: user for user in db.session.scalars(sa.select(User).where(User.id.in_(user_ids)))
    }
    return render_template("audit/security_events.html", page=page, users=users)
