"""/api/v1: the staff: who you are with this token, and whom follow-ups can be given to."""

import marshmallow as ma
import sqlalchemy as sa

from planner.accounts.models import Role, User
from planner.api.common import ApiBlueprint, QuerySchema, Schema, SelectPage, choice_field
from planner.web import acting_user

blp = ApiBlueprint(
    "Staff",
    __name__,
    description="Staff users, read only (administrators manage them on the Users page). "
    "A follow-up's owner_id is one of these ids.",
)


class UserSchema(Schema):
    id = ma.fields.Integer(dump_only=True, metadata={"example": 3})
    name = ma.fields.String(dump_only=True, metadata={"example": "Protocol Officer"})
    email = ma.fields.String(dump_only=True, metadata={"example": "protocol@office.example"})
    role = choice_field(Role, dump_only=True)
    active = ma.fields.Boolean(dump_only=True)


class ColleagueSchema(UserSchema):
    """Another user as every token holder sees them: e-mail addresses stay on the admin pages."""

    class Meta:
        exclude = ("email",)


class UserFilter(QuerySchema):
    active = ma.fields.Boolean(
        metadata={"description": "true: only those who can sign in and own follow-ups."}
    )


@blp.route("/me")
@blp.response(200, UserSchema)
def who_am_i():
    """The user this token belongs to: your id, name and role."""
    return acting_user()


@blp.route("/users")
@blp.arguments(UserFilter, location="query", as_kwargs=True)
@blp.response(200, ColleagueSchema(many=True))
@blp.paginate(SelectPage)
def list_users(active=None):
    """Staff users by name."""
    query = sa.select(User).order_by(User.name, User.id)
    if active is not None:
        query = query.where(User.active.is_(active))
    return query
