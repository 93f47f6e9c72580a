"""One commit per request that changed something, and none for a page that only reads."""

import sqlalchemy as sa

from planner.accounts.models import Role
from planner.extensions import db
from planner.organizations.models import Organization
from tests.conftest import Statements
from tests.test_organizations_pages import CHAMBER


def test_reading_pages_end_with_a_rollback_not_a_commit(client, signed_in, visit):
    signed_in(Role.PLANNER)
    for url in ("/", "/dashboard", f"/visits/{visit.id}", "/organizations"):
        client.get(url)  # what a first request sets up once (the signed-in user) is not the page
        with Statements() as statements:
            assert client.get(url).status_code == 200
        assert statements.commits == 0, url
        assert not [sql for sql in statements if sql.strip().upper() == "COMMIT"], url


def test_a_change_is_committed_once_and_kept(client, signed_in):
    signed_in(Role.PLANNER)
    with Statements() as statements:
        response = client.post("/organizations/new", data=CHAMBER)
    assert response.status_code == 302, response.text
    assert statements.commits == 1
    names = db.session.scalars(sa.select(Organization.name)).all()
    assert names == ["Lorestan Chamber of Commerce"]


def test_a_refused_change_is_not_kept(client, signed_in):
    signed_in(Role.PLANNER)
    with Statements() as statements:
        response = client.post("/organizations/new", data={**CHAMBER, "country": "XX"})
    assert response.status_code == 400
    assert statements.commits == 0
    assert db.session.scalar(sa.select(sa.func.count(Organization.id))) == 0
