"""Changing visits and their participants: create, edit, bin and restore, copy as a return visit.

Each operation takes the acting user, changes models and flushes; the request commits.
The queries at the end are what the pages about these changes list.
"""

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from planner.accounts.models import User
from planner.clock import utc_now
from planner.itinerary.models import Stop, StopStatus
from planner.people.models import Person
from planner.timefmt import NonexistentLocalTime, local_to_utc, to_local, zone
from planner.visits.models import Participant, ParticipantRole, Side, Visit, VisitStatus

MIN_INTERPRETING_LANGUAGES = 2

# A return visit swaps the sides; support staff are local to the host and stay behind.
SWAPPED_SIDES = {Side.DELEGATION: Side.HOST, Side.HOST: Side.DELEGATION}


class VisitError(ValueError):
    """A change that cannot be made; `field` names the form field the message belongs to."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


def dates_error(start_date: date | None, end_date: date | None):
    """The one rule on a visit's dates (the database holds it as a CHECK), worded for people."""
    if start_date is not None and end_date is not None and end_date < start_date:
        return _l("The visit cannot end before it starts.")
    return None


def _check_dates(start_date: date | None, end_date: date | None) -> None:
    if error := dates_error(start_date, end_date):
        raise VisitError("end_date", error)


def create_visit(session, *, acting: User, **values) -> Visit:
    _check_dates(values.get("start_date"), values.get("end_date"))
    visit = Visit(**values)
    session.add(visit)
    session.flush()
    return visit


def update_visit(session, visit: Visit, *, acting: User, **values) -> Visit:
    _check_dates(values.get("start_date", visit.start_date), values.get("end_date", visit.end_date))
    for name, value in values.items():
        setattr(visit, name, value)
    session.flush()
    return visit


def delete_visit(session, visit: Visit, *, acting: User) -> None:
    """Move the visit to the bin. Its stops stay as they are, so a restore brings them back."""
    visit.deleted_at = utc_now()
    session.flush()


def restore_visit(session, visit: Visit, *, acting: User) -> None:
    visit.deleted_at = None
    session.flush()


def _head_of_delegation_taken(visit: Visit, role: ParticipantRole | None, participant=None) -> None:
    if role != ParticipantRole.HEAD_OF_DELEGATION:
        return
    head = visit.head_of_delegation
    if head is not None and head is not participant:
        raise VisitError(
            "role",
            _l(
                "%(name)s is already the head of delegation; a visit has only one.",
                name=head.person.display_name,
            ),
        )


def _only_interpreters_interpret(values: dict, role: ParticipantRole | None) -> None:
    if role != ParticipantRole.INTERPRETER:
        values["interpreting_languages"] = []


def interpreting_languages_error(role: ParticipantRole | None, languages: list[str] | None):
    """An interpreter covers at least two languages; the form and the API both ask this."""
    if role == ParticipantRole.INTERPRETER and len(languages or []) < MIN_INTERPRETING_LANGUAGES:
        return _l("An interpreter needs at least two languages, e.g. kk, fa.")
    return None


def _check_interpreting(role: ParticipantRole | None, languages: list[str] | None) -> None:
    if error := interpreting_languages_error(role, languages):
        raise VisitError("interpreting_languages", error)


def add_participant(session, visit: Visit, *, acting: User, person, **values) -> Participant:
    """Add the person; without a `precedence` they come after everyone already there."""
    if any(other.person_id == person.id for other in visit.participants):
        raise VisitError("person", _l("This person already takes part in the visit."))
    _head_of_delegation_taken(visit, values.get("role"))
    _check_interpreting(values.get("role"), values.get("interpreting_languages"))
    _only_interpreters_interpret(values, values.get("role"))
    values.setdefault("precedence", visit.next_precedence)
    participant = Participant(person=person, **values)
    visit.participants.append(participant)
    session.flush()
    return participant


def update_participant(session, participant: Participant, *, acting: User, **values) -> Participant:
    role = values.get("role", participant.role)
    _head_of_delegation_taken(participant.visit, role, participant)
    if "role" in values or "interpreting_languages" in values:
        languages = values.get("interpreting_languages", participant.interpreting_languages)
        _check_interpreting(role, languages)
    _only_interpreters_interpret(values, role)
    for name, value in values.items():
        setattr(participant, name, value)
    session.flush()
    return participant


def remove_participant(session, participant: Participant, *, acting: User) -> None:
    """Take the person out of the visit and out of every stop they were to attend."""
    visit = participant.visit
    # The database would drop the attendance rows too (ON DELETE CASCADE), but the
    # stops already loaded in this session would still list the person.
    for stop in visit.stops:
        if participant in stop.attendees:
            stop.attendees.remove(participant)
    visit.participants.remove(participant)  # delete-orphan: the row goes at the flush
    session.flush()


def _same_wall_clock(instant: datetime, from_zone: str, day_shift: int, to_zone: str) -> datetime:
    """The instant showing the same local time `day_shift` days later in another zone."""
    local = to_local(instant, from_zone)
    day = local.date() + timedelta(days=day_shift)
    try:
        return local_to_utc(day, local.time(), to_zone)
    except NonexistentLocalTime:
        # Skipped by a clock change: take the wall time as the zone's rules read it.
        return datetime.combine(day, local.time(), tzinfo=zone(to_zone)).astimezone(UTC)


def _return_head(participants: list[Participant]) -> Participant | None:
    hosts = [p for p in participants if p.side == Side.HOST]
    return min(hosts, key=lambda p: (p.precedence, p.id), default=None)


def copy_as_return_visit(
    session,
    visit: Visit,
    *,
    acting: User,
    start_date: date,
    title: str,
    visiting_country: str,
    timezone: str,
) -> Visit:
    """A draft return visit: the hosts travel, the delegation receives them.

    - Dates: starts on `start_date`, as many days as the original.
    - Sides swap: delegation <-> host, and so do the organizations and the time zones
      (`timezone` is the new host's, normally the original delegation's home zone; the
      original host zone becomes the delegation's). Support staff are local to the
      original host and are not copied.
    - Roles stay, except the head of delegation: the original host with the best
      precedence leads the new delegation, and the original head becomes a host.
    - Active stops (live, not cancelled) keep their kind, title and public description, on the
      corresponding day at the same local wall-clock time in the new host zone. They get
      no venue (the venues are in the other country), no staff notes, the status
      "planned" and new calendar identities. Attendees follow their copied participants.
    """
    zone(timezone)  # refuse an unknown zone before anything is built
    copy = Visit(
        title=title,
        visiting_country=visiting_country,
        visiting_organization_id=visit.host_organization_id,
        host_organization_id=visit.visiting_organization_id,
        start_date=start_date,
        end_date=start_date + (visit.end_date - visit.start_date),
        timezone=timezone,
        delegation_timezone=visit.timezone,
        status=VisitStatus.DRAFT,
        purpose=visit.purpose,
        copied_from=visit,
    )
    new_head = _return_head(visit.participants)
    copied: dict[int, Participant] = {}
    for original in visit.participants:
        if original.side not in SWAPPED_SIDES:
            continue
        if original is new_head:
            role = ParticipantRole.HEAD_OF_DELEGATION
        elif original.role == ParticipantRole.HEAD_OF_DELEGATION:
            role = ParticipantRole.HOST
        else:
            role = original.role
        copied[original.id] = Participant(
            person=original.person,
            side=SWAPPED_SIDES[original.side],
            role=role,
            precedence=original.precedence,
            interpreting_languages=list(original.interpreting_languages or []),
        )
    copy.participants = list(copied.values())

    day_shift = (start_date - visit.start_date).days
    for stop in visit.active_stops:
        new_stop = Stop(
            kind=stop.kind,
            title=stop.title,
            starts_at=_same_wall_clock(stop.starts_at, stop.timezone, day_shift, timezone),
            ends_at=_same_wall_clock(stop.ends_at, stop.timezone, day_shift, timezone),
            public_description=stop.public_description,
            status=StopStatus.PLANNED,
            updated_by=acting,
        )
        if new_stop.ends_at <= new_stop.starts_at:  # a clock change squeezed it shut
            new_stop.ends_at = new_stop.starts_at + (stop.ends_at - stop.starts_at)
        new_stop.attendees = [copied[p.id] for p in stop.attendees if p.id in copied]
        copy.stops.append(new_stop)
    session.add(copy)
    session.flush()
    return copy


def visits_in_bin() -> sa.Select:
    """Binned visits, the most recently binned first."""
    return (
        sa.select(Visit)
        .where(Visit.deleted_at.is_not(None))
        .order_by(Visit.deleted_at.desc(), Visit.id)
    )


def people_not_in(session, visit: Visit) -> list[Person]:
    """Everyone who could still be added to the visit, by name."""
    query = (
        sa.select(Person)
        .where(Person.id.not_in([p.person_id for p in visit.participants]))
        .options(selectinload(Person.organization))
        .order_by(Person.full_name_latin)
    )
    return list(session.scalars(query))
