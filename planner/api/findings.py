"""/api/v1/visits/{visit_id}/findings: what the checker finds wrong with a visit's itinerary."""

import marshmallow as ma
from flask import current_app

from planner.api.common import VISIT_PATH, ApiBlueprint, QuerySchema, visit_or_404
from planner.extensions import db
from planner.itinerary.findings import ERROR, WARNING, Code
from planner.itinerary.snapshot import check_visit

blp = ApiBlueprint(
    "Findings",
    __name__,
    description="What the checker finds wrong with a visit's itinerary: the same findings, "
    "in the same order, as the visit's page and its checks.json.",
)

SEVERITIES = (ERROR, WARNING)
CODES = tuple(code.value for code in Code)


class FindingSchema(ma.Schema):
    """One finding, as Finding.as_dict() gives it to the pages' checks.json too."""

    severity = ma.fields.String(
        validate=ma.validate.OneOf(SEVERITIES),
        metadata={
            "description": "error: the programme cannot happen as planned; warning: look at it."
        },
    )
    code = ma.fields.String(
        validate=ma.validate.OneOf(CODES),
        metadata={"description": "Which check found it.", "example": "person_double_booked"},
    )
    message = ma.fields.String(
        metadata={
            "description": "What is wrong, in English (the visit's page says it in the "
            "reader's language).",
            "example": "Nobody attends “Photo with the chamber's board”.",
        }
    )
    stop_ids = ma.fields.List(
        ma.fields.Integer(),
        metadata={"description": "The ids of the visit's stops it concerns."},
    )
    person_ids = ma.fields.List(
        ma.fields.Integer(),
        metadata={
            "description": "The people it concerns (ids under /api/v1/people): who is "
            "double-booked, who lacks time for a drive, who shares no language.",
        },
    )
    venue_ids = ma.fields.List(
        ma.fields.Integer(),
        metadata={
            "description": "The venues it concerns: double-booked, closed, or driven "
            "between (from, to)."
        },
    )


class FindingFilter(QuerySchema):
    severity = ma.fields.String(validate=ma.validate.OneOf(SEVERITIES))
    code = ma.fields.String(validate=ma.validate.OneOf(CODES))


@blp.route(f"{VISIT_PATH}/findings")
@blp.arguments(FindingFilter, location="query", as_kwargs=True)
@blp.response(200, FindingSchema(many=True))
@blp.paginate()
def list_findings(visit_id: int, pagination_parameters, severity=None, code=None):
    """List the checker's findings for a visit: errors first, then by their first stop.

    Checked again whenever anything the checker reads has changed since the last check (the
    visit's stops, attendees and venues, or another visit's stop that shares its people or
    venues); otherwise the findings kept from that check. It finds double-booked people and
    venues (also across visits), too little time to drive between venues, closed venues,
    stops outside the visit's dates, meetings without a shared language, stops nobody
    attends, official meetings without the head of delegation. Cancelled stops and stops in
    the bin are not checked."""
    visit = visit_or_404(visit_id)
    findings = [
        finding.as_dict()
        for finding in check_visit(db.session, visit, current_app.config)
        if (severity is None or finding.severity == severity)
        and (code is None or finding.code == code)
    ]
    pagination_parameters.item_count = len(findings)
    first = pagination_parameters.first_item
    return findings[first : first + pagination_parameters.page_size]
