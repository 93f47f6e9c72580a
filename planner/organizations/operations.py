"""Organizations: the queries their pages need, and create, update and delete.

Each change takes the acting user, flushes and leaves the commit to the request.
"""

import logging
from dataclasses import dataclass

import sqlalchemy as sa

from planner.accounts.models import User
from planner.names import name_key
from planner.organizations.models import Organization, OrganizationKind
from planner.people.models import Person
from planner.venues.models import Venue
from planner.visits.models import Visit

log = logging.getLogger(__name__)


def organizations_for_list(
    session, *, search: str | None = None, kind: OrganizationKind | None = None
) -> list[Organization]:
    """Organizations by name, those whose name (in either script) contains `search`."""
    return list(session.scalars(organizations_query(search=search, kind=kind)))


def organizations_query(
    *,
    search: str | None = None,
    kind: OrganizationKind | None = None,
    country: str | None = None,
) -> sa.Select:
    """The select behind the list page and the API's list, filtered as asked."""
    query = sa.select(Organization).order_by(Organization.name, Organization.id)
    if search:
        query = query.where(
            sa.or_(
                Organization.name.icontains(search, autoescape=True),
                Organization.name_native.icontains(search, autoescape=True),
            )
        )
    if kind is not None:
        query = query.where(Organization.kind == kind)
    if country:
        query = query.where(Organization.country == country)
    return query


def all_organizations(session) -> list[Organization]:
    """Every organization by name: the choices of an organization select."""
    return organizations_for_list(session)


def organizations_named(session, *names: str | None) -> list[Organization]:
    """Organizations whose name, in either script, is one of `names` give or take case,
    spaces and punctuation: the likely duplicates of a new one."""
    keys = {name_key(name) for name in names} - {""}
    rows = session.execute(
        sa.select(Organization.id, Organization.name, Organization.name_native)
    ).all()
    ids = [id_ for id_, *named in rows if keys & {name_key(name) for name in named}]
    return list(
        session.scalars(
            sa.select(Organization).where(Organization.id.in_(ids)).order_by(Organization.name)
        )
    )


def count_by_organization(session, column, organization_ids: list[int]) -> dict[int, int]:
    """{organization id: number of rows} for a foreign key column such as Person.organization_id,
    for the organizations a page shows."""
    rows = session.execute(
        sa.select(column, sa.func.count()).where(column.in_(organization_ids)).group_by(column)
    )
    return dict(rows.tuples().all())


@dataclass(frozen=True)
class References:
    """What points at an organization and would lose it if it were deleted."""

    people: int
    venues: int
    visits: int

    @property
    def any(self) -> bool:
        return bool(self.people or self.venues or self.visits)


def references_to(session, organization: Organization) -> References:
    def count(query) -> int:
        return session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))

    return References(
        people=count(sa.select(Person.id).where(Person.organization_id == organization.id)),
        venues=count(sa.select(Venue.id).where(Venue.organization_id == organization.id)),
        visits=count(
            sa.select(Visit.id).where(
                sa.or_(
                    Visit.visiting_organization_id == organization.id,
                    Visit.host_organization_id == organization.id,
                )
            )
        ),
    )


def create_organization(session, *, acting: User, **values) -> Organization:
    organization = Organization(**values)
    session.add(organization)
    session.flush()
    log.info("%s added organization %s (%s)", acting.email, organization.id, organization.name)
    return organization


def update_organization(session, organization: Organization, *, acting: User, **values):
    for name, value in values.items():
        setattr(organization, name, value)
    session.flush()
    log.info("%s changed organization %s", acting.email, organization.id)
    return organization


def delete_organization(session, organization: Organization, *, acting: User) -> None:
    """Delete for good; people, venues and visits keep their rows and lose the link.

    The foreign keys are ON DELETE SET NULL: the database clears the links.
    """
    organization_id = organization.id
    session.delete(organization)
    session.flush()
    log.info("%s deleted organization %s", acting.email, organization_id)
