"""Personal API tokens on the profile page: created and shown once, listed, revoked."""

import re

import sqlalchemy as sa

from planner.accounts.models import ApiToken, Role
from planner.extensions import db


def new_token(client, name="Embassy list import") -> str:
    response = client.post("/profile/api-tokens", data={"token-name": name})
    assert response.status_code == 200, response.text
    assert response.headers["Cache-Control"] == "no-store"
    return re.search(r'class="token-secret" dir="ltr">(pv_[^<]+)<', response.text).group(1)


def test_a_token_is_shown_once_and_opens_the_api(client, signed_in):
    signed_in(Role.VIEWER)  # viewers may have tokens: they read through the API
    secret = new_token(client)
    api = client.get("/api/v1/organizations", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 200

    profile = client.get("/profile")
    assert "Embassy list import" in profile.text
    assert secret[:10] in profile.text  # its beginning, to tell tokens apart
    assert secret not in profile.text  # never the whole secret again


def test_revoking_a_token_closes_the_api_to_it(client, signed_in):
    signed_in(Role.PLANNER)
    secret = new_token(client)
    token = db.session.scalars(sa.select(ApiToken)).one()
    response = client.post(f"/profile/api-tokens/{token.id}/revoke")
    assert response.status_code == 302
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/organizations", headers=headers).status_code == 401
    assert "Revoked" in client.get("/profile").text


def test_nobody_revokes_another_user_s_token(client, auth, signed_in, create_staff):
    owner = signed_in(Role.PLANNER)
    new_token(client, "mine")
    token = db.session.scalars(sa.select(ApiToken)).one()
    auth.logout()
    auth.login(create_staff(Role.ADMIN))
    assert client.post(f"/profile/api-tokens/{token.id}/revoke").status_code == 404
    db.session.refresh(token)
    assert token.revoked_at is None and token.user_id == owner.id


def test_a_token_needs_a_name(client, signed_in):
    signed_in(Role.PLANNER)
    response = client.post("/profile/api-tokens", data={"token-name": "  "})
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0
