"""/api/v1/me and /api/v1/users: who the token is, and the staff ids follow-ups point to."""

from planner.accounts.models import Role
from planner.extensions import db


def test_me_is_the_token_s_user(api_as):
    api = api_as(Role.VIEWER)
    me = api.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json == {
        "id": api.user.id,
        "name": api.user.name,
        "email": api.user.email,
        "role": "viewer",
        "active": True,
    }


def test_users_lists_the_staff_and_filters_the_active(api_as, create_staff):
    api = api_as(Role.PLANNER)
    gone = create_staff(Role.PLANNER, name="Zz Former officer")
    gone.active = False
    db.session.commit()
    everyone = api.all_pages("/api/v1/users")
    assert {u["id"] for u in everyone} == {api.user.id, gone.id}
    assert all("email" not in u for u in everyone)  # addresses stay on the admin pages
    active = api.get("/api/v1/users?active=true").json
    assert [u["id"] for u in active] == [api.user.id]
