"""One timeline of a partnership: its visits, outcomes, follow-ups and stage changes, dated.

A plain function over model objects (or anything with the same attributes): the page
passes what the queries found, tests pass hand-made items.
"""

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol

from planner.timefmt import to_local


class EntryKind(enum.StrEnum):
    # The value is also the order within one day, oldest first: a visit takes place,
    # produces outcomes, which bring follow-ups; a stage change is dated to the minute.
    VISIT = "visit"
    OUTCOME = "outcome"
    FOLLOW_UP = "follow_up"
    STAGE_CHANGE = "stage_change"


SAME_DAY_ORDER = {kind: rank for rank, kind in enumerate(EntryKind)}
START_OF_TIME = datetime.min.replace(tzinfo=UTC)


class Item(Protocol):
    """What an entry needs of what it files: an id, to keep the order stable."""

    @property
    def id(self) -> int | None: ...


@dataclass(frozen=True)
class TimelineEntry:
    kind: EntryKind
    day: date  # the day it is filed under (see build_timeline)
    item: Item  # the Visit, Outcome, FollowUp or StageChange
    at: datetime | None = None  # the instant, for a stage change
    overdue: bool = False  # for a follow-up: open and due before the office's today

    @property
    def sort_key(self) -> tuple:
        return (self.day, SAME_DAY_ORDER[self.kind], self.at or START_OF_TIME, self.item.id or 0)


def build_timeline(
    *,
    visits=(),
    outcomes=(),
    follow_ups=(),
    stage_changes=(),
    office_zone: str,
    today: date,
) -> list[TimelineEntry]:
    """Every item as a dated entry, newest first.

    A visit is filed under its first day, an outcome under the day it arose, a
    follow-up under its due date (so that what is still to be done heads the list),
    and a stage change under the day it was made in the office's zone. A follow-up
    is overdue when it is open and was due before `today` (the office's today).
    """
    entries = [TimelineEntry(EntryKind.VISIT, visit.start_date, visit) for visit in visits]
    entries += [TimelineEntry(EntryKind.OUTCOME, outcome.day, outcome) for outcome in outcomes]
    entries += [
        TimelineEntry(
            EntryKind.FOLLOW_UP, follow_up.due_date, follow_up, overdue=follow_up.is_overdue(today)
        )
        for follow_up in follow_ups
    ]
    entries += [
        TimelineEntry(
            EntryKind.STAGE_CHANGE,
            to_local(change.changed_at, office_zone).date(),
            change,
            at=change.changed_at,
        )
        for change in stage_changes
    ]
    return sorted(entries, key=lambda entry: entry.sort_key, reverse=True)
