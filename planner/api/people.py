"""/api/v1/people: the directory's people, with the same rules as the person form."""

import marshmallow as ma
from flask_babel import gettext as _

from planner.api.common import (
    ApiBlueprint,
    CountryCode,
    Id,
    LanguageCodes,
    QuerySchema,
    Schema,
    SelectPage,
    Text,
    abort,
    column_length,
    existing,
    get_or_404,
)
from planner.extensions import db
from planner.organizations.models import Organization
from planner.people.models import Person
from planner.people.operations import (
    PersonInVisits,
    create_person,
    delete_person,
    people_query,
    update_person,
)
from planner.security import planner_required
from planner.web import acting_user

blp = ApiBlueprint(
    "People",
    __name__,
    description="The people of the directory: delegates, hosts, interpreters, staff.",
)


class PersonSchema(Schema):
    id = ma.fields.Integer(dump_only=True)
    display_name = ma.fields.String(
        dump_only=True,
        metadata={
            "description": "The honorific and the Latin name.",
            "example": "H.E. Yerlan Abenov",
        },
    )
    full_name_latin = Text(
        column_length(Person.full_name_latin),
        required=True,
        metadata={"description": "As in the passport.", "example": "Yerlan Abenov"},
    )
    full_name_native = Text(
        column_length(Person.full_name_native),
        metadata={
            "description": "In the person's own script. Left out or blank when adding, or "
            "blank when changing, it is the Latin name.",
            "example": "Ерлан Әбенов",
        },
    )
    honorific = Text(column_length(Person.honorific), metadata={"example": "H.E."})
    position = Text(
        column_length(Person.position), metadata={"example": "Ambassador of Kazakhstan to Iran"}
    )
    organization_id = Id(
        allow_none=True,
        metadata={"description": "The organization they belong to (/api/v1/organizations)."},
    )
    nationality = CountryCode()
    languages = LanguageCodes(
        metadata={
            "description": "ISO 639-1 codes of the languages they speak, any case; "
            "read back lower-case, sorted, each once.",
            "example": ["en", "kk", "ru"],
        },
    )
    email = Text(
        column_length(Person.email),
        validate=[ma.validate.Email()],
        metadata={"format": "email", "example": "ambassador@embassy.example"},
    )
    phone = Text(column_length(Person.phone), metadata={"example": "+98 21 0000 0000"})
    dietary_needs = Text(multiline=True, metadata={"example": "Halal"})
    access_needs = Text(multiline=True, metadata={"example": "Wheelchair: step-free routes only."})


class PersonFilter(QuerySchema):
    q = Text(metadata={"description": "Part of the name, in either script."})
    organization_id = Id()
    nationality = CountryCode()


def check_organization(values: dict) -> None:
    existing(
        Organization, values.get("organization_id"), field="organization_id", what="organization"
    )


@blp.route("/people")
@blp.arguments(PersonFilter, location="query", as_kwargs=True)
@blp.response(200, PersonSchema(many=True))
@blp.paginate(SelectPage)
def list_people(q=None, organization_id=None, nationality=None):
    """List people by their Latin name."""
    return people_query(
        search=(q or "").strip(),
        nationality=nationality,
        organization_id=organization_id,
    )


@blp.route("/people", methods=["POST"])
@planner_required
@blp.arguments(PersonSchema)
@blp.response(201, PersonSchema)
def add_person(values):
    """Add a person (planners)."""
    check_organization(values)
    return create_person(db.session, acting=acting_user(), **values)


@blp.route("/people/<int:person_id>")
@blp.response(200, PersonSchema)
def get_person(person_id: int):
    """One person."""
    return get_or_404(Person, person_id, what="person")


@blp.route("/people/<int:person_id>", methods=["PATCH"])
@planner_required
@blp.arguments(PersonSchema(partial=True))
@blp.response(200, PersonSchema)
def change_person(values, person_id: int):
    """Change some of a person's fields (planners)."""
    person = get_or_404(Person, person_id, what="person")
    check_organization(values)
    return update_person(db.session, person, acting=acting_user(), **values)


@blp.route("/people/<int:person_id>", methods=["DELETE"])
@planner_required
@blp.response(204)
def remove_person(person_id: int):
    """Delete a person for good (planners). Someone who takes part in a visit, even one in the
    bin, is kept: 409 names the visits to remove them from first."""
    person = get_or_404(Person, person_id, what="person")
    name = person.display_name
    try:
        delete_person(db.session, person, acting=acting_user())
    except PersonInVisits as refusal:
        visits = "; ".join(
            _("%(title)s (visit %(id)s, in the bin)", title=place.visit.title, id=place.visit.id)
            if place.visit.deleted_at is not None
            else _("%(title)s (visit %(id)s)", title=place.visit.title, id=place.visit.id)
            for place in refusal.participations
        )
        abort(
            409,
            message=_("%(name)s takes part in visits and cannot be deleted.", name=name)
            + " "
            + _("Remove them from these first: %(visits)s.", visits=visits),
        )
