"""People: the queries their pages need, and create, update and delete.

Each change takes the acting user, flushes and leaves the commit to the request.
"""

import logging

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from planner.accounts.models import User
from planner.names import name_key
from planner.people.models import Person
from planner.visits.models import Participant, Visit

log = logging.getLogger(__name__)


class PersonInVisits(Exception):
    """A person who takes part in visits is kept: the visits would lose them."""

    def __init__(self, person: Person, participations: list[Participant]):
        super().__init__(f"person {person.id} takes part in {len(participations)} visit(s)")
        self.person = person
        self.participations = participations


def people_query(
    *,
    search: str | None = None,
    nationality: str | None = None,
    organization_id: int | None = None,
) -> sa.Select:
    """People by Latin name, those whose name in either script contains `search`.

    The list page and the API page through it.
    """
    query = (
        sa.select(Person)
        .options(selectinload(Person.organization))
        .order_by(Person.full_name_latin, Person.id)
    )
    if search:
        query = query.where(
            sa.or_(
                Person.full_name_latin.icontains(search, autoescape=True),
                Person.full_name_native.icontains(search, autoescape=True),
            )
        )
    if nationality:
        query = query.where(Person.nationality == nationality)
    if organization_id is not None:
        query = query.where(Person.organization_id == organization_id)
    return query


def people_named(session, *names: str | None) -> list[Person]:
    """People whose name, in either script, is one of `names` give or take case, spaces and
    punctuation: the likely duplicates of someone about to be added."""
    keys = {name_key(name) for name in names} - {""}
    rows = session.execute(
        sa.select(Person.id, Person.full_name_latin, Person.full_name_native)
    ).all()
    ids = [id_ for id_, *named in rows if keys & {name_key(name) for name in named}]
    return list(
        session.scalars(
            sa.select(Person)
            .where(Person.id.in_(ids))
            .options(selectinload(Person.organization))
            .order_by(Person.full_name_latin)
        )
    )


def nationalities(session) -> list[str]:
    """The nationalities people on file have, for the list's filter."""
    return list(
        session.scalars(
            sa.select(Person.nationality)
            .where(Person.nationality.is_not(None))
            .distinct()
            .order_by(Person.nationality)
        )
    )


def participations(session, person: Person) -> list[Participant]:
    """The person's places in visits (those in the bin too), the latest visit first."""
    return list(
        session.scalars(
            sa.select(Participant)
            .join(Participant.visit)
            .where(Participant.person_id == person.id)
            .options(selectinload(Participant.visit))
            .order_by(Visit.start_date.desc(), Visit.id)
        )
    )


def create_person(session, *, acting: User, **values) -> Person:
    """Add a person; without a name in their own script, the Latin one stands for it."""
    values["full_name_native"] = values.get("full_name_native") or values["full_name_latin"]
    person = Person(**values)
    session.add(person)
    session.flush()
    log.info("%s added person %s", acting.email, person.id)
    return person


def update_person(session, person: Person, *, acting: User, **values) -> Person:
    """Change the given fields; a name in their own script cleared is the Latin one again."""
    if "full_name_native" in values and not values["full_name_native"]:
        values["full_name_native"] = values.get("full_name_latin", person.full_name_latin)
    for name, value in values.items():
        setattr(person, name, value)
    session.flush()
    log.info("%s changed person %s", acting.email, person.id)
    return person


def delete_person(session, person: Person, *, acting: User) -> None:
    """Delete for good, unless they take part in a visit (PersonInVisits)."""
    if taking_part := participations(session, person):
        raise PersonInVisits(person, taking_part)
    person_id = person.id
    session.delete(person)
    session.flush()
    log.info("%s deleted person %s", acting.email, person_id)
