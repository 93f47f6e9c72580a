"""Two web servers, one office: two gunicorn processes on two ports share one database
(PostgreSQL, or one SQLite file), with documents kept in it, as behind a load balancer.

What one server saves, the other serves: a document, a change, a signed-in session.
"""

from datetime import date

import pytest
import requests

from bench.servers import gunicorns, sign_in
from planner.accounts.api_tokens import issue_token
from planner.accounts.models import Role
from planner.extensions import db
from planner.outcomes.models import Outcome, OutcomeKind
from tests.conftest import PASSWORD
from tests.test_outcomes_documents import MEMORANDUM

# The servers are other processes: they must see what the test commits.
pytestmark = pytest.mark.committed


def test_what_one_server_saves_the_other_serves(app, databases, create_staff, visit, tmp_path):
    planner = create_staff(Role.PLANNER)
    outcome = Outcome(
        visit=visit,
        kind=OutcomeKind.AGREEMENT,
        summary="Memorandum on trade.",
        day=date(2026, 12, 15),
    )
    db.session.add(outcome)
    _token, secret = issue_token(db.session, planner, "two servers")
    db.session.commit()
    bearer = {"Authorization": f"Bearer {secret}"}
    office = {
        "DATABASE_URL": databases.database_url,
        "SECRET_KEY": "one key for the whole office",
        "DOCUMENTS_STORAGE": "database",
    }

    # Each server has a documents folder of its own: nothing is shared through the disk.
    folders = [{"DOCUMENTS_FOLDER": str(tmp_path / name)} for name in ("a", "b")]
    with gunicorns([{**office, **folder} for folder in folders]) as [server_a, server_b]:
        uploaded = requests.post(
            f"{server_a}/api/v1/outcomes/{outcome.id}/documents",
            files={"document": ("memo.pdf", MEMORANDUM, "application/pdf")},
            headers=bearer,
            timeout=10,
        )
        assert uploaded.status_code == 201, uploaded.text
        document_id = uploaded.json()["id"]
        downloaded = requests.get(
            f"{server_b}/api/v1/outcomes/{outcome.id}/documents/{document_id}",
            headers=bearer,
            timeout=10,
        )
        assert downloaded.status_code == 200 and downloaded.content == MEMORANDUM

        changed = requests.patch(
            f"{server_a}/api/v1/visits/{visit.id}",
            json={"title": "Visit of the Kazakh trade delegation"},
            headers=bearer,
            timeout=10,
        )
        assert changed.status_code == 200, changed.text
        seen = requests.get(f"{server_b}/api/v1/visits/{visit.id}", headers=bearer, timeout=10)
        assert seen.json()["title"] == "Visit of the Kazakh trade delegation"

        on_a = requests.Session()
        sign_in(on_a, server_a, planner.email, PASSWORD)
        on_b = requests.Session()
        on_b.cookies.update(on_a.cookies)  # the cookie server A set, sent to server B
        page = on_b.get(f"{server_b}/visits/{visit.id}", allow_redirects=False, timeout=10)
        assert page.status_code == 200
        assert "Visit of the Kazakh trade delegation" in page.text
        stranger = requests.get(f"{server_b}/visits/{visit.id}", allow_redirects=False, timeout=10)
        assert stranger.status_code == 302  # without the cookie: sent to sign in
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
