"""/api/v1/visits/{visit_id}/participants: who takes part in a visit, on which side, in which
role, and the link to their calendar feed."""

import marshmallow as ma
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from planner.api.common import (
    MAX_ID,
    VISIT_PATH,
    ApiBlueprint,
    Id,
    LanguageCodes,
    QuerySchema,
    Schema,
    SelectPage,
    abort,
    choice_field,
    existing,
    refuse,
    visit_or_404,
)
from planner.calendars import operations as calendar_operations
from planner.calendars.mail import letters
from planner.clock import utc_now
from planner.extensions import db
from planner.people.models import Person
from planner.security import planner_required
from planner.visits import operations
from planner.visits.models import Participant, ParticipantRole, Side
from planner.visits.operations import VisitError, interpreting_languages_error
from planner.web import acting_user, feed_url, send_after_commit

blp = ApiBlueprint(
    "Participants",
    __name__,
    description="""\
Who takes part in a visit, on which side, in which role; their calendar feed.

**Importing a delegation.** For each person: `POST /api/v1/people` (or find them with
`GET /api/v1/people`), then `POST /api/v1/visits/{visit_id}/participants` with their
`person_id`, `side` and `role`. Leave out `precedence` to put each one after those already
added, so adding them in order of precedence keeps it. The answer carries `feed_url`, the
link to hand to that participant for their calendar app; `GET` the list to collect all of
them again later.""",
)

PARTICIPANTS_PATH = f"{VISIT_PATH}/participants"
PARTICIPANT_PATH = f"{PARTICIPANTS_PATH}/<int:participant_id>"


def live_feed_url(participant: Participant) -> str | None:
    """The subscription link the participant's programme page shows, or None while their
    feed is revoked (the page then offers to issue a new one)."""
    return feed_url(participant) if participant.feed_enabled else None


class FeedUrl(ma.fields.String):
    """Read only: worked out from the participant, with the app's address and secret."""

    def __init__(self, **kwargs):
        super().__init__(dump_only=True, allow_none=True, **kwargs)

    def get_value(self, obj, attr, accessor=None, default=ma.missing):
        return live_feed_url(obj)


class ParticipantSchema(Schema):
    id = ma.fields.Integer(dump_only=True)
    visit_id = ma.fields.Integer(dump_only=True)
    person_id = Id(
        required=True,
        metadata={
            "description": "The person (from /api/v1/people); each person takes part once. "
            "It cannot be changed: remove the participant and add the other person."
        },
    )
    display_name = ma.fields.String(
        dump_only=True,
        attribute="person.display_name",
        metadata={
            "description": "The person's name with their honorific, as the pages show it.",
            "example": "H.E. Yerlan Abenov",
        },
    )
    side = choice_field(Side, required=True, metadata={"example": "delegation"})
    role = choice_field(
        ParticipantRole,
        required=True,
        metadata={
            "description": "A visit has one head of delegation at most.",
            "example": "head_of_delegation",
        },
    )
    precedence = ma.fields.Integer(
        validate=ma.validate.Range(min=1, max=MAX_ID),
        metadata={
            "description": "Order of precedence within the side: 1 comes first. When adding, "
            "leave it out to come after everyone already in the visit.",
            "example": 1,
        },
    )
    interpreting_languages = LanguageCodes(
        metadata={
            "description": "For interpreters, at least two ISO 639-1 codes they interpret "
            "between. Emptied for any other role.",
            "example": ["kk", "ru", "fa"],
        }
    )
    feed_url = FeedUrl(
        metadata={
            "description": "The participant's calendar subscription link (iCalendar, "
            "/feeds/<token>.ics on this Pishvaz's public address), as their programme page "
            "shows it: anyone who has it can read their programme, without signing in. "
            "Null while their feed is revoked.",
            "example": "https://pishvaz.example/feeds/p12.1.Xk3tq0rW9Yb2mZ7cVn4aLs8dE1f.ics",
        }
    )

    @ma.validates_schema(skip_on_field_errors=False)
    def _interpreting(self, data, **_kwargs):
        # A change that leaves out the role is checked against the saved one by the operation.
        if "role" in data:
            languages = data.get("interpreting_languages")
            if error := interpreting_languages_error(data["role"], languages):
                raise ma.ValidationError(str(error), "interpreting_languages")


class ParticipantFilter(QuerySchema):
    side = choice_field(Side)
    role = choice_field(ParticipantRole)


def visit_participant(visit_id: int, participant_id: int) -> Participant:
    visit = visit_or_404(visit_id)
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.visit_id != visit.id:
        abort(404, message=f"Visit {visit_id} has no participant {participant_id}.")
    return participant


def refuse_visit_error(error: VisitError) -> None:
    # The pages' form calls the person field "person"; here it is the id.
    refuse("person_id" if error.field == "person" else error.field, error.message)


@blp.route(PARTICIPANTS_PATH)
@blp.arguments(ParticipantFilter, location="query", as_kwargs=True)
@blp.response(200, ParticipantSchema(many=True))
@blp.paginate(SelectPage)
def list_participants(visit_id: int, side=None, role=None):
    """List a visit's participants: the delegation, then the hosts, then support staff, each
    in order of precedence."""
    visit_or_404(visit_id)
    query = (
        sa.select(Participant)
        .where(Participant.visit_id == visit_id)
        .options(selectinload(Participant.person))  # each row shows its person's name
    )
    if side is not None:
        query = query.where(Participant.side == side)
    if role is not None:
        query = query.where(Participant.role == role)
    return query.order_by(Participant.side, Participant.precedence, Participant.id)


@blp.route(PARTICIPANTS_PATH, methods=["POST"])
@planner_required
@blp.arguments(ParticipantSchema)
@blp.response(201, ParticipantSchema)
def add_participant(values, visit_id: int):
    """Add a person to a visit (planners).

    The answer includes the new participant's `feed_url`. A person already in the visit, a
    second head of delegation or an interpreter with fewer than two languages is refused
    (422) with the field and the reason the visit's page gives."""
    visit = visit_or_404(visit_id)
    person = existing(Person, values.pop("person_id"), field="person_id", what="person")
    try:
        return operations.add_participant(
            db.session, visit, acting=acting_user(), person=person, **values
        )
    except VisitError as error:
        refuse_visit_error(error)


@blp.route(PARTICIPANT_PATH)
@blp.response(200, ParticipantSchema)
def get_participant(visit_id: int, participant_id: int):
    """One participant of a visit."""
    return visit_participant(visit_id, participant_id)


@blp.route(PARTICIPANT_PATH, methods=["PATCH"])
@planner_required
@blp.arguments(ParticipantSchema(partial=True, exclude=("person_id",)))
@blp.response(200, ParticipantSchema)
def change_participant(values, visit_id: int, participant_id: int):
    """Change a participant's side, role, precedence or languages (planners)."""
    participant = visit_participant(visit_id, participant_id)
    try:
        return operations.update_participant(
            db.session, participant, acting=acting_user(), **values
        )
    except VisitError as error:
        refuse_visit_error(error)


@blp.route(PARTICIPANT_PATH, methods=["DELETE"])
@planner_required
@blp.response(204)
def remove_participant(visit_id: int, participant_id: int):
    """Take a person out of a visit and off every stop they were to attend (planners).

    As on the pages, if they were sent calendar invitations by e-mail they are sent a
    cancellation, once the removal is saved; one that cannot be sent waits in the mail log.
    Their feed link stops working. The person stays in the directory."""
    participant = visit_participant(visit_id, participant_id)
    now = utc_now()
    farewell = calendar_operations.remove_participant(
        db.session,
        participant,
        letters.MailSettings.from_config(current_app.config),
        acting=acting_user(),
        now=now,
    )
    send_after_commit(farewell)
