"""/api/v1/follow-ups: what someone must do after a visit, by when."""

import marshmallow as ma
import sqlalchemy as sa

from planner.accounts.models import User
from planner.api.common import (
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
    get_or_404,
    refuse,
)
from planner.clock import app_office_today
from planner.extensions import db
from planner.outcomes.models import FollowUp, FollowUpStatus, Outcome
from planner.outcomes.operations import (
    FOLLOW_UP_TIES,
    FollowUpError,
    create_follow_up,
    delete_follow_up,
    owner_error,
    ties_error,
    update_follow_up,
)
from planner.partnerships.models import Partnership
from planner.security import planner_required
from planner.visits.models import Visit
from planner.web import acting_user

blp = ApiBlueprint(
    "Follow-ups",
    __name__,
    description="What someone must do after a visit, by when: tied to an outcome, a visit or "
    "a partnership, and shown as a to-do in its owner's calendar feed.",
)


FOLLOW_UP_PATH = "/follow-ups/<int:follow_up_id>"


class FollowUpSchema(Schema):
    id = ma.fields.Integer(dump_only=True)
    title = Text(
        column_length(FollowUp.title),
        required=True,
        metadata={
            "description": "What is to be done.",
            "example": "Draft the twinning letter of intent for the city council",
        },
    )
    owner_id = Id(
        required=True,
        metadata={"description": "The user who will do it: an active staff member."},
    )
    due_date = ma.fields.Date(required=True, metadata={"example": "2027-01-31"})
    status = choice_field(FollowUpStatus, metadata={"description": "open when not given."})
    notes = Text(multiline=True, metadata={"description": "Staff only: not shown in calendars."})
    outcome_id = Id(
        allow_none=True,
        metadata={
            "description": "The outcome it follows up; when created, its visit and "
            "partnership are tied too unless given."
        },
    )
    visit_id = Id(allow_none=True)
    partnership_id = Id(allow_none=True)
    overdue = ma.fields.Function(
        lambda follow_up: follow_up.is_overdue(app_office_today()),
        dump_only=True,
        metadata={
            "type": "boolean",
            "description": "Open and due before today, by the office's calendar day.",
        },
    )
    completed_at = Instant(dump_only=True, allow_none=True)
    created_at = Instant(dump_only=True)
    updated_at = Instant(dump_only=True)

    @ma.validates_schema(skip_on_field_errors=False)
    def _tied(self, data, partial=None, **_kwargs):
        # A change may leave the ties alone: change_follow_up checks what it leaves.
        if not partial and (error := ties_error(*(data.get(name) for name in FOLLOW_UP_TIES))):
            raise ma.ValidationError(str(error))


class FollowUpFilter(QuerySchema):
    owner_id = Id()
    status = choice_field(FollowUpStatus)
    overdue = ma.fields.Boolean(
        metadata={"description": "true: open and due before the office's today; false: not."}
    )
    from_ = ma.fields.Date(data_key="from", metadata={"description": "Due on or after."})
    to = ma.fields.Date(metadata={"description": "Due on or before."})
    visit_id = Id()
    outcome_id = Id()
    partnership_id = Id()


def refuse_ties(message) -> None:
    """422 for the rule across the three ties, which belongs to no single field."""
    abort(422, errors={"json": {"_schema": [str(message)]}})


def live_outcome(outcome_id: int | None) -> Outcome | None:
    """The outcome a body names; 422 when it is missing or its visit is in the bin."""
    outcome = existing(Outcome, outcome_id, field="outcome_id", what="outcome")
    if outcome is not None and outcome.visit.is_deleted:
        refuse("outcome_id", f"There is no outcome {outcome_id}.")
    return outcome


def check_owner(values: dict, current: User | None = None) -> None:
    if "owner_id" in values:
        owner = existing(User, values["owner_id"], field="owner_id", what="user")
        if error := owner_error(owner, current):
            refuse("owner_id", error)


def check_visit_of_outcome(outcome: Outcome | None, visit_id: int | None) -> None:
    if outcome is not None and visit_id is not None and outcome.visit_id != visit_id:
        refuse("visit_id", f"Outcome {outcome.id} is of visit {outcome.visit_id}, not {visit_id}.")


@blp.route("/follow-ups")
@blp.arguments(FollowUpFilter, location="query", as_kwargs=True)
@blp.response(200, FollowUpSchema(many=True))
@blp.paginate(SelectPage)
def list_follow_ups(
    owner_id=None,
    status=None,
    overdue=None,
    from_=None,
    to=None,
    visit_id=None,
    outcome_id=None,
    partnership_id=None,
):
    """List follow-ups, soonest due first."""
    query = sa.select(FollowUp).order_by(FollowUp.due_date, FollowUp.id)
    for column, value in (
        (FollowUp.owner_id, owner_id),
        (FollowUp.status, status),
        (FollowUp.visit_id, visit_id),
        (FollowUp.outcome_id, outcome_id),
        (FollowUp.partnership_id, partnership_id),
    ):
        if value is not None:
            query = query.where(column == value)
    if from_ is not None:
        query = query.where(FollowUp.due_date >= from_)
    if to is not None:
        query = query.where(FollowUp.due_date <= to)
    if overdue is not None:
        late = sa.and_(
            FollowUp.status == FollowUpStatus.OPEN, FollowUp.due_date < app_office_today()
        )
        query = query.where(late if overdue else sa.not_(late))
    return query


@blp.route("/follow-ups", methods=["POST"])
@planner_required
@blp.arguments(FollowUpSchema)
@blp.response(201, FollowUpSchema)
def add_follow_up(values):
    """Add a follow-up (planners): tie it to an outcome, a visit or a partnership."""
    check_owner(values)
    outcome = live_outcome(values.pop("outcome_id", None))
    visit = existing(Visit, values.pop("visit_id", None), field="visit_id", what="visit")
    partnership = existing(
        Partnership, values.pop("partnership_id", None), field="partnership_id", what="partnership"
    )
    check_visit_of_outcome(outcome, visit and visit.id)
    try:
        return create_follow_up(
            db.session,
            acting=acting_user(),
            outcome=outcome,
            visit=visit,
            partnership=partnership,
            **values,
        )
    except FollowUpError as error:
        refuse_ties(error.message)


@blp.route(FOLLOW_UP_PATH)
@blp.response(200, FollowUpSchema)
def get_follow_up(follow_up_id: int):
    """One follow-up."""
    return get_or_404(FollowUp, follow_up_id, what="follow-up")


@blp.route(FOLLOW_UP_PATH, methods=["PATCH"])
@planner_required
@blp.arguments(FollowUpSchema(partial=True))
@blp.response(200, FollowUpSchema)
def change_follow_up(values, follow_up_id: int):
    """Change some of a follow-up's fields (planners). Marking it done records when; a new
    title, due date or status updates it in its owner's calendar."""
    follow_up = get_or_404(FollowUp, follow_up_id, what="follow-up")
    check_owner(values, follow_up.owner)
    if values.get("outcome_id") not in (None, follow_up.outcome_id):
        live_outcome(values["outcome_id"])
    if values.get("visit_id") not in (None, follow_up.visit_id):
        existing(Visit, values["visit_id"], field="visit_id", what="visit")
    existing(Partnership, values.get("partnership_id"), field="partnership_id", what="partnership")
    outcome_id = values.get("outcome_id", follow_up.outcome_id)
    check_visit_of_outcome(
        db.session.get(Outcome, outcome_id) if outcome_id is not None else None,
        values.get("visit_id", follow_up.visit_id),
    )
    try:
        return update_follow_up(db.session, follow_up, acting=acting_user(), **values)
    except FollowUpError as error:
        refuse_ties(error.message)


@blp.route(FOLLOW_UP_PATH, methods=["DELETE"])
@planner_required
@blp.response(204)
def remove_follow_up(follow_up_id: int):
    """Delete a follow-up made in error (planners). One no longer wanted is better set to
    dropped, which keeps it on record."""
    follow_up = get_or_404(FollowUp, follow_up_id, what="follow-up")
    delete_follow_up(db.session, follow_up, acting=acting_user())
