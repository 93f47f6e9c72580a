"""A visit's itinerary arranged day by day in the host's time zone, and one participant's part."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from planner.timefmt import days_between, to_local


@dataclass
class ProgrammeDay:
    day: date
    stops: list = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.stops


def programmes_by_participant(stops) -> dict[int, list]:
    """Participant id -> the stops they attend that are not in the bin, in start order.

    Each participant's programme: cancelled stops stay (a programme shows them struck
    through); whoever needs only what takes place keeps the `is_active` ones.
    """
    by_participant = defaultdict(list)
    for stop in sorted((s for s in stops if s.is_live), key=lambda s: (s.starts_at, s.id)):
        for attendee in stop.attendees:
            by_participant[attendee.id].append(stop)
    return dict(by_participant)


def programme_of(stops, participant) -> list:
    """One participant's programme (see `programmes_by_participant`)."""
    return programmes_by_participant(stops).get(participant.id, [])


def programme_by_day(stops, first_day: date, last_day: date, zone_name: str) -> list[ProgrammeDay]:
    """Every day of the visit, each with its stops in start order.

    A stop on a day outside the visit's dates still gets its own day, so that
    nothing planned disappears from the page.
    """
    days = {day: ProgrammeDay(day) for day in days_between(first_day, last_day)}
    for stop in sorted(stops, key=lambda s: (s.starts_at, s.ends_at)):
        day = to_local(stop.starts_at, zone_name).date()
        days.setdefault(day, ProgrammeDay(day)).stops.append(stop)
    return [days[day] for day in sorted(days)]
