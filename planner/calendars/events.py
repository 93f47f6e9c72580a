"""Which stops go into whose calendar, as plain CalendarEvent records.

A calendar holds what takes place: a stop someone left, a cancelled stop and a stop in
the bin are left out. A subscribed calendar is replaced whole at each refresh, so the
event it no longer finds is gone from it; an event kept as CANCELLED is what Outlook
shows as an ordinary event and Apple and Fastmail keep struck through for good. (E-mail
is different: there a CANCEL is the only way to take an invitation back; mail/plans.py.)
A staff member's calendar also holds their own follow-ups as to-dos, done or dropped
ones for a while.

A participant's events carry their reminder: the minutes their visit gives their role's
group (Visit.reminder_minutes), none when the visit gives none. The staff calendars carry
none: a reminder for each of hundreds of stops is noise to the office.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, lazyload, load_only, selectinload

from planner.calendars.ics import CalendarEvent, CalendarTodo, Person
from planner.itinerary.models import Stop, stop_attendees
from planner.itinerary.programme import programme_of
from planner.outcomes.models import FollowUp, FollowUpStatus
from planner.rules import single_line
from planner.visits.models import Participant, Visit

# How long a follow-up done or dropped stays in its owner's feed.
DONE_KEPT_FOR = timedelta(days=60)
# How many stops a staff feed's build holds as objects at a time.
STAFF_BATCH = 500
# The LABEL of a stop's CONFERENCE: what a client's button says.
JOIN_ONLINE = _l("Join online")


@dataclass(frozen=True)
class EventOptions:
    now: datetime
    stop_url: Callable[[Stop], str] | None = None
    follow_up_url: Callable[[FollowUp], str] | None = None
    with_attendees: bool = False  # iTIP invitations list the recipient


def stop_location(stop: Stop) -> str:
    if stop.venue is None:
        return ""
    parts = [single_line(stop.venue.name), stop.venue.address, single_line(stop.venue.city)]
    return ", ".join(dict.fromkeys(part for part in parts if part))


def stop_event(
    stop: Stop,
    options: EventOptions,
    *,
    cancelled: bool = False,
    sequence=None,
    attendees: tuple[Person, ...] = (),
    alarm_minutes: int | None = None,
) -> CalendarEvent:
    """One stop as a calendar event, with public text only: staff notes never leave Pishvaz."""
    venue = stop.venue
    return CalendarEvent(
        uid=stop.calendar_uid,
        sequence=stop.sequence if sequence is None else sequence,
        starts_at=stop.starts_at,
        ends_at=stop.ends_at,
        zone=stop.timezone,
        title=single_line(stop.title),
        status="cancelled" if cancelled or stop.is_cancelled else stop.status.value,
        last_modified=stop.updated_at,
        description=stop.public_description or "",
        location=stop_location(stop),
        geo=venue.coordinates if venue is not None else None,
        url=options.stop_url(stop) if options.stop_url else None,
        categories=(str(stop.kind.label),),
        attendees=attendees,
        alarm_minutes=alarm_minutes,
        conference_url=stop.online_url,
        conference_label=str(JOIN_ONLINE) if stop.online_url else "",
    )


def _stops_query():
    # What a stop's event prints: its venue and (for the zone) its visit. Not its attendees:
    # only an invitation lists one, its recipient, whom the caller already has. Joined, not
    # selected in: a select-in load splits into batches of 500, so its queries grow with data.
    return sa.select(Stop).options(joinedload(Stop.venue), joinedload(Stop.visit))


def visit_events(session, visit: Visit, options: EventOptions) -> list[CalendarEvent]:
    """Every stop of a visit that takes place, for staff."""
    stops = session.scalars(
        _stops_query()
        .where(Stop.visit_id == visit.id, Stop.is_active)
        .order_by(Stop.starts_at, Stop.id)
    ).all()
    return [stop_event(stop, options) for stop in stops]


def participant_events(
    session, participant: Participant, options: EventOptions
) -> list[CalendarEvent]:
    """The participant's programme as it takes place: what their programme page shows
    (itinerary/programme.py) but its cancelled stops."""
    attended = sa.select(stop_attendees.c.stop_id).where(
        stop_attendees.c.participant_id == participant.id
    )
    stops = session.scalars(
        sa.select(Stop)
        .where(Stop.id.in_(attended), Stop.is_active)
        .options(
            selectinload(Stop.venue),
            # programme_of reads who attends; their ids are enough, not their people.
            selectinload(Stop.attendees).options(
                load_only(Participant.id), lazyload(Participant.person)
            ),
        )
    ).all()
    person = participant.person
    recipient = (Person(person.display_name, person.email),) if options.with_attendees else ()
    alarm = participant.visit.reminder_minutes(participant)
    return [
        stop_event(stop, options, attendees=recipient, alarm_minutes=alarm)
        for stop in programme_of(stops, participant)
    ]


def staff_events(
    session, options: EventOptions, *, since: datetime, until: datetime
) -> Iterator[CalendarEvent]:
    """Every stop that takes place, of every visit not in the bin, that starts within
    [since, until), for a staff member's own calendar: years of visits would make a feed
    no client reads whole.

    In order of start, read a batch at a time (yield_per): a window of thousands of stops
    then never holds them all as objects, and build_calendar turns each into bytes as it
    comes. Read it once, before the session's next query."""
    stops = session.scalars(
        _stops_query()
        .join(Stop.visit)
        .where(
            Visit.deleted_at.is_(None),
            Stop.is_active,
            Stop.starts_at >= since,
            Stop.starts_at < until,
        )
        .order_by(Stop.starts_at, Stop.id)
        .execution_options(yield_per=STAFF_BATCH)
    )
    for stop in stops:
        yield stop_event(stop, options)


def follow_up_todo(follow_up: FollowUp, options: EventOptions) -> CalendarTodo:
    """A follow-up as a to-do: the outcome's summary says what it is about; notes stay here."""
    return CalendarTodo(
        uid=follow_up.calendar_uid,
        sequence=follow_up.sequence,
        due=follow_up.due_date,
        title=single_line(follow_up.title),
        status=follow_up.status.value,
        last_modified=follow_up.updated_at,
        description=follow_up.outcome.summary if follow_up.outcome is not None else "",
        url=options.follow_up_url(follow_up) if options.follow_up_url else None,
        completed_at=follow_up.completed_at,
    )


def staff_todos(session, owner_id: int, options: EventOptions) -> list[CalendarTodo]:
    """The owner's open follow-ups, and those done or dropped recently."""
    follow_ups = session.scalars(
        sa.select(FollowUp)
        .where(
            FollowUp.owner_id == owner_id,
            sa.or_(
                FollowUp.status == FollowUpStatus.OPEN,
                FollowUp.updated_at >= options.now - DONE_KEPT_FOR,
            ),
        )
        .options(joinedload(FollowUp.outcome))
        .order_by(FollowUp.due_date, FollowUp.id)
    )
    return [follow_up_todo(follow_up, options) for follow_up in follow_ups]
