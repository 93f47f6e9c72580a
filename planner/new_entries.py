"""People, venues and organizations added from inside the participant and stop forms.

A form's "New person" / "New venue" / "New organization" block is part of its POST, so it
works without JavaScript. Before anything is made the planner is shown the likely duplicates
(the same name in either script, give or take case and spaces; a venue within 200 m) and
chooses one of them or confirms the new entry; only then is it created, in the request that
saves the participant or the stop, so a refusal later in that request saves none of it.
"""

from dataclasses import dataclass, field

from planner.accounts.models import User
from planner.forms import NewEntryForm
from planner.i18n import country_name, current_language
from planner.itinerary.forms import venue_label
from planner.organizations.forms import NewOrganizationForm
from planner.organizations.models import Organization
from planner.organizations.operations import create_organization, organizations_named
from planner.people.forms import NewPersonForm
from planner.people.models import Person
from planner.people.operations import create_person, people_named
from planner.venues.forms import NewVenueForm
from planner.venues.models import Venue
from planner.venues.operations import create_venue, likely_same_venues
from planner.visits.forms import person_label


@dataclass
class LikelyDuplicates:
    """What is on file already and looks like what the blocks would add."""

    organizations: list[Organization] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    venues: list[Venue] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.organizations or self.people or self.venues)


def _asked(block: NewEntryForm) -> bool:
    """A block to check: filled in, and not yet confirmed as new."""
    return block.wanted and not block.confirm.data


def likely_duplicates(
    session,
    *,
    organization: NewOrganizationForm,
    person: NewPersonForm | None = None,
    venue: NewVenueForm | None = None,
) -> LikelyDuplicates:
    found = LikelyDuplicates()
    if _asked(organization):
        found.organizations = organizations_named(
            session, organization.name.data, organization.name_native.data
        )
    if person is not None and _asked(person):
        found.people = people_named(
            session, person.full_name_latin.data, person.full_name_native.data
        )
    if venue is not None and _asked(venue):
        found.venues = likely_same_venues(
            session,
            venue.name.data,
            venue.name_native.data,
            latitude=venue.latitude.data,
            longitude=venue.longitude.data,
        )
    return found


def new_organization(session, block: NewOrganizationForm, *, acting: User) -> int | None:
    """The id of the organization the block adds, or None when it is empty."""
    if not block.wanted:
        return None
    return create_organization(session, acting=acting, **block.values()).id


def new_person(
    session, person: NewPersonForm, organization: NewOrganizationForm, *, acting: User
) -> Person:
    values = person.values()
    if (organization_id := new_organization(session, organization, acting=acting)) is not None:
        values["organization_id"] = organization_id
    return create_person(session, acting=acting, **values)


def new_venue(
    session,
    venue: NewVenueForm,
    organization: NewOrganizationForm,
    *,
    acting: User,
    visit_timezone: str,
) -> Venue:
    values = venue.values(visit_timezone=visit_timezone)
    if (organization_id := new_organization(session, organization, acting=acting)) is not None:
        values["organization_id"] = organization_id
    return create_venue(session, acting=acting, hours=venue.weekly_hours(), **values)


def likely_choices(likely: LikelyDuplicates) -> dict[str, list[tuple[int, str]]]:
    """(id, how the page names it) of each likely duplicate, for its "Use this one" button."""
    language = current_language()
    return {
        "organizations": [
            (item.id, f"{item.name_in(language)} — {country_name(item.country)}")
            for item in likely.organizations
        ],
        "people": [(item.id, person_label(item, language)) for item in likely.people],
        "venues": [(item.id, venue_label(item, language)) for item in likely.venues],
    }
