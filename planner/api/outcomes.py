"""/api/v1/outcomes: what a visit produced (agreements, leads, needs) and their documents."""

from decimal import Decimal

import marshmallow as ma
import sqlalchemy as sa
from flask import current_app, url_for
from flask_smorest.fields import Upload
from sqlalchemy.orm import selectinload

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
    refuse,
    rule,
)
from planner.extensions import db
from planner.itinerary.models import Stop
from planner.organizations.models import Organization
from planner.outcomes.documents import (
    DOCUMENT_TYPES,
    DocumentNotStored,
    DocumentRefused,
    delete_document,
    document_storage,
    store_upload,
)
from planner.outcomes.models import (
    Outcome,
    OutcomeDocument,
    OutcomeKind,
    OutcomeStatus,
    currency_error,
    estimated_value_error,
    hs_code_error,
)
from planner.outcomes.operations import create_outcome, delete_outcome, update_outcome
from planner.partnerships.models import Partnership
from planner.security import planner_required
from planner.visits.models import Visit
from planner.web import acting_user, download

blp = ApiBlueprint(
    "Outcomes",
    __name__,
    description="What a visit produced: agreements, leads, needs, documents.",
)

CENT = Decimal("0.01")


OUTCOME_PATH = "/outcomes/<int:outcome_id>"
DOCUMENT_PATH = f"{OUTCOME_PATH}/documents/<int:document_id>"


class Money(ma.fields.Decimal):
    """A sum as a decimal string, "450000.50": a JSON number could lose cents to binary floats.

    "NaN" and "Infinity" are read, so that the shared rule refuses them in its own words."""

    def __init__(self, **kwargs):
        super().__init__(as_string=True, allow_nan=True, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return format(Decimal(value).quantize(CENT), "f")


class OutcomeDocumentSchema(Schema):
    id = ma.fields.Integer(dump_only=True)
    filename = ma.fields.String(
        dump_only=True,
        metadata={"description": "The name it was uploaded with.", "example": "memorandum.pdf"},
    )
    content_type = ma.fields.String(dump_only=True, metadata={"example": "application/pdf"})
    size = ma.fields.Integer(dump_only=True, metadata={"description": "In bytes."})
    sha256 = ma.fields.String(
        dump_only=True, metadata={"description": "The SHA-256 of its content, in hex."}
    )
    uploaded_at = Instant(dump_only=True)
    url = ma.fields.Function(
        lambda document: url_for(
            "Outcomes.download_outcome_document",
            outcome_id=document.outcome_id,
            document_id=document.id,
        ),
        dump_only=True,
        metadata={
            "type": "string",
            "description": "Where to download it with your token.",
            "example": "/api/v1/outcomes/3/documents/7",
        },
    )


class OutcomeSchema(Schema):
    id = ma.fields.Integer(dump_only=True)
    visit_id = Id(
        required=True,
        metadata={"description": "The visit it came out of; it stays with that visit."},
    )
    stop_id = Id(
        allow_none=True,
        metadata={"description": "The stop of that visit's programme where it arose, if any."},
    )
    partnership_id = Id(allow_none=True)
    kind = choice_field(OutcomeKind, required=True)
    summary = Text(
        multiline=True,
        required=True,
        metadata={
            "description": "What was signed, asked for or agreed, in a sentence or two.",
            "example": "Kazakh importers asked for offers on pasta and biscuits.",
        },
    )
    day = ma.fields.Date(required=True, metadata={"description": "When it arose."})
    status = choice_field(OutcomeStatus, metadata={"description": "proposed when not given."})
    our_organization_id = Id(allow_none=True)
    partner_organization_id = Id(allow_none=True)
    product = Text(
        column_length(Outcome.product),
        metadata={"description": "For trade: the goods sold or bought.", "example": "Pasta"},
    )
    hs_code = Text(
        column_length(Outcome.hs_code),
        validate=[rule(hs_code_error)],
        metadata={
            "description": "Harmonized System code: 2 to 10 digits, dots allowed between them.",
            "example": "1902.19",
        },
    )
    estimated_value = Money(
        allow_none=True,
        validate=[rule(estimated_value_error)],
        metadata={
            "type": "string",
            "pattern": r"^\d{1,16}(\.\d{1,2})?$",
            "description": "A decimal string, zero or more, to the cent at most; needs a currency.",
            "example": "450000.50",
        },
    )
    currency = Text(
        column_length(Outcome.currency),
        metadata={"description": "ISO 4217, e.g. USD, EUR, KZT or IRR.", "example": "USD"},
    )
    documents = ma.fields.List(ma.fields.Nested(OutcomeDocumentSchema), dump_only=True)
    created_at = Instant(dump_only=True)
    created_by_id = ma.fields.Integer(
        dump_only=True, allow_none=True, metadata={"description": "The user who recorded it."}
    )

    @ma.pre_load
    def _upper_currency(self, data, **_kwargs):
        if isinstance(data, dict) and isinstance(data.get("currency"), str):
            data = {**data, "currency": data["currency"].strip().upper()}
        return data

    @ma.validates_schema(skip_on_field_errors=False)
    def _currency(self, data, partial=None, **_kwargs):
        # A change that leaves the currency alone is checked against the stored value in
        # change_outcome: this schema does not know it.
        if "currency" in data or not partial:
            error = currency_error(data.get("currency"), data.get("estimated_value"))
            if error:
                raise ma.ValidationError(str(error), "currency")


class OutcomeChangeSchema(OutcomeSchema):
    """An outcome stays with the visit it came out of: visit_id is not changed."""

    class Meta(OutcomeSchema.Meta):
        exclude = ("visit_id",)

    @ma.pre_load
    def _keep_visit(self, data, **_kwargs):
        if isinstance(data, dict) and "visit_id" in data:
            raise ma.ValidationError(
                "An outcome stays with the visit it came out of: record it on the other visit "
                "and delete this one.",
                "visit_id",
            )
        return data


class OutcomeFilter(QuerySchema):
    visit_id = Id()
    kind = choice_field(OutcomeKind)
    status = choice_field(OutcomeStatus)
    partnership_id = Id()
    from_ = ma.fields.Date(data_key="from", metadata={"description": "Arose on or after."})
    to = ma.fields.Date(metadata={"description": "Arose on or before."})


def outcome_or_404(outcome_id: int) -> Outcome:
    """The outcome, unless it is missing or its visit is in the bin (as on the pages)."""
    outcome = db.session.get(Outcome, outcome_id)
    if outcome is None or outcome.visit.is_deleted:
        abort(404, message=f"There is no outcome {outcome_id}.")
    return outcome


def check_references(values: dict, visit: Visit, outcome: Outcome | None = None) -> None:
    """Refuse (422) a body's id that names nothing; the stop must be one of the visit's (or
    the one the outcome was already recorded at, even if it is now in the bin)."""
    if values.get("stop_id") is not None and (
        outcome is None or values["stop_id"] != outcome.stop_id
    ):
        stop = db.session.get(Stop, values["stop_id"])
        if stop is None or stop.visit_id != visit.id or stop.deleted_at is not None:
            refuse("stop_id", f"Visit {visit.id} has no stop {values['stop_id']}.")
    existing(Partnership, values.get("partnership_id"), field="partnership_id", what="partnership")
    for side in ("our_organization_id", "partner_organization_id"):
        existing(Organization, values.get(side), field=side, what="organization")


@blp.route("/outcomes")
@blp.arguments(OutcomeFilter, location="query", as_kwargs=True)
@blp.response(200, OutcomeSchema(many=True))
@blp.paginate(SelectPage)
def list_outcomes(visit_id=None, kind=None, status=None, partnership_id=None, from_=None, to=None):
    """List outcomes, by date, of visits not in the bin."""
    query = (
        sa.select(Outcome)
        .join(Visit, Outcome.visit_id == Visit.id)
        .where(Visit.deleted_at.is_(None))
        .options(selectinload(Outcome.documents))
        .order_by(Outcome.day, Outcome.id)
    )
    if visit_id is not None:
        query = query.where(Outcome.visit_id == visit_id)
    if kind is not None:
        query = query.where(Outcome.kind == kind)
    if status is not None:
        query = query.where(Outcome.status == status)
    if partnership_id is not None:
        query = query.where(Outcome.partnership_id == partnership_id)
    if from_ is not None:
        query = query.where(Outcome.day >= from_)
    if to is not None:
        query = query.where(Outcome.day <= to)
    return query


@blp.route("/outcomes", methods=["POST"])
@planner_required
@blp.arguments(OutcomeSchema)
@blp.response(201, OutcomeSchema)
def add_outcome(values):
    """Record an outcome of a visit (planners)."""
    visit = existing(Visit, values.pop("visit_id"), field="visit_id", what="visit")
    check_references(values, visit)
    return create_outcome(db.session, visit, acting=acting_user(), **values)


@blp.route(OUTCOME_PATH)
@blp.response(200, OutcomeSchema)
def get_outcome(outcome_id: int):
    """One outcome, with its documents."""
    return outcome_or_404(outcome_id)


@blp.route(OUTCOME_PATH, methods=["PATCH"])
@planner_required
@blp.arguments(OutcomeChangeSchema(partial=True))
@blp.response(200, OutcomeSchema)
def change_outcome(values, outcome_id: int):
    """Change some of an outcome's fields (planners)."""
    outcome = outcome_or_404(outcome_id)
    check_references(values, outcome.visit, outcome)
    currency = values.get("currency", outcome.currency)
    if error := currency_error(currency, values.get("estimated_value", outcome.estimated_value)):
        refuse("currency", error)
    return update_outcome(db.session, outcome, acting=acting_user(), **values)


@blp.route(OUTCOME_PATH, methods=["DELETE"])
@planner_required
@blp.response(204)
def remove_outcome(outcome_id: int):
    """Delete an outcome and its documents (planners). Its follow-ups stay, tied to the visit
    (and partnership)."""
    outcome = outcome_or_404(outcome_id)
    delete_outcome(
        db.session,
        outcome,
        acting=acting_user(),
        documents=document_storage(current_app.config),
    )


# --- Documents --------------------------------------------------------------------------


class DocumentUploadSchema(Schema):
    document = Upload(
        required=True,
        metadata={"description": "A PDF, PNG or JPEG image, or Word document (.docx)."},
    )


@blp.route(f"{OUTCOME_PATH}/documents", methods=["POST"])
@planner_required
@blp.arguments(DocumentUploadSchema, location="files")
@blp.response(201, OutcomeDocumentSchema)
def upload_outcome_document(files, outcome_id: int):
    """Attach a document to an outcome (planners), as multipart/form-data field `document`.

    Its type is judged by its content, whatever its name; the size limit is the pages'."""
    outcome = outcome_or_404(outcome_id)
    try:
        return store_upload(
            db.session, outcome, files["document"], acting=acting_user(), config=current_app.config
        )
    except DocumentRefused as error:
        refuse("document", error.message)
    except DocumentNotStored as error:
        abort(503, message=str(error.message))


@blp.route(DOCUMENT_PATH)
@blp.doc(
    responses={
        "200": {
            "description": "The file, as an attachment, in the type it was checked to be.",
            "content": {
                kind.content_type: {"schema": {"type": "string", "format": "binary"}}
                for kind in DOCUMENT_TYPES
            },
        }
    }
)
def download_outcome_document(outcome_id: int, document_id: int):
    """Download a document of an outcome: the file itself, checked by content at upload."""
    document = outcome_document_or_404(outcome_or_404(outcome_id), document_id)
    file = document_storage(current_app.config).open(db.session, document)
    if file is None:
        abort(404, message="The file of this document is missing from the server.")
    return download(file)


def outcome_document_or_404(outcome: Outcome, document_id: int) -> OutcomeDocument:
    document = db.session.get(OutcomeDocument, document_id)
    if document is None or document.outcome_id != outcome.id:
        abort(404, message=f"Outcome {outcome.id} has no document {document_id}.")
    return document


@blp.route(DOCUMENT_PATH, methods=["DELETE"])
@planner_required
@blp.response(204)
def remove_outcome_document(outcome_id: int, document_id: int):
    """Delete a document of an outcome (planners); its file goes once this is saved."""
    document = outcome_document_or_404(outcome_or_404(outcome_id), document_id)
    delete_document(
        db.session, document, acting=acting_user(), storage=document_storage(current_app.config)
    )
