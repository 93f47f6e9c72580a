"""/api/v1/outcomes: what a visit produced, with the form's rules on the trade figures."""

import hashlib
import io
import json
from datetime import date
from decimal import Decimal

import pytest

from planner.accounts.models import Role
from planner.clock import utc_now
from planner.config import UPLOAD_OVERHEAD_BYTES
from planner.extensions import db
from planner.outcomes.models import FollowUp, Outcome, OutcomeDocument, OutcomeKind
from tests.conftest import count, reasons

MEMORANDUM = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def export_lead(visit, **changes) -> dict:
    body = {
        "visit_id": visit.id,
        "kind": "export_lead",
        "summary": "Kazakh importers asked for offers on pasta and biscuits.",
        "day": "2026-12-15",
        "product": "Pasta and biscuits",
        "hs_code": "1902.19",
        "estimated_value": "450000.5",
        "currency": " usd ",
    }
    body.update(changes)
    return body


def test_planner_records_reads_changes_and_deletes_an_export_lead(api_as, visit, pasta_tour, sides):
    api = api_as(Role.PLANNER)
    pasta, grain = sides
    created = api.post(
        "/api/v1/outcomes",
        json=export_lead(
            visit,
            stop_id=pasta_tour.id,
            our_organization_id=pasta.id,
            partner_organization_id=grain.id,
        ),
    )
    assert created.status_code == 201, created.json
    body = created.json
    # Money is a decimal string to the cent; the currency upper-cased, as the form does.
    assert (body["estimated_value"], body["currency"]) == ("450000.50", "USD")
    assert body["stop_id"] == pasta_tour.id and body["status"] == "proposed"
    assert body["created_by_id"] == api.user.id and body["documents"] == []
    url = f"/api/v1/outcomes/{body['id']}"
    assert api.get(url).json == body

    changed = api.patch(url, json={"status": "agreed", "estimated_value": "520000", "hs_code": ""})
    assert changed.status_code == 200, changed.json
    assert changed.json["status"] == "agreed"
    assert changed.json["estimated_value"] == "520000.00"
    assert changed.json["hs_code"] is None
    assert changed.json["summary"] == body["summary"]  # untouched by a partial change
    saved = db.session.get(Outcome, body["id"])
    assert (saved.estimated_value, saved.currency) == (Decimal("520000.00"), "USD")

    follow_up = FollowUp(
        title="Price list", owner_id=api.user.id, due_date=date(2027, 1, 10), outcome_id=saved.id
    )
    db.session.add(follow_up)
    db.session.commit()
    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404
    assert count(Outcome) == 0
    db.session.expire_all()
    # Its follow-up stays, tied to the visit instead.
    assert db.session.get(FollowUp, follow_up.id).visit_id == visit.id


def test_list_is_paged_and_filtered_by_visit_kind_partnership_and_dates(
    api_as, visit, create_visit, twinning
):
    other = create_visit(title="Visit of the Turkmen trade mission")
    binned = create_visit(title="Cancelled visit", deleted_at=utc_now())
    for number in range(12):
        db.session.add(
            Outcome(
                visit=visit,
                kind=OutcomeKind.EXPORT_LEAD,
                summary=f"Lead {number:02}",
                day=date(2026, 12, 15 + number % 2),
            )
        )
    db.session.add_all(
        [
            Outcome(
                visit=other,
                kind=OutcomeKind.SISTER_CITY_STEP,
                summary="Twinning proposal",
                day=date(2027, 2, 1),
                partnership=twinning,
            ),
            Outcome(
                visit=binned, kind=OutcomeKind.OTHER, summary="In the bin", day=date(2027, 1, 1)
            ),
        ]
    )
    db.session.commit()
    api = api_as(Role.VIEWER)

    first = api.get("/api/v1/outcomes?page_size=5")
    assert first.status_code == 200
    assert json.loads(first.headers["X-Pagination"])["total"] == 13  # not the one in the bin
    summaries = [o["summary"] for o in api.all_pages("/api/v1/outcomes")]
    assert summaries[-1] == "Twinning proposal" and "In the bin" not in summaries

    assert len(api.get(f"/api/v1/outcomes?visit_id={visit.id}").json) == 12
    assert [o["summary"] for o in api.get("/api/v1/outcomes?kind=sister_city_step").json] == [
        "Twinning proposal"
    ]
    assert len(api.get(f"/api/v1/outcomes?partnership_id={twinning.id}").json) == 1
    assert len(api.get("/api/v1/outcomes?from=2026-12-16&to=2026-12-31").json) == 6
    assert len(api.get("/api/v1/outcomes?from=2027-01-01").json) == 1

    refused = api.get("/api/v1/outcomes?from=yesterday")
    assert refused.status_code == 422
    assert refused.json["errors"][0] == {
        "field": "from",
        "reason": "Not a valid date.",
        "in": "query",
    }


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        # The form's own words (tests/test_outcomes_pages.py), because the same rules say them.
        ({"currency": ""}, "currency", "Give the currency of the estimated value, e.g. USD."),
        ({"currency": None}, "currency", "Give the currency of the estimated value, e.g. USD."),
        ({"currency": "XQZ"}, "currency", "XQZ is not an ISO 4217 currency code."),
        ({"hs_code": "1"}, "hs_code", "An HS code has 2 to 10 digits"),
        ({"hs_code": "19O2"}, "hs_code", "An HS code has 2 to 10 digits"),
        ({"hs_code": "1902..19"}, "hs_code", "An HS code has 2 to 10 digits"),
        ({"estimated_value": "-5"}, "estimated_value", "Enter a value of zero or more"),
        ({"estimated_value": "NaN"}, "estimated_value", "Enter a value of zero or more"),
        ({"estimated_value": "1e20"}, "estimated_value", "below ten million billion"),
        ({"estimated_value": "12.345"}, "estimated_value", "to the cent at most, e.g. 450000.50"),
        ({"estimated_value": "a lot"}, "estimated_value", "Not a valid number."),
        ({"estimated_value": True}, "estimated_value", "Not a valid number."),
        ({"summary": "  "}, "summary", "This may not be blank."),
        ({"day": "15/12/2026"}, "day", "Not a valid date."),
        ({"kind": "rumour"}, "kind", "Must be one of"),
        ({"visit_id": "first"}, "visit_id", "Not a valid integer."),
        ({"visit_id": 2**63}, "visit_id", "less than or equal to 2147483647"),
        ({"summary": "Pasta\x00"}, "summary", "NUL"),
        ({"size": "large"}, "size", "Unknown field."),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_saved(
    api_as, visit, changes, field, message
):
    api = api_as(Role.PLANNER)
    response = api.post("/api/v1/outcomes", json=export_lead(visit, **changes))
    assert response.status_code == 422, response.json
    assert response.content_type == "application/problem+json"
    assert message in reasons(response)[field]
    assert count(Outcome) == 0


def test_a_value_with_its_currency_and_none_without_are_both_fine(api_as, visit):
    api = api_as(Role.PLANNER)
    cultural = api.post(
        "/api/v1/outcomes",
        json={
            "visit_id": visit.id,
            "kind": "cultural_event",
            "summary": "A joint Kazakh–Lori culture week around Nowruz.",
            "day": "2026-12-16",
            "currency": "",
            "estimated_value": None,
        },
    )
    assert cultural.status_code == 201, cultural.json
    assert (cultural.json["estimated_value"], cultural.json["currency"]) == (None, None)
    for code in ("19", "8474.20.10"):
        response = api.post("/api/v1/outcomes", json=export_lead(visit, hs_code=code))
        assert response.status_code == 201, response.json


def test_references_must_exist_and_the_stop_must_be_of_that_visit(
    api_as, visit, create_visit, create_stop
):
    other = create_visit(title="Visit of the Turkmen trade mission")
    elsewhere = create_stop(other, date(2026, 12, 15), "09:00", "10:00")
    binned = create_visit(title="Cancelled visit", deleted_at=utc_now())
    api = api_as(Role.PLANNER)
    for changes, field in [
        ({"stop_id": elsewhere.id}, "stop_id"),
        ({"visit_id": 999}, "visit_id"),
        ({"visit_id": binned.id}, "visit_id"),
        ({"partnership_id": 999}, "partnership_id"),
        ({"our_organization_id": 999}, "our_organization_id"),
    ]:
        response = api.post("/api/v1/outcomes", json=export_lead(visit, **changes))
        assert response.status_code == 422, changes
        assert set(reasons(response)) == {field}, changes
    assert count(Outcome) == 0


def test_a_refused_change_keeps_what_was_saved(api_as, visit, create_visit, create_stop):
    api = api_as(Role.PLANNER)
    body = api.post("/api/v1/outcomes", json=export_lead(visit)).json
    url = f"/api/v1/outcomes/{body['id']}"
    other = create_visit(title="Visit of the Turkmen trade mission")
    elsewhere = create_stop(other, date(2026, 12, 15), "09:00", "10:00")

    # The stored value needs its currency: removing it alone is refused, not a database error.
    no_currency = api.patch(url, json={"currency": None, "product": "Flour"})
    assert no_currency.status_code == 422
    assert reasons(no_currency) == {
        "currency": "Give the currency of the estimated value, e.g. USD."
    }
    moved = api.patch(url, json={"visit_id": other.id})
    assert moved.status_code == 422 and "visit_id" in reasons(moved)
    wrong_stop = api.patch(url, json={"stop_id": elsewhere.id})
    assert wrong_stop.status_code == 422 and set(reasons(wrong_stop)) == {"stop_id"}
    bad_code = api.patch(url, json={"hs_code": "nineteen", "summary": "Changed"})
    assert bad_code.status_code == 422

    saved = db.session.get(Outcome, body["id"])
    db.session.refresh(saved)
    assert (saved.visit_id, saved.currency, saved.product, saved.hs_code, saved.summary) == (
        visit.id,
        "USD",
        "Pasta and biscuits",
        "1902.19",
        export_lead(visit)["summary"],
    )
    # Both at once is a change that keeps the rule.
    cleared = api.patch(url, json={"currency": None, "estimated_value": None})
    assert cleared.status_code == 200
    assert (cleared.json["currency"], cleared.json["estimated_value"]) == (None, None)


def test_outcomes_of_a_visit_in_the_bin_are_not_found(api_as, visit):
    api = api_as(Role.PLANNER)
    body = api.post("/api/v1/outcomes", json=export_lead(visit)).json
    visit.deleted_at = utc_now()
    db.session.commit()
    url = f"/api/v1/outcomes/{body['id']}"
    assert api.get(url).status_code == 404
    assert api.patch(url, json={"summary": "Still here?"}).status_code == 404
    assert api.get("/api/v1/outcomes").json == []
    assert api.get(f"/api/v1/outcomes/{2**63}").status_code == 404


def test_viewer_reads_but_cannot_change(api_as, visit):
    body = api_as(Role.PLANNER).post("/api/v1/outcomes", json=export_lead(visit)).json
    viewer = api_as(Role.VIEWER)
    url = f"/api/v1/outcomes/{body['id']}"
    assert viewer.get(url).status_code == 200
    assert viewer.post("/api/v1/outcomes", json=export_lead(visit)).status_code == 403
    assert viewer.patch(url, json={"summary": "Changed"}).status_code == 403
    assert viewer.delete(url).status_code == 403
    upload = viewer.post(f"{url}/documents", data={"document": (MEMORANDUM, "m.pdf")})
    assert upload.status_code == 403
    assert count(Outcome) == 1 and count(OutcomeDocument) == 0
    assert db.session.get(Outcome, body["id"]).summary == export_lead(visit)["summary"]


# --- Documents --------------------------------------------------------------------------


@pytest.fixture
def folder(app, tmp_path):
    path = tmp_path / "documents"
    app.config.update(
        DOCUMENTS_FOLDER=str(path),
        OUTCOME_DOCUMENT_MAX_BYTES=4096,
        MAX_CONTENT_LENGTH=4096 + UPLOAD_OVERHEAD_BYTES,
    )
    return path


def upload(api, outcome_id: int, content: bytes, name: str):
    return api.post(
        f"/api/v1/outcomes/{outcome_id}/documents",
        data={"document": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_a_document_is_attached_listed_downloaded_and_deleted(api_as, visit, folder):
    api = api_as(Role.PLANNER)
    outcome_id = api.post("/api/v1/outcomes", json=export_lead(visit)).json["id"]
    response = upload(api, outcome_id, MEMORANDUM, "Memorandum.pdf")
    assert response.status_code == 201, response.json
    document = response.json
    assert document["filename"] == "Memorandum.pdf"
    assert document["content_type"] == "application/pdf"
    assert document["size"] == len(MEMORANDUM)
    assert document["sha256"] == hashlib.sha256(MEMORANDUM).hexdigest()
    assert document["url"] == f"/api/v1/outcomes/{outcome_id}/documents/{document['id']}"
    assert api.get(f"/api/v1/outcomes/{outcome_id}").json["documents"] == [document]
    assert len(list(folder.iterdir())) == 1

    downloaded = api.get(document["url"])  # with the token: no browser session needed
    assert downloaded.status_code == 200
    assert downloaded.data == MEMORANDUM
    assert downloaded.content_type == "application/pdf"
    assert "attachment" in downloaded.headers["Content-Disposition"]
    assert "Memorandum.pdf" in downloaded.headers["Content-Disposition"]
    assert downloaded.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    downloaded.close()
    assert api.get(f"/api/v1/outcomes/{outcome_id}/documents/999").status_code == 404

    gone = api.delete(f"/api/v1/outcomes/{outcome_id}/documents/{document['id']}")
    assert gone.status_code == 204
    assert count(OutcomeDocument) == 0 and list(folder.iterdir()) == []
    assert (
        api.delete(f"/api/v1/outcomes/{outcome_id}/documents/{document['id']}").status_code == 404
    )


def test_a_document_is_judged_by_its_content_with_the_pages_words(api_as, visit, folder):
    api = api_as(Role.PLANNER)
    outcome_id = api.post("/api/v1/outcomes", json=export_lead(visit)).json["id"]
    for content, name, words in [
        (b"just some text", "memorandum.pdf", "memorandum.pdf is not a PDF, PNG or JPEG image"),
        (b"", "empty.pdf", "empty.pdf is empty."),
        (MEMORANDUM * 200, "big.pdf", "big.pdf is larger than 4 KB"),
    ]:
        response = upload(api, outcome_id, content, name)
        assert response.status_code == 422, name
        assert words in reasons(response)["document"]
    missing = api.post(f"/api/v1/outcomes/{outcome_id}/documents", json={})
    assert missing.status_code == 422
    assert count(OutcomeDocument) == 0
    assert not folder.exists() or list(folder.iterdir()) == []
