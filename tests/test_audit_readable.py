"""The history in words: every audited field of every audited record has a label, and a
value reads as the rest of the app writes it (dates in the reader's calendar and zone, kinds
by their label, a venue, a person or an organization by name)."""

import pytest

from planner.accounts.models import Role
from planner.audit import readable, trail
from planner.audit.models import AuditEntry
from planner.audit.operations import referenced_names
from planner.extensions import Model, db
from planner.itinerary.operations import update_stop
from planner.partnerships.operations import update_partnership
from planner.visits.models import ParticipantRole
from planner.visits.operations import update_participant
from tests.conftest import shown
from tests.test_audit_trail import entries_about


def audited_fields() -> list[tuple[str, str]]:
    """(table, field) for everything the trail can record, read from the mapped models."""
    fields = []
    for mapper in Model.registry.mappers:
        table_name = mapper.local_table.name
        if table_name in trail.AUDITED:
            names = trail._columns(mapper) + list(trail.COLLECTIONS.get(table_name, ()))
            fields += [(table_name, name) for name in names]
    return sorted(fields)


def test_the_walk_finds_every_audited_table(app):
    assert {table for table, _field in audited_fields()} == set(trail.AUDITED)
    assert set(readable.RECORD_TYPES) == set(trail.AUDITED)


@pytest.mark.parametrize("locale", ["en", "fa"])
def test_every_audited_field_has_a_label_in_english_and_persian(app, locale):
    from flask_babel import force_locale  # noqa: PLC0415

    unlabelled, untranslated = [], []
    with app.test_request_context(), force_locale(locale):
        for table, field in audited_fields():
            label = str(readable.field_label(field, table))
            if label == field:
                unlabelled.append(f"{table}.{field}")
            elif locale == "fa" and label.isascii():
                untranslated.append(f"{table}.{field}: {label}")
    assert unlabelled == []
    assert untranslated == []


def test_values_read_as_the_app_writes_them(app):
    reading = readable.Reading(
        locale="en",
        zone="Asia/Tehran",
        names={("venues", 7): "Falak-ol-Aflak Castle", ("participants", 3): "Yerlan Abenov"},
    )

    def shown_as(table, field, value):
        with app.test_request_context():
            return readable.shown_value(table, field, value, reading)

    assert shown_as("stops", "starts_at", "2026-12-15T06:30:00+00:00") == "15 Dec 2026 10:00"
    assert shown_as("visits", "end_date", "2026-12-17") == "17 Dec 2026"
    assert shown_as("visits", "status", "confirmed") == "Confirmed"
    assert shown_as("participants", "role", "head_of_delegation") == "Head of delegation"
    assert shown_as("stops", "venue_id", 7) == "Falak-ol-Aflak Castle"
    assert shown_as("stops", "venue_id", 8) == "#8"  # deleted since: its number
    assert shown_as("stops", "attendees", [3]) == "Yerlan Abenov"
    assert shown_as("visits", "visiting_country", "KZ") == "Kazakhstan"
    assert shown_as("people", "languages", ["kk", "ru"]) == "Kazakh, Russian"
    assert shown_as("users", "active", False) == "no"
    assert shown_as("visits", "status", "a kind from a newer version") == (
        "a kind from a newer version"
    )
    assert shown_as("visits", "title", None) == "—"


def test_a_persian_reader_reads_jalali_dates_and_persian_digits(app):
    reading = readable.Reading(locale="fa", zone="Asia/Tehran")
    with app.test_request_context():
        assert readable.shown_value("visits", "end_date", "2026-12-17", reading) == "۱۴۰۵/۰۹/۲۶"
        assert readable.shown_value("participants", "precedence", 12, reading) == "۱۲"


def test_the_history_page_names_venues_people_and_organizations(
    client,
    signed_in,
    pasta_tour,
    castle,
    add_participant,
    twinning,
    sides,
    create_staff,
    query_counter,
):
    other = create_staff(Role.PLANNER)
    guest = add_participant(pasta_tour.visit, "Yerlan Abenov")
    update_stop(
        db.session,
        pasta_tour,
        acting=other,
        expected_version=pasta_tour.version,
        venue_id=castle.id,
        attendees=[guest],
    )
    update_participant(
        db.session,
        guest,
        acting=other,
        role=ParticipantRole.INTERPRETER,
        interpreting_languages=["kk", "fa"],
    )
    pasta, _grain = sides
    update_partnership(db.session, twinning, acting=other, our_organization_id=pasta.id)
    db.session.commit()
    signed_in(Role.ADMIN)

    text = shown(client.get(f"/history/stops/{pasta_tour.id}").text)
    assert castle.name in text and "Yerlan Abenov" in text and "Venue" in text
    text = shown(client.get(f"/history/participants/{guest.id}").text)
    assert "Interpreter" in text and "Kazakh, Persian" in text
    assert "Interpreting languages" in text and "interpreting_languages" not in text
    with query_counter() as queries:
        page = client.get("/history?type=partnerships")
    text = shown(page.text)
    assert pasta.name in text and "Our organization" in text
    named = [q for q in queries.sent if "FROM organizations" in q]
    assert len(named) == 1  # the names of a page's organizations: one query


def test_the_names_of_many_entries_take_one_query_per_kind_of_record(
    app, create_venue_entries, query_counter
):
    entries = create_venue_entries()
    with query_counter() as queries:
        names = referenced_names(db.session, entries)
    assert len(queries.sent) == 3  # the visits, the venues, the organizations
    assert {table for table, _id in names} == {"visits", "venues", "organizations"}


@pytest.fixture
def create_venue_entries(pasta_tour, castle, sides, create_staff):
    """Entries of three stops moved to venues, and a partnership given an organization."""

    def _create():
        other = create_staff(Role.PLANNER)
        update_stop(
            db.session,
            pasta_tour,
            acting=other,
            expected_version=pasta_tour.version,
            venue_id=castle.id,
        )
        db.session.commit()
        return entries_about("stops") + [
            AuditEntry(
                record_type="partnerships",
                record_id=1,
                action="update",
                source="page",
                changes={"our_organization_id": [None, organization.id]},
            )
            for organization in sides
        ]

    return _create
