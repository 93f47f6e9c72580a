"""/api/v1/visits/{visit_id}/stops: a visit's itinerary, stop by stop, with the stop form's
rules and its optimistic locking."""

from datetime import datetime

import marshmallow as ma
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from planner import rules
from planner.api.common import (
    MAX_ID,
    VISIT_PATH,
    ApiBlueprint,
    Day,
    Instant,
    QuerySchema,
    Schema,
    SelectPage,
    Text,
    abort,
    choice_field,
    column_length,
    rule,
    visit_or_404,
)
from planner.extensions import db
from planner.itinerary.models import Stop, StopKind, StopStatus
from planner.itinerary.operations import (
    COMPARED_FIELDS,
    SHIFT_LIMIT_MINUTES,
    StaleEdit,
    changes_between,
    create_stop,
    delete_stop,
    duplicate_stop,
    restore_stop,
    shift_error,
    shift_from,
    snapshot,
    update_stop,
)
from planner.security import planner_required
from planner.timefmt import local_day_bounds, to_local
from planner.venues.models import Venue
from planner.visits.models import Visit
from planner.web import acting_user

blp = ApiBlueprint(
    "Stops",
    __name__,
    description="A visit's itinerary, stop by stop, with attendees and optimistic locking. "
    "Send the `version` you read with every change: a stop someone else changed since is "
    "refused with 409.",
)

STOPS_PATH = f"{VISIT_PATH}/stops"
STOP_PATH = f"{STOPS_PATH}/<int:stop_id>"


# The years an itinerary can be in: beyond them, turning a time into another zone's can leave
# the calendar (year 1 or 9999) and fail.
class StopInstant(Instant):
    """An instant read with any UTC offset and given back in the zone of its stop."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return to_local(value, obj.timezone).isoformat()


class AttendeeIds(ma.fields.List):
    """A stop's attendees by participant id; loaded as the ids, for the view to look up."""

    def __init__(self, **kwargs):
        super().__init__(
            ma.fields.Integer(strict=True, validate=ma.validate.Range(min=1, max=MAX_ID)), **kwargs
        )

    def _serialize(self, value, attr, obj, **kwargs):
        return [participant.id for participant in value]


class StopSchema(Schema):
    id = ma.fields.Integer(dump_only=True)
    visit_id = ma.fields.Integer(dump_only=True)
    kind = choice_field(StopKind, required=True, metadata={"example": "cultural_visit"})
    title = Text(
        column_length(Stop.title),
        required=True,
        metadata={"example": "Visit to Falak-ol-Aflak castle"},
    )
    starts_at = StopInstant(
        required=True,
        metadata={
            "description": "With its UTC offset, between the years 1900 and 2199; given back "
            "in the stop's zone (`timezone`).",
            "example": "2026-12-15T10:45:00+03:30",
        },
    )
    ends_at = StopInstant(
        metadata={
            "description": "After `starts_at`, on the same day or the next one in the visit's "
            "time zone. Left out of a new stop: its kind's usual length after `starts_at` "
            "(a meal 90 minutes).",
            "example": "2026-12-15T12:05:00+03:30",
        },
    )
    venue_id = ma.fields.Integer(
        allow_none=True,
        strict=True,
        validate=ma.validate.Range(min=1, max=MAX_ID),
        metadata={"description": "A venue not in the bin; null for none."},
    )
    attendee_ids = AttendeeIds(
        attribute="attendees",
        metadata={
            "description": "Ids of the visit's participants who attend "
            "(/api/v1/visits/{visit_id}/participants): their calendars get the stop.",
            "example": [1, 2],
        },
    )
    public_description = Text(
        multiline=True,
        metadata={"description": "Shown in every participant's programme and calendar."},
    )
    online_url = Text(
        column_length(Stop.online_url),
        validate=[rule(rules.online_link_error)],
        metadata={
            "description": "An https link to join online; participants' calendars carry it "
            "as a CONFERENCE (a Join button). Null for none.",
            "example": "https://meet.example.org/visit",
        },
    )
    staff_notes = Text(
        multiline=True, metadata={"description": "Never leaves the staff pages and this API."}
    )
    status = choice_field(
        StopStatus, metadata={"description": "A new stop left without one is planned."}
    )
    timezone = ma.fields.String(
        dump_only=True,
        metadata={
            "description": "The IANA zone the times are given in: the venue's, else the visit's.",
            "example": "Asia/Tehran",
        },
    )
    calendar_uid = ma.fields.String(
        dump_only=True, metadata={"description": "The stop's UID in calendar files; never changes."}
    )
    version = ma.fields.Integer(
        dump_only=True,
        metadata={"description": "Rises with every save; send it back with a change (PATCH)."},
    )
    updated_at = StopInstant(dump_only=True)

    @ma.validates_schema
    def _ends_after_it_starts(self, data, **_kwargs):
        if error := Stop.times_error(data.get("starts_at"), data.get("ends_at")):
            raise ma.ValidationError(str(error), "ends_at")


# Everything a planner may change, as the form compares them; a PATCH sends some of them,
# and always `version`.
EDITABLE = COMPARED_FIELDS


class StopChangeSchema(StopSchema):
    version = ma.fields.Integer(
        required=True,
        strict=True,
        metadata={
            "description": "The version of the stop you read. If the stop was saved since, "
            "nothing is changed and the answer is 409.",
            "example": 3,
        },
    )


class StopFilter(QuerySchema):
    day = Day(
        metadata={
            "description": "The stops that start on this day in the visit's time zone.",
            "example": "2026-12-15",
        },
    )
    from_ = Instant(
        data_key="from",
        metadata={
            "description": "The stops that start at or after this instant "
            "(write + in an offset as %2B, or use Z).",
            "example": "2026-12-15T05:30:00Z",
        },
    )
    to = Instant(metadata={"description": "The stops that start before this instant."})
    status = choice_field(StopStatus)


class StopShiftSchema(Schema):
    minutes = ma.fields.Integer(
        required=True,
        strict=True,
        validate=rule(shift_error),
        metadata={
            "description": "Positive moves later, negative earlier.",
            "minimum": -SHIFT_LIMIT_MINUTES,
            "maximum": SHIFT_LIMIT_MINUTES,
            "example": 30,
        },
    )


def stop_or_404(visit: Visit, stop_id: int, *, binned: bool = False) -> Stop:
    stop = db.session.get(Stop, stop_id)
    if stop is None or stop.visit_id != visit.id or (stop.deleted_at is not None) != binned:
        where = "the bin of visit" if binned else "visit"
        abort(404, message=f"There is no stop {stop_id} in {where} {visit.id}.")
    return stop


def checked(visit: Visit, values: dict, *, starts_at: datetime, ends_at: datetime) -> dict:
    """The body's values for the stop operations, with the rows its ids name; 422 naming each
    field the stop form would refuse. `starts_at` and `ends_at` are the times the stop would
    have once saved, so that a change of one is checked against the other."""
    values = dict(values)
    errors = {}
    if "venue_id" in values:
        venue_id = values.pop("venue_id")
        venue = db.session.get(Venue, venue_id) if venue_id else None
        if error := Stop.venue_error(venue_id, venue):
            errors["venue_id"] = [str(error)]
        values["venue"] = venue
    if "attendees" in values:
        participants = {participant.id: participant for participant in visit.participants}
        wanted = list(dict.fromkeys(values.pop("attendees")))
        if strangers := [str(i) for i in wanted if i not in participants]:
            errors["attendee_ids"] = [
                f"Not participants of this visit: {', '.join(strangers)}. "
                "Add them to the visit first."
            ]
        else:
            values["attendees"] = [participants[i] for i in wanted]
    zone = visit.timezone
    if error := Stop.times_error(starts_at, ends_at) or Stop.end_day_error(
        to_local(starts_at, zone).date(), to_local(ends_at, zone).date()
    ):
        errors["ends_at"] = [str(error)]
    if errors:
        abort(422, errors={"json": errors})
    return values


def refuse_stale(stop: Stop, sent: int, edits: dict) -> None:
    """409: the stop as it is now, and each field of this request that differs from it."""
    if "attendees" in edits:
        edits = {**edits, "attendee_ids": edits["attendees"]}
        del edits["attendees"]
    changes = changes_between(snapshot(stop, **edits), snapshot(stop))
    abort(
        409,
        message=f"Someone else saved this stop since you read it (you sent version {sent}, "
        f"it is now at version {stop.version}). Nothing was saved: compare `current` with "
        f"what you read, then send your change again with version {stop.version}.",
        current=StopSchema().dump(stop),
        changes=[
            {
                "field": change.field,
                "yours": shown(change.field, change.before, stop),
                "current": shown(change.field, change.after, stop),
            }
            for change in changes
        ],
    )


def shown(field: str, value, stop: Stop):
    """A compared value as the API gives it: times in the stop's zone."""
    if field in ("starts_at", "ends_at") and value:
        return to_local(datetime.fromisoformat(value), stop.timezone).isoformat()
    return value


@blp.route(STOPS_PATH)
@blp.arguments(StopFilter, location="query", as_kwargs=True)
@blp.response(200, StopSchema(many=True))
@blp.paginate(SelectPage)
def list_stops(visit_id: int, day=None, from_=None, to=None, status=None):
    """List a visit's stops in order of their start; stops in the bin are left out."""
    visit = visit_or_404(visit_id)
    query = (
        sa.select(Stop)
        .where(Stop.visit_id == visit.id, Stop.is_live)
        .options(selectinload(Stop.venue), selectinload(Stop.attendees))
        .order_by(Stop.starts_at, Stop.id)
    )
    if day is not None:
        first, after = local_day_bounds(day, visit.timezone)
        query = query.where(Stop.starts_at >= first, Stop.starts_at < after)
    if from_ is not None:
        query = query.where(Stop.starts_at >= from_)
    if to is not None:
        query = query.where(Stop.starts_at < to)
    if status is not None:
        query = query.where(Stop.status == status)
    return query


@blp.route(STOPS_PATH, methods=["POST"])
@planner_required
@blp.arguments(StopSchema)
@blp.response(201, StopSchema)
def add_stop(values, visit_id: int):
    """Add a stop to a visit's itinerary (planners)."""
    visit = visit_or_404(visit_id)
    values.setdefault("ends_at", values["kind"].usual_end(values["starts_at"]))
    values = checked(visit, values, starts_at=values["starts_at"], ends_at=values["ends_at"])
    return create_stop(db.session, visit, acting=acting_user(), **values)


@blp.route(STOP_PATH)
@blp.response(200, StopSchema)
def get_stop(visit_id: int, stop_id: int):
    """One stop, with its `version` to send back with a change."""
    return stop_or_404(visit_or_404(visit_id), stop_id)


@blp.route(STOP_PATH, methods=["PATCH"])
@planner_required
@blp.arguments(StopChangeSchema(partial=EDITABLE))
@blp.response(200, StopSchema)
def change_stop(values, visit_id: int, stop_id: int):
    """Change some of a stop's fields (planners), as the stop form saves them.

    Send the `version` you read. If someone saved the stop since, nothing is changed and
    the answer is 409 with `current`, the stop as it is now (with its version), and
    `changes`: each field you sent whose value differs from the stop as it is now, as
    `{"field", "yours", "current"}` (the API does not know what you read, so compare
    `current` with it to see everything the other person changed).
    """
    visit = visit_or_404(visit_id)
    stop = stop_or_404(visit, stop_id)
    version = values.pop("version")
    if version != stop.version:
        refuse_stale(stop, version, values)
    edits = checked(
        visit,
        values,
        starts_at=values.get("starts_at", stop.starts_at),
        ends_at=values.get("ends_at", stop.ends_at),
    )
    try:
        return update_stop(
            db.session, stop, acting=acting_user(), expected_version=version, **edits
        )
    except StaleEdit as conflict:  # saved by someone else between our read and our write
        refuse_stale(conflict.stop, version, values)


@blp.route(STOP_PATH, methods=["DELETE"])
@planner_required
@blp.response(204)
def remove_stop(visit_id: int, stop_id: int):
    """Move a stop to the visit's bin (planners); POST …/restore brings it back."""
    stop = stop_or_404(visit_or_404(visit_id), stop_id)
    delete_stop(db.session, stop, acting=acting_user())


@blp.route(f"{STOP_PATH}/restore", methods=["POST"])
@planner_required
@blp.response(200, StopSchema)
def restore_stop_from_bin(visit_id: int, stop_id: int):
    """Bring a stop back from the visit's bin into its itinerary (planners)."""
    stop = stop_or_404(visit_or_404(visit_id), stop_id, binned=True)
    restore_stop(db.session, stop, acting=acting_user())
    return stop


@blp.route(f"{STOP_PATH}/duplicate", methods=["POST"])
@planner_required
@blp.response(201, StopSchema)
def copy_stop(visit_id: int, stop_id: int):
    """Copy a stop to right after itself (planners): same length and attendees, status
    planned, its own calendar identity. Then set the copy's time with PATCH."""
    stop = stop_or_404(visit_or_404(visit_id), stop_id)
    return duplicate_stop(db.session, stop, acting=acting_user())


@blp.route(f"{STOP_PATH}/shift", methods=["POST"])
@planner_required
@blp.arguments(StopShiftSchema)
@blp.response(200, StopSchema(many=True))
def shift_stops(values, visit_id: int, stop_id: int):
    """Move a stop and every later stop of its day by some minutes (planners), keeping their
    lengths; cancelled stops stay put. Answers the stops that moved."""
    stop = stop_or_404(visit_or_404(visit_id), stop_id)
    return shift_from(db.session, stop, values["minutes"], acting=acting_user())
