"""/api/v1/partnerships: relations carried across visits, and their append-only stage history.

A partnership is never deleted (its history would go with it): it is moved to the stage
"closed". Its stage changes only through POST .../stage, which records who, when and why.
"""

import marshmallow as ma
import sqlalchemy as sa

from planner.api.common import (
    ApiBlueprint,
    CountryCode,
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
    get_or_404,
    refuse,
    rule,
)
from planner.extensions import db
from planner.organizations.models import Organization
from planner.partnerships.models import Partnership, PartnershipKind, Stage
from planner.partnerships.operations import (
    StageError,
    create_partnership,
    move_stage,
    reason_error,
    side_error,
    update_partnership,
)
from planner.security import planner_required
from planner.web import acting_user

blp = ApiBlueprint(
    "Partnerships",
    __name__,
    description="Sister cities, trade, culture, mining: relations carried across visits.",
)

PARTNERSHIP_PATH = "/partnerships/<int:partnership_id>"
# Each side: (its city, its organization), the organization field carrying the side's error
# as on the form.
SIDES = (("our_city", "our_organization_id"), ("partner_city", "partner_organization_id"))


def reason_field(**kwargs) -> Text:
    """Why a stage changes: required, and a blank one is refused by the stage rule in the
    form's words ("Say why the stage changes."), not by Text's own "may not be blank"."""
    field = Text(multiline=True, allow_none=False, validate=[rule(reason_error)], **kwargs)
    field.required = True
    return field


class PartnershipSchema(Schema):
    id = ma.fields.Integer(dump_only=True)
    title = Text(
        column_length(Partnership.title),
        required=True,
        metadata={"example": "Khorramabad – Turkistan sister cities"},
    )
    kind = choice_field(PartnershipKind, required=True)
    stage = choice_field(
        Stage,
        metadata={
            "description": "Where it stands. When creating, the stage it starts at (idea when "
            "not given); afterwards it moves only with POST /partnerships/{id}/stage."
        },
    )
    reason = reason_field(
        load_only=True,
        metadata={
            "description": "Why it starts at this stage: the first entry of its stage history."
        },
    )
    our_city = Text(column_length(Partnership.our_city), metadata={"example": "Khorramabad"})
    our_country = CountryCode(required=True)
    our_organization_id = Id(allow_none=True)
    partner_city = Text(column_length(Partnership.partner_city), metadata={"example": "Turkistan"})
    partner_country = CountryCode(required=True)
    partner_organization_id = Id(
        allow_none=True,
        metadata={"description": "Each side names a city, an organization or both."},
    )
    description = Text(multiline=True, metadata={"description": "What the partnership is for."})
    created_at = Instant(dump_only=True)

    @ma.validates_schema(skip_on_field_errors=False)
    def _sides_named(self, data, partial=None, **_kwargs):
        # A change may leave a side alone: change_partnership checks what it leaves.
        if partial:
            return
        errors = {
            organization: [str(error)]
            for city, organization in SIDES
            if (error := side_error(data.get(city), data.get(organization)))
        }
        if errors:
            raise ma.ValidationError(errors)


class PartnershipChangeSchema(PartnershipSchema):
    """What a partnership is; its stage moves with POST .../stage, on the record."""

    class Meta(PartnershipSchema.Meta):
        exclude = ("stage", "reason")

    @ma.pre_load
    def _stage_elsewhere(self, data, **_kwargs):
        if isinstance(data, dict) and "stage" in data:
            raise ma.ValidationError(
                "The stage is not changed here: use POST /api/v1/partnerships/{id}/stage "
                "with the new stage and the reason, which are kept in its history.",
                "stage",
            )
        return data


class StageChangeSchema(Schema):
    """One entry of a partnership's stage history: who moved it, when, from where, to where
    and why. Entries are never edited or deleted."""

    id = ma.fields.Integer(dump_only=True)
    partnership_id = ma.fields.Integer(dump_only=True)
    from_stage = choice_field(
        Stage,
        dump_only=True,
        allow_none=True,
        metadata={"description": "null for the stage it started at."},
    )
    to_stage = choice_field(Stage, dump_only=True)
    reason = ma.fields.String(dump_only=True)
    changed_at = Instant(dump_only=True)
    changed_by_id = ma.fields.Integer(dump_only=True, allow_none=True)
    changed_by_name = ma.fields.Function(
        lambda change: change.changed_by.name if change.changed_by else None,
        dump_only=True,
        allow_none=True,
        metadata={"type": "string", "description": "Who moved it."},
    )


class StageMoveSchema(Schema):
    stage = choice_field(Stage, required=True, metadata={"description": "The new stage."})
    reason = reason_field(
        metadata={
            "description": "Why: kept in the history with your name and the time, for good.",
            "example": "The city council approved the draft letter.",
        },
    )


class PartnershipFilter(QuerySchema):
    kind = choice_field(PartnershipKind)
    stage = choice_field(Stage)
    country = CountryCode(metadata={"description": "The partner's ISO 3166-1 code."})


def check_organizations(values: dict) -> None:
    for _city, organization in SIDES:
        existing(Organization, values.get(organization), field=organization, what="organization")


@blp.route("/partnerships")
@blp.arguments(PartnershipFilter, location="query", as_kwargs=True)
@blp.response(200, PartnershipSchema(many=True))
@blp.paginate(SelectPage)
def list_partnerships(kind=None, stage=None, country=None):
    """List partnerships by title."""
    query = sa.select(Partnership).order_by(Partnership.title, Partnership.id)
    if kind is not None:
        query = query.where(Partnership.kind == kind)
    if stage is not None:
        query = query.where(Partnership.stage == stage)
    if country:
        query = query.where(Partnership.partner_country == country)
    return query


@blp.route("/partnerships", methods=["POST"])
@planner_required
@blp.arguments(PartnershipSchema)
@blp.response(201, PartnershipSchema)
def add_partnership(values):
    """Record a partnership (planners), with the stage it starts at and why."""
    check_organizations(values)
    try:
        return create_partnership(db.session, acting=acting_user(), **values)
    except StageError as error:
        refuse(error.field, error.message)


@blp.route(PARTNERSHIP_PATH)
@blp.response(200, PartnershipSchema)
def get_partnership(partnership_id: int):
    """One partnership."""
    return get_or_404(Partnership, partnership_id, what="partnership")


@blp.route(PARTNERSHIP_PATH, methods=["PATCH"])
@planner_required
@blp.arguments(PartnershipChangeSchema(partial=True))
@blp.response(200, PartnershipSchema)
def change_partnership(values, partnership_id: int):
    """Change some of what a partnership is (planners); not its stage."""
    partnership = get_or_404(Partnership, partnership_id, what="partnership")
    check_organizations(values)
    for city, organization in SIDES:
        error = side_error(
            values.get(city, getattr(partnership, city)),
            values.get(organization, getattr(partnership, organization)),
        )
        if error:
            refuse(organization, error)
    try:
        return update_partnership(db.session, partnership, acting=acting_user(), **values)
    except TypeError as error:  # a field the schema let through that is not editable
        abort(422, message=str(error))


@blp.route(f"{PARTNERSHIP_PATH}/stage", methods=["POST"])
@planner_required
@blp.arguments(StageMoveSchema)
@blp.response(201, StageChangeSchema)
def move_partnership_stage(values, partnership_id: int):
    """Move a partnership to another stage (planners), saying why: the move is added to its
    history with your name and the time."""
    partnership = get_or_404(Partnership, partnership_id, what="partnership")
    try:
        return move_stage(
            db.session, partnership, values["stage"], acting=acting_user(), reason=values["reason"]
        )
    except StageError as error:
        refuse("stage" if error.field == "to_stage" else error.field, error.message)


@blp.route(f"{PARTNERSHIP_PATH}/stage-changes")
@blp.response(200, StageChangeSchema(many=True))
def list_stage_changes(partnership_id: int):
    """A partnership's stage history, oldest first: who moved it, when, from and to which
    stage, and why."""
    return get_or_404(Partnership, partnership_id, what="partnership").history
