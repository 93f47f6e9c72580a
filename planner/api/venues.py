"""/api/v1/venues: places stops happen, with their weekly hours, closed dates and drive times.

The rules are the venue form's, from the same functions (planner/venues/models.py).
"""

import re
from datetime import time

import marshmallow as ma

from planner import rules
from planner.api.common import (
    MAX_ID,
    ApiBlueprint,
    Id,
    Instant,
    QuerySchema,
    Schema,
    SelectPage,
    Text,
    abort,
    choice_field,
    column_length,
    existing,
    refuse,
    rule,
)
from planner.extensions import db
from planner.organizations.models import Organization
from planner.security import planner_required
from planner.venues.models import (
    LONGEST_DRIVE_MINUTES,
    TravelTime,
    Venue,
    VenueClosure,
    VenueKind,
    always_open_error,
    coordinates_error,
    opening_times_error,
    overlap_error,
)
from planner.venues.operations import (
    WeeklyHours,
    add_closure,
    create_venue,
    delete_venue,
    remove_closure,
    remove_travel_time,
    restore_venue,
    set_travel_time,
    travel_times_from,
    update_venue,
    venue_for_page,
    venues_query,
    weekly_hours,
)
from planner.web import acting_user

blp = ApiBlueprint(
    "Venues",
    __name__,
    description="Places stops happen: opening hours, closed dates, drive times between them.",
)

# Weekday names by their stored number (0 = Monday).
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# The form offers two intervals a day (a midday break); more would be lost on the next edit.
MOST_INTERVALS_A_DAY = 2
# Counts stop at the database's INTEGER, like ids: a larger one is refused, never sent to the
# database to fail there.
LARGEST_INTEGER = MAX_ID


class ClockTime(ma.fields.Time):
    """A local time of day, HH:MM (seconds optional), as the form takes it."""

    PATTERN = r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$"
    default_error_messages = {"invalid": "Not a time of day: give HH:MM, e.g. 09:30."}

    def __init__(self, **kwargs):
        metadata = {"pattern": self.PATTERN, "example": "09:00", **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")

    def _deserialize(self, value, attr, data, **kwargs) -> time:
        if not isinstance(value, str) or not re.match(self.PATTERN, value):
            raise self.make_error("invalid")
        return time.fromisoformat(value)


class VenueOpeningIntervalSchema(Schema):
    opens = ClockTime(
        required=True, metadata={"description": "Local time in the venue's time zone."}
    )
    closes = ClockTime(
        required=True,
        metadata={
            "description": "After `opens`. For hours past midnight, close at 23:59 and open "
            "the next day at 00:00.",
            "example": "13:00",
        },
    )

    @ma.validates_schema
    def _closes_after_opens(self, data, **_kwargs):
        if error := opening_times_error(data.get("opens"), data.get("closes")):
            raise ma.ValidationError(str(error), "closes")


def no_overlap(intervals: list[dict]) -> None:
    if error := overlap_error([(each["opens"], each["closes"]) for each in intervals]):
        raise ma.ValidationError(str(error))


def day_field(name: str) -> ma.fields.List:
    return ma.fields.List(
        ma.fields.Nested(VenueOpeningIntervalSchema),
        validate=[
            ma.validate.Length(
                max=MOST_INTERVALS_A_DAY,
                error="At most {max} opening intervals a day: one midday break.",
            ),
            no_overlap,
        ],
        metadata={"description": f"Open intervals on {name.title()}; none (or left out): closed."},
    )


class VenueWeekSchema(Schema):
    """The weekly opening hours, by weekday: a day left out or empty is closed."""

    saturday = day_field("saturday")
    sunday = day_field("sunday")
    monday = day_field("monday")
    tuesday = day_field("tuesday")
    wednesday = day_field("wednesday")
    thursday = day_field("thursday")
    friday = day_field("friday")

    @ma.post_load
    def _by_weekday_number(self, data, **_kwargs) -> WeeklyHours:
        return {
            WEEKDAYS.index(name): sorted((each["opens"], each["closes"]) for each in intervals)
            for name, intervals in data.items()
            if intervals
        }


class WeekField(ma.fields.Nested):
    """Reads the venue's OpeningHours rows as a week of named days."""

    def __init__(self, **kwargs):
        super().__init__(VenueWeekSchema, **kwargs)

    def _deserialize(self, value, attr, data, partial=None, **kwargs):
        # A week sent is the whole week, even in a PATCH: no interval may lack a time.
        return super()._deserialize(value, attr, data, partial=False, **kwargs)

    # marshmallow names this argument nested_obj in Nested and value in Field, which Nested
    # overrides: no name is right for both, so mypy finds fault with any override.
    def _serialize(self, nested_obj, attr, obj, **kwargs):  # type: ignore[override]
        week: dict[str, list[dict[str, time]]] = {name: [] for name in WEEKDAYS}
        for row in nested_obj or []:
            week[WEEKDAYS[row.weekday]].append({"opens": row.opens, "closes": row.closes})
        return super()._serialize(week, attr, obj, **kwargs)


def coordinate(limit: int, description: str) -> ma.fields.Float:
    return ma.fields.Float(
        allow_none=True,
        validate=ma.validate.Range(
            min=-limit, max=limit, error="Enter a number from {min} to {max}."
        ),
        metadata={"description": description + " Give both coordinates, or neither."},
    )


class VenueSchema(Schema):
    id = ma.fields.Integer(dump_only=True)
    name = Text(
        column_length(Venue.name),
        required=True,
        metadata={"example": "Shapurkhast Alloy Casting foundry"},
    )
    name_native = Text(
        column_length(Venue.name_native),
        metadata={
            "description": "The name in the local language.",
            "example": "کارخانه ریخته‌گری شاپورخواست",
        },
    )
    kind = choice_field(VenueKind, required=True)
    organization_id = Id(
        allow_none=True,
        metadata={"description": "The organization that runs it (/api/v1/organizations)."},
    )
    address = Text(multiline=True)
    city = Text(column_length(Venue.city), metadata={"example": "Khorramabad"})
    latitude = coordinate(90, "Degrees, north positive, e.g. 33.4876.")
    longitude = coordinate(180, "Degrees, east positive, e.g. 48.3551.")
    timezone = Text(
        column_length(Venue.timezone),
        required=True,
        validate=[rule(rules.zone_error)],
        metadata={
            "description": "IANA time zone name: opening hours are in this zone.",
            "example": "Asia/Tehran",
        },
    )
    capacity = ma.fields.Integer(
        allow_none=True,
        validate=[
            ma.validate.Range(min=1, error="Enter a number above zero."),
            ma.validate.Range(max=LARGEST_INTEGER),
        ],
        metadata={"description": "How many people it seats or receives.", "example": 30},
    )
    access_notes = Text(
        multiline=True,
        metadata={
            "description": "Parking, ramps and lifts, what guests must wear, photography rules."
        },
    )
    always_open = ma.fields.Boolean(
        metadata={
            "description": "Open at all hours, with no opening hours (hotels, airports): the "
            "checker never warns that it is closed. A venue either has opening hours or is "
            "always open. Left out when adding: false. When changing, true clears the hours."
        }
    )
    opening_hours = WeekField(
        metadata={
            "description": "Weekly opening hours in the venue's time zone. Sent, it replaces "
            "the whole week."
        }
    )
    deleted_at = Instant(
        dump_only=True,
        allow_none=True,
        metadata={"description": "When it was moved to the bin; null when it is not there."},
    )


class VenueFilter(QuerySchema):
    q = Text(metadata={"description": "Part of either name or of the address."})
    city = Text(metadata={"description": "The city, exactly as stored."})
    kind = choice_field(VenueKind)
    deleted = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "true: list the venues in the bin instead."},
    )


class VenueClosureSchema(Schema):
    id = ma.fields.Integer(dump_only=True)
    day = ma.fields.Date(
        required=True,
        metadata={
            "description": "Closed all day, whatever the weekly hours say.",
            "example": "2026-03-21",
        },
    )
    reason = Text(column_length(VenueClosure.reason), metadata={"example": "Nowruz holiday"})


class DriveTimeSchema(Schema):
    id = ma.fields.Integer(dump_only=True)
    other_venue_id = Id(
        required=True,
        metadata={"description": "The venue at the other end; not this one, not in the bin."},
    )
    other_venue_name = ma.fields.String(dump_only=True)
    minutes = ma.fields.Integer(
        required=True,
        validate=ma.validate.Range(
            min=1, max=LONGEST_DRIVE_MINUTES, error="Enter the minutes, from {min} to {max}."
        ),
        metadata={"description": "By car, either way.", "example": 25},
    )
    note = Text(column_length(TravelTime.note), metadata={"example": "with a police escort"})


def find_venue(venue_id: int, *, in_the_bin: bool = False) -> Venue:
    """The venue, or 404. One in the bin is found only to be restored, as for visits."""
    venue = venue_for_page(db.session, venue_id)
    if venue is None:
        abort(404, message=f"There is no venue {venue_id}.")
    if venue.deleted_at is not None and not in_the_bin:
        abort(
            404,
            message=f"Venue {venue_id} is in the bin: restore it first "
            f"(POST /api/v1/venues/{venue_id}/restore).",
        )
    return venue


def checked_values(values: dict, venue: Venue | None) -> tuple[dict, WeeklyHours | None]:
    """The venue's new values and weekly hours (None: open at all hours), after the form's
    rules across fields, applied to what the venue will be once changed; 422 otherwise."""
    existing(
        Organization, values.get("organization_id"), field="organization_id", what="organization"
    )

    latitude = values.get("latitude", venue.latitude if venue else None)
    longitude = values.get("longitude", venue.longitude if venue else None)
    if error := coordinates_error(latitude, longitude):
        refuse("latitude" if latitude is None else "longitude", error)

    stored = weekly_hours(venue) if venue is not None else {}
    sent_hours = values.pop("opening_hours", None)
    if sent_hours is not None:
        hours = sent_hours
    elif values.get("always_open"):
        hours = {}
    else:
        hours = stored
    # Unsaid, a new venue keeps hours; a changed one stays as it was unless new hours came.
    always_open = values.pop("always_open", venue is not None and sent_hours is None and not stored)
    if error := always_open_error(always_open, any(hours.values())):
        refuse("always_open", error)
    return values, None if always_open else hours


@blp.route("/venues")
@blp.arguments(VenueFilter, location="query", as_kwargs=True)
@blp.response(200, VenueSchema(many=True))
@blp.paginate(SelectPage)
def list_venues(q=None, city=None, kind=None, deleted=False):
    """List venues by name; with `deleted=true`, those in the bin."""
    return venues_query(search=(q or "").strip(), kind=kind, city=city or None, deleted=deleted)


@blp.route("/venues", methods=["POST"])
@planner_required
@blp.arguments(VenueSchema)
@blp.response(201, VenueSchema)
def add_venue(values):
    """Add a venue (planners): with weekly opening hours, or `always_open`."""
    values, hours = checked_values(values, None)
    return create_venue(db.session, acting=acting_user(), hours=hours, **values)


@blp.route("/venues/<int:venue_id>")
@blp.response(200, VenueSchema)
def get_venue(venue_id: int):
    """One venue. One in the bin is 404 until restored; `?deleted=true` lists them."""
    return find_venue(venue_id)


@blp.route("/venues/<int:venue_id>", methods=["PATCH"])
@planner_required
@blp.arguments(VenueSchema(partial=True))
@blp.response(200, VenueSchema)
def change_venue(values, venue_id: int):
    """Change some of a venue's fields (planners). `opening_hours`, when sent, replaces the
    whole week."""
    venue = find_venue(venue_id)
    values, hours = checked_values(values, venue)
    return update_venue(db.session, venue, acting=acting_user(), hours=hours, **values)


@blp.route("/venues/<int:venue_id>", methods=["DELETE"])
@planner_required
@blp.response(204)
def remove_venue(venue_id: int):
    """Move a venue to the bin (planners): past stops keep it, new stops cannot choose it.
    It can be restored."""
    delete_venue(db.session, find_venue(venue_id), acting=acting_user())


@blp.route("/venues/<int:venue_id>/restore", methods=["POST"])
@planner_required
@blp.response(200, VenueSchema)
def restore_venue_from_bin(venue_id: int):
    """Take a venue out of the bin (planners)."""
    venue = find_venue(venue_id, in_the_bin=True)
    if venue.deleted_at is not None:
        restore_venue(db.session, venue, acting=acting_user())
    return venue


@blp.route("/venues/<int:venue_id>/closures")
@blp.response(200, VenueClosureSchema(many=True))
def list_closures(venue_id: int):
    """The dates a venue is closed, whatever its weekly hours say, earliest first (not paged)."""
    return find_venue(venue_id).closures


@blp.route("/venues/<int:venue_id>/closures", methods=["POST"])
@planner_required
@blp.arguments(VenueClosureSchema)
@blp.response(201, VenueClosureSchema)
def add_venue_closure(values, venue_id: int):
    """Mark a date as closed (planners)."""
    venue = find_venue(venue_id)
    if error := venue.closure_error(values["day"]):
        refuse("day", error)
    return add_closure(db.session, venue, acting=acting_user(), **values)


@blp.route(
    "/venues/<int:venue_id>/closures/<int:closure_id>",
    methods=["DELETE"],
)
@planner_required
@blp.response(204)
def remove_venue_closure(venue_id: int, closure_id: int):
    """Remove a closed date (planners)."""
    closure = db.session.get(VenueClosure, closure_id)
    if closure is None or closure.venue_id != venue_id:
        abort(404, message=f"Venue {venue_id} has no closed date {closure_id}.")
    remove_closure(db.session, closure, acting=acting_user())


def drive_time(travel_time: TravelTime, other: Venue) -> dict:
    return {
        "id": travel_time.id,
        "other_venue_id": other.id,
        "other_venue_name": other.name,
        "minutes": travel_time.minutes,
        "note": travel_time.note,
    }


@blp.route("/venues/<int:venue_id>/drive-times")
@blp.response(200, DriveTimeSchema(many=True))
def list_drive_times(venue_id: int):
    """The known drive times from a venue, nearest first (not paged). The checker uses them
    before any estimate from the coordinates."""
    venue = find_venue(venue_id)
    return [drive_time(row, other) for row, other in travel_times_from(db.session, venue)]


@blp.route("/venues/<int:venue_id>/drive-times", methods=["POST"])
@planner_required
@blp.arguments(DriveTimeSchema)
@blp.response(201, DriveTimeSchema)
def set_drive_time(values, venue_id: int):
    """Record the drive time to another venue (planners). A pair has one drive time, either
    way: this replaces the one known, from whichever end it was entered."""
    venue = find_venue(venue_id)
    other_id = values.pop("other_venue_id")
    if error := TravelTime.venues_error(venue.id, other_id):
        refuse("other_venue_id", error)
    other = existing(Venue, other_id, field="other_venue_id", what="venue")
    travel_time = set_travel_time(db.session, venue, other, acting=acting_user(), **values)
    return drive_time(travel_time, other)


@blp.route(
    "/venues/<int:venue_id>/drive-times/<int:drive_time_id>",
    methods=["DELETE"],
)
@planner_required
@blp.response(204)
def remove_drive_time(venue_id: int, drive_time_id: int):
    """Forget a drive time (planners); the checker estimates it again from the coordinates."""
    travel_time = db.session.get(TravelTime, drive_time_id)
    if travel_time is None or venue_id not in (
        travel_time.first_venue_id,
        travel_time.second_venue_id,
    ):
        abort(404, message=f"Venue {venue_id} has no drive time {drive_time_id}.")
    remove_travel_time(db.session, travel_time, acting=acting_user())
