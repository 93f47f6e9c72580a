"""The audit trail in words: what a record type and each of its fields are called, and a
recorded value as the rest of the app shows it (dates in the reader's calendar and zone,
kinds by their label, a person, venue or organization by name).

Plain functions over the recorded JSON and a `Reading` (who reads, in which zone, the names
of the records the entries point at); the columns' types come from the mapped tables, so
this module reads no domain.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from babel import Locale
from flask_babel import lazy_gettext as _l

from planner.extensions import Model
from planner.timefmt import format_datetime, format_number, format_short_date
from planner.types import UTCDateTime

RECORD_TYPES = {
    "visits": _l("Visit"),
    "stops": _l("Stop"),
    "participants": _l("Participant"),
    "venues": _l("Venue"),
    "people": _l("Person"),
    "organizations": _l("Organization"),
    "outcomes": _l("Outcome"),
    "follow_ups": _l("Follow-up"),
    "partnerships": _l("Partnership"),
    "users": _l("Staff user"),
}

# Fields that mean the same on every record.
COMMON_FIELDS = {
    "id": _l("Number"),
    "title": _l("Title"),
    "name": _l("Name"),
    "kind": _l("Kind"),
    "status": _l("Status"),
    "email": _l("E-mail"),
    "notes": _l("Notes"),
    "city": _l("City"),
    "country": _l("Country"),
    "timezone": _l("Time zone"),
    "organization_id": _l("Organization"),
    "visit_id": _l("Visit"),
    "partnership_id": _l("Partnership"),
    "calendar_uid": _l("Calendar UID"),
    "feed_enabled": _l("Calendar feed"),
    "created_at": _l("Created"),
    "updated_at": _l("Last changed"),
    "deleted_at": _l("In the bin since"),
}

# Every other audited field, by the label its form gives it. tests/test_audit_readable.py
# walks every audited column: a new one without a label here fails it.
FIELDS: dict[str, dict[str, object]] = {
    "visits": {
        "visiting_country": _l("Visiting country"),
        "visiting_organization_id": _l("Visiting organization"),
        "host_organization_id": _l("Host organization"),
        "host_region": _l("Host region"),
        "host_city": _l("Host city"),
        "start_date": _l("Start date"),
        "end_date": _l("End date"),
        "timezone": _l("Host time zone"),
        "delegation_timezone": _l("Delegation's home time zone"),
        "purpose": _l("Purpose"),
        "copied_from_id": _l("Copied from"),
        "reminder_guest_minutes": _l("Reminder for guests and hosts (minutes)"),
        "reminder_crew_minutes": _l("Reminder for drivers, escorts and interpreters (minutes)"),
    },
    "stops": {
        "starts_at": _l("Starts"),
        "ends_at": _l("Ends"),
        "venue_id": _l("Venue"),
        "public_description": _l("Public description"),
        "staff_notes": _l("Staff notes"),
        "online_url": _l("Online link"),
        "attendees": _l("Attendees"),
    },
    "participants": {
        "person_id": _l("Person"),
        "side": _l("Side"),
        "role": _l("Role"),
        "precedence": _l("Precedence"),
        "interpreting_languages": _l("Interpreting languages"),
    },
    "venues": {
        "name_native": _l("Name in the local language"),
        "organization_id": _l("Run by"),
        "address": _l("Address"),
        "latitude": _l("Latitude"),
        "longitude": _l("Longitude"),
        "capacity": _l("Capacity"),
        "access_notes": _l("Access notes"),
    },
    "people": {
        "full_name_native": _l("Full name in their own script"),
        "full_name_latin": _l("Full name in Latin letters"),
        "honorific": _l("Honorific"),
        "position": _l("Position"),
        "nationality": _l("Nationality"),
        "languages": _l("Languages"),
        "phone": _l("Phone"),
        "dietary_needs": _l("Dietary needs"),
        "access_needs": _l("Access needs"),
    },
    "organizations": {
        "name_native": _l("Name in its own language"),
        "sector": _l("Sector"),
        "products": _l("Products"),
        "website": _l("Website"),
    },
    "outcomes": {
        "stop_id": _l("Where it arose"),
        "summary": _l("Summary"),
        "our_organization_id": _l("Our side"),
        "partner_organization_id": _l("Partner side"),
        "product": _l("Product"),
        "hs_code": _l("HS code"),
        "estimated_value": _l("Estimated value"),
        "currency": _l("Currency"),
        "day": _l("Date"),
        "created_by_id": _l("Recorded by"),
    },
    "follow_ups": {
        "title": _l("What is to be done"),
        "owner_id": _l("Owner"),
        "due_date": _l("Due"),
        "outcome_id": _l("Outcome"),
        "completed_at": _l("Completed"),
    },
    "partnerships": {
        "our_city": _l("Our city"),
        "our_country": _l("Our country"),
        "our_organization_id": _l("Our organization"),
        "partner_city": _l("Partner city"),
        "partner_country": _l("Partner country"),
        "partner_organization_id": _l("Partner organization"),
        "stage": _l("Stage"),
        "description": _l("Description"),
    },
    "users": {
        "role": _l("Role"),
        "locale": _l("Language"),
        "active": _l("Active"),
        "must_change_password": _l("Must choose a new password"),
    },
}

# Fields holding country codes and language codes, shown by name.
COUNTRY_FIELDS = frozenset(
    {"visiting_country", "country", "our_country", "partner_country", "nationality"}
)
LANGUAGE_FIELDS = frozenset({"languages", "interpreting_languages", "locale"})
# Many-to-many fields, as the table their ids are rows of.
COLLECTION_TARGETS = {("stops", "attendees"): "participants"}


def record_type_label(record_type: str):
    return RECORD_TYPES.get(record_type, record_type)


def field_label(field_name: str, record_type: str | None = None):
    """The field's label on that record; a field this version does not know (written by a
    newer one) by its column name."""
    own = FIELDS.get(record_type or "", {})
    return own.get(field_name) or COMMON_FIELDS.get(field_name, field_name)


@dataclass(frozen=True)
class Reading:
    """Who reads the history: their language, the zone times are shown in, and the names of
    the records the entries on the page point at, by (table, id)."""

    locale: str = "en"
    zone: str = "UTC"
    names: Mapping[tuple[str, int], str] = field(default_factory=dict)


def _column(record_type: str, field_name: str) -> sa.Column | None:
    table = Model.metadata.tables.get(record_type)
    if table is None:
        return None
    return table.c.get(field_name)


def reference(record_type: str, field_name: str) -> str | None:
    """The table whose row ids this field holds (organizations for `organization_id`)."""
    if (record_type, field_name) in COLLECTION_TARGETS:
        return COLLECTION_TARGETS[record_type, field_name]
    column = _column(record_type, field_name)
    if column is None or not column.foreign_keys:
        return None
    return next(iter(column.foreign_keys)).column.table.name


def referenced_ids(record_type: str, changes: dict) -> dict[str, set[int]]:
    """The ids each field of `changes` points at, by the table they are rows of."""
    found: dict[str, set[int]] = {}
    for field_name, values in changes.items():
        target = reference(record_type, field_name)
        if target is None:
            continue
        for value in values:
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, int) and not isinstance(item, bool):
                    found.setdefault(target, set()).add(item)
    return found


def _by_name(target: str, value: int, reading: Reading) -> str:
    # A record deleted since keeps its number: the trail outlives it.
    return reading.names.get((target, value)) or f"#{format_number(value, reading.locale)}"


def _enum_label(kind: sa.Enum, value):
    if kind.enum_class is None:
        return value
    try:
        return str(getattr(kind.enum_class(value), "label", value))
    except (ValueError, AttributeError):
        return value  # a kind this version does not know, written by a newer one


def _one(record_type: str, field_name: str, value, reading: Reading) -> str:
    if value is True:
        return str(_l("yes"))
    if value is False:
        return str(_l("no"))
    target = reference(record_type, field_name)
    if target is not None and isinstance(value, int):
        return _by_name(target, value, reading)
    if isinstance(value, str) and field_name in COUNTRY_FIELDS:
        return Locale.parse(reading.locale).territories.get(value, value)
    if isinstance(value, str) and field_name in LANGUAGE_FIELDS:
        return Locale.parse(reading.locale).languages.get(value, value)
    column = _column(record_type, field_name)
    kind = column.type if column is not None else None
    try:
        if isinstance(kind, UTCDateTime) and isinstance(value, str):
            return format_datetime(datetime.fromisoformat(value), reading.zone, reading.locale)
        if isinstance(kind, sa.Date) and isinstance(value, str):
            return format_short_date(date.fromisoformat(value), reading.locale)
        if isinstance(kind, sa.Time) and isinstance(value, str):
            return format_number(time.fromisoformat(value).strftime("%H:%M"), reading.locale)
        if isinstance(kind, sa.Enum):
            return _enum_label(kind, value)
        if isinstance(kind, sa.Numeric) and isinstance(value, str):
            return format_number(str(Decimal(value)), reading.locale)
    except (ValueError, InvalidOperation):
        return str(value)  # not what the column holds now: shown as recorded
    if isinstance(value, int | float):
        return format_number(value, reading.locale)
    return str(value)


def shown_value(record_type: str, field_name: str, value, reading: Reading | None = None) -> str:
    """A recorded value as the app shows it: nothing is a dash, a list its items."""
    reading = reading or Reading()
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        separator = "، " if reading.locale == "fa" else ", "
        return separator.join(_one(record_type, field_name, item, reading) for item in value)
    return _one(record_type, field_name, value, reading)
