"""/api/v1/visits: a delegation's stay, its dates, time zone and organizations."""

import marshmallow as ma
import sqlalchemy as sa

from planner import rules
from planner.api.common import (
    VISIT_PATH,
    ApiBlueprint,
    CountryCode,
    Day,
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
    visit_or_404,
)
from planner.extensions import db
from planner.organizations.models import Organization
from planner.security import planner_required
from planner.visits import operations
from planner.visits.models import Visit, VisitStatus
from planner.visits.operations import VisitError, dates_error
from planner.web import acting_user

blp = ApiBlueprint(
    "Visits",
    __name__,
    description="Visits: a delegation's stay, its dates, time zone and organizations. "
    "Deleting a visit moves it to the bin with its programme; restore brings both back.",
)


class VisitSchema(Schema):
    id = ma.fields.Integer(dump_only=True)
    title = Text(
        column_length(Visit.title),
        required=True,
        metadata={"example": "Visit of the Ambassador of Kazakhstan"},
    )
    visiting_country = CountryCode(
        required=True,
        metadata={"description": "The delegation's country, ISO 3166-1 alpha-2.", "example": "KZ"},
    )
    visiting_organization_id = Id(
        allow_none=True,
        metadata={"description": "The organization the delegation comes from (an id)."},
    )
    host_organization_id = Id(
        allow_none=True,
        metadata={"description": "The organization that receives them (an id)."},
    )
    host_region = Text(column_length(Visit.host_region), metadata={"example": "Lorestan"})
    host_city = Text(column_length(Visit.host_city), metadata={"example": "Khorramabad"})
    start_date = Day(
        required=True, metadata={"description": "The first day.", "example": "2026-12-15"}
    )
    end_date = Day(
        required=True,
        metadata={"description": "The last day; not before the first.", "example": "2026-12-17"},
    )
    timezone = Text(
        column_length(Visit.timezone),
        required=True,
        validate=[rule(rules.zone_error)],
        metadata={
            "description": "The host's IANA time zone: every time in the programme is in it.",
            "example": "Asia/Tehran",
        },
    )
    delegation_timezone = Text(
        column_length(Visit.delegation_timezone),
        validate=[rule(rules.zone_error)],
        metadata={
            "description": "The delegation's home IANA time zone, shown beside host times.",
            "example": "Asia/Almaty",
        },
    )
    status = choice_field(
        VisitStatus, metadata={"description": "Draft when not given.", "example": "confirmed"}
    )
    purpose = Text(multiline=True)
    notes = Text(
        multiline=True, metadata={"description": "Staff only: never shown to participants."}
    )
    copied_from_id = ma.fields.Integer(
        dump_only=True,
        allow_none=True,
        metadata={"description": "The visit this one was copied from, e.g. as a return visit."},
    )
    created_at = Instant(dump_only=True)
    updated_at = Instant(dump_only=True)

    @ma.validates_schema(skip_on_field_errors=False)
    def _dates(self, data, **_kwargs):
        # When a change gives one date only, update_visit checks it against the other.
        if error := dates_error(data.get("start_date"), data.get("end_date")):
            raise ma.ValidationError(str(error), "end_date")


class VisitFilter(QuerySchema):
    status = choice_field(VisitStatus)
    from_date = Day(
        data_key="from",
        metadata={"description": "Only visits still going on on or after this day."},
    )
    to_date = Day(
        data_key="to", metadata={"description": "Only visits begun on or before this day."}
    )


def organization_references(values: dict) -> None:
    """422 naming the field when an organization id points at nothing."""
    for field in ("visiting_organization_id", "host_organization_id"):
        existing(Organization, values.get(field), field=field, what="organization")


@blp.route("/visits")
@blp.arguments(VisitFilter, location="query", as_kwargs=True)
@blp.response(200, VisitSchema(many=True))
@blp.paginate(SelectPage)
def list_visits(status=None, from_date=None, to_date=None):
    """List visits by their first day (those in the bin are left out).

    `from` and `to` keep the visits that overlap those days: `?from=2026-12-01&to=2026-12-31`
    lists every visit with at least one day in December 2026."""
    query = sa.select(Visit).where(Visit.deleted_at.is_(None))
    if status is not None:
        query = query.where(Visit.status == status)
    if from_date is not None:
        query = query.where(Visit.end_date >= from_date)
    if to_date is not None:
        query = query.where(Visit.start_date <= to_date)
    return query.order_by(Visit.start_date, Visit.id)


@blp.route("/visits", methods=["POST"])
@planner_required
@blp.arguments(VisitSchema)
@blp.response(201, VisitSchema)
def add_visit(values):
    """Create a visit (planners)."""
    organization_references(values)
    try:
        return operations.create_visit(db.session, acting=acting_user(), **values)
    except VisitError as error:
        refuse(error.field, error.message)


@blp.route(VISIT_PATH)
@blp.response(200, VisitSchema)
def get_visit(visit_id: int):
    """One visit."""
    return visit_or_404(visit_id)


@blp.route(VISIT_PATH, methods=["PATCH"])
@planner_required
@blp.arguments(VisitSchema(partial=True))
@blp.response(200, VisitSchema)
def change_visit(values, visit_id: int):
    """Change some of a visit's fields (planners).

    Stops that fall outside new dates are kept: the visit's findings then list them."""
    visit = visit_or_404(visit_id)
    organization_references(values)
    try:
        return operations.update_visit(db.session, visit, acting=acting_user(), **values)
    except VisitError as error:
        refuse(error.field, error.message)


@blp.route(VISIT_PATH, methods=["DELETE"])
@planner_required
@blp.response(204)
def remove_visit(visit_id: int):
    """Move a visit to the bin with its programme (planners); restore brings it back."""
    visit = visit_or_404(visit_id)
    operations.delete_visit(db.session, visit, acting=acting_user())


@blp.route(f"{VISIT_PATH}/restore", methods=["POST"])
@planner_required
@blp.response(200, VisitSchema)
def restore_visit(visit_id: int):
    """Bring a visit back from the bin with its programme (planners). A visit that is not in
    the bin is returned as it is."""
    visit = db.session.get(Visit, visit_id)
    if visit is None:
        abort(404, message=f"There is no visit {visit_id}.")
    if visit.is_deleted:
        operations.restore_visit(db.session, visit, acting=acting_user())
    return visit
