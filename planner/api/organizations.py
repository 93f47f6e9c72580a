"""/api/v1/organizations: the directory's organizations."""

import marshmallow as ma

from planner import rules
from planner.api.common import (
    ApiBlueprint,
    CountryCode,
    QuerySchema,
    Schema,
    SelectPage,
    Text,
    choice_field,
    column_length,
    get_or_404,
    rule,
)
from planner.extensions import db
from planner.organizations.models import Organization, OrganizationKind
from planner.organizations.operations import (
    create_organization,
    delete_organization,
    organizations_query,
    update_organization,
)
from planner.security import acting_user, planner_required

blp = ApiBlueprint(
    "Organizations",
    __name__,
    description="Chambers, ministries, companies, embassies: who hosts, visits and is visited.",
)


class OrganizationSchema(Schema):
    id = ma.fields.Integer(dump_only=True)
    name = Text(
        column_length(Organization.name),
        required=True,
        metadata={
            "description": "In the Latin alphabet, as on letters.",
            "example": "Chamber of Commerce of Khuzestan",
        },
    )
    name_native = Text(
        column_length(Organization.name_native), metadata={"example": "اتاق بازرگانی خوزستان"}
    )
    kind = choice_field(OrganizationKind, required=True)
    country = CountryCode(required=True)
    city = Text(column_length(Organization.city))
    sector = Text(column_length(Organization.sector))
    products = Text(
        multiline=True, metadata={"description": "For companies: what they make and can export."}
    )
    website = Text(column_length(Organization.website), validate=[rule(rules.website_error)])


class OrganizationFilter(QuerySchema):
    q = Text(metadata={"description": "Part of the name, in either script."})
    kind = choice_field(OrganizationKind)
    country = CountryCode()


@blp.route("/organizations")
@blp.arguments(OrganizationFilter, location="query", as_kwargs=True)
@blp.response(200, OrganizationSchema(many=True))
@blp.paginate(SelectPage)
def list_organizations(q=None, kind=None, country=None):
    """List organizations by name."""
    return organizations_query(search=q, kind=kind, country=country)


@blp.route("/organizations", methods=["POST"])
@planner_required
@blp.arguments(OrganizationSchema)
@blp.response(201, OrganizationSchema)
def add_organization(values):
    """Add an organization (planners)."""
    return create_organization(db.session, acting=acting_user(), **values)


@blp.route("/organizations/<int:organization_id>")
@blp.response(200, OrganizationSchema)
def get_organization(organization_id: int):
    """One organization."""
    return get_or_404(Organization, organization_id, what="organization")


@blp.route("/organizations/<int:organization_id>", methods=["PATCH"])
@planner_required
@blp.arguments(OrganizationSchema(partial=True))
@blp.response(200, OrganizationSchema)
def change_organization(values, organization_id: int):
    """Change some of an organization's fields (planners)."""
    organization = get_or_404(Organization, organization_id, what="organization")
    return update_organization(db.session, organization, acting=acting_user(), **values)


@blp.route("/organizations/<int:organization_id>", methods=["DELETE"])
@planner_required
@blp.response(204)
def remove_organization(organization_id: int):
    """Delete an organization (planners). People, venues and visits keep their rows and lose
    the link to it."""
    organization = get_or_404(Organization, organization_id, what="organization")
    delete_organization(db.session, organization, acting=acting_user())
