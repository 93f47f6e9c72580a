"""The migrations, not create_all, build the schema, and it equals the models."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from planner.extensions import db
from planner.itinerary.models import Stop
from planner.people.models import Person
from planner.visits.models import Visit

# Another connection (a live server, Alembic) must see what the test commits.
pytestmark = pytest.mark.committed


def schema_differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_migrated_schema_matches_the_models(app):
    assert schema_differences() == []


def test_migrations_downgrade_to_nothing_and_upgrade_again(app):
    db.session.remove()
    downgrade(revision="base")
    with db.engine.connect() as connection:
        remaining = set(db.inspect(connection).get_table_names()) - {"alembic_version"}
    assert remaining == set()
    upgrade()
    assert schema_differences() == []


def test_0006_puts_titles_and_names_on_one_line(app, create_visit, create_stop):
    visit = create_visit()
    stop = create_stop(visit, visit.start_date, "10:00", "11:00", title="Trade round table")
    person = Person(full_name_latin="Yerlan Abenov", full_name_native="Ерлан Әбенов")
    db.session.add(person)
    db.session.commit()
    stop_id, visit_id, person_id = stop.id, visit.id, person.id
    db.session.remove()
    downgrade(revision="0005")
    # Rows saved before the rule, straight into the tables as they were at 0005.
    db.session.execute(
        sa.update(Stop)
        .where(Stop.id == stop_id)
        .values(title="Trade \r\n round\ttable\r", public_description="Tea.\r\nThen talks.")
    )
    db.session.execute(
        sa.update(Visit).where(Visit.id == visit_id).values(title="Visit\nof the Ambassador")
    )
    db.session.execute(
        sa.update(Person).where(Person.id == person_id).values(position="\x0b", phone="+98\r21")
    )
    db.session.commit()
    db.session.remove()
    upgrade()
    stop, visit, person = (
        db.session.get(Stop, stop_id),
        db.session.get(Visit, visit_id),
        db.session.get(Person, person_id),
    )
    assert stop.title == "Trade round table"
    assert stop.public_description == "Tea.\r\nThen talks."  # multi-line text is left as it is
    assert visit.title == "Visit of the Ambassador"
    assert (person.position, person.phone) == (None, "+98 21")
    assert person.full_name_native == "Ерлан Әбенов"
