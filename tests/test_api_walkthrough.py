"""docs/api-walkthrough.sh builds the reference visit with curl alone, as a developer who has
only read /api/v1/docs would: it must run to the end against a live server, and leave the
visit, its checker finding and a working feed link behind."""

import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from planner.accounts.api_tokens import issue_token
from planner.accounts.models import Role
from planner.extensions import db
from planner.itinerary.models import Stop
from planner.outcomes.models import FollowUp
from planner.visits.models import Visit
from tests.browser import LiveServer
from tests.icscheck import check_ics

# Another connection (a live server, Alembic) must see what the test commits.
pytestmark = pytest.mark.committed

SCRIPT = Path(__file__).resolve().parent.parent / "docs" / "api-walkthrough.sh"


def test_the_curl_walkthrough_builds_the_reference_visit(app, client, create_staff):
    if shutil.which("curl") is None:
        pytest.fail("curl is needed to run docs/api-walkthrough.sh: apt-get install curl")
    planner = create_staff(Role.PLANNER)
    _token, secret = issue_token(db.session, planner, "walkthrough")
    db.session.commit()
    with LiveServer(app) as server:
        result = subprocess.run(
            ["bash", str(SCRIPT)],
            env={**os.environ, "PISHVAZ_URL": server.url, "PISHVAZ_TOKEN": secret},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "not_enough_travel_time" in result.stdout  # the planted tight drive is found

    db.session.expire_all()
    visit = db.session.scalars(sa.select(Visit)).one()
    assert visit.title == "Visit of the Ambassador of Kazakhstan to Lorestan"
    assert len(visit.participants) == 3
    stops = db.session.scalars(sa.select(Stop).order_by(Stop.starts_at)).all()
    assert [s.title for s in stops] == [
        "Welcome at the Chamber of Commerce",
        "Falak-ol-Aflak castle",
    ]
    assert stops[0].starts_at.isoformat() == "2026-12-15T05:30:00+00:00"
    assert db.session.scalars(sa.select(FollowUp)).one().owner_id == planner.id

    feed = result.stdout.strip().splitlines()[-1]
    calendar = check_ics(client.get(urlsplit(feed).path).data)
    assert {item["summary"] for item in calendar["items"]} == {s.title for s in stops}
