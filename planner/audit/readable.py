"""The audit trail in words: what a record type and a field are called, a value as shown."""

from flask_babel import lazy_gettext as _l

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

# The fields most often changed, by the name a form gives them; any other field is shown
# by its column name, which is English but says what it is.
FIELDS = {
    "title": _l("Title"),
    "status": _l("Status"),
    "kind": _l("Kind"),
    "venue_id": _l("Venue"),
    "starts_at": _l("Starts"),
    "ends_at": _l("Ends"),
    "name": _l("Name"),
    "email": _l("E-mail"),
    "role": _l("Role"),
    "notes": _l("Notes"),
    "purpose": _l("Purpose"),
    "country": _l("Country"),
    "city": _l("City"),
    "attendees": _l("Attendees"),
    "precedence": _l("Precedence"),
    "side": _l("Side"),
    "due_date": _l("Due"),
    "owner_id": _l("Owner"),
    "summary": _l("Summary"),
    "active": _l("Active"),
    "locale": _l("Language"),
    "timezone": _l("Time zone"),
    "address": _l("Address"),
    "staff_notes": _l("Staff notes"),
    "public_description": _l("Public description"),
    "start_date": _l("Start date"),
    "end_date": _l("End date"),
    "deleted_at": _l("In the bin since"),
}


def record_type_label(record_type: str):
    return RECORD_TYPES.get(record_type, record_type)


def field_label(field: str):
    return FIELDS.get(field, field)


def shown_value(value) -> str:
    """A recorded value as text: nothing is a dash, a list its items, true and false words."""
    if value is None or value == "" or value == []:
        return "—"
    if value is True:
        return str(_l("yes"))
    if value is False:
        return str(_l("no"))
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)
