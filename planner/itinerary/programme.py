"""A visit's itinerary arranged day by day in the host's time zone."""

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
