"""What the checker finds: a Finding, its severity and its code.

Plain values, shared by the checker (checks.py), the pages and the API. A finding keeps its
message as a template and typed parameters; messages.py writes it in the reader's language.
"""

from dataclasses import dataclass
from enum import StrEnum

from planner.itinerary.messages import render_finding

ERROR = "error"
WARNING = "warning"


class Code(StrEnum):
    OUTSIDE_VISIT_DATES = "outside_visit_dates"
    PERSON_DOUBLE_BOOKED = "person_double_booked"
    VENUE_DOUBLE_BOOKED = "venue_double_booked"
    NOT_ENOUGH_TRAVEL_TIME = "not_enough_travel_time"
    VENUE_CLOSED = "venue_closed"
    NO_SHARED_LANGUAGE = "no_shared_language"
    NO_ATTENDEES = "no_attendees"
    HEAD_OF_DELEGATION_ABSENT = "head_of_delegation_absent"


@dataclass(frozen=True)
class Finding:
    severity: str
    code: str
    text: str  # a translatable message with %(name)s placeholders
    params: dict
    stop_ids: tuple[int, ...]
    # Who and where the finding is about, for programs that act on it (the API).
    person_ids: tuple[int, ...] = ()
    venue_ids: tuple[int, ...] = ()

    @property
    def message(self) -> str:
        """The message in English, for JSON and logs; pages translate `text` themselves."""
        return render_finding(self, "en")

    def as_dict(self) -> dict:
        return {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "stop_ids": list(self.stop_ids),
            "person_ids": list(self.person_ids),
            "venue_ids": list(self.venue_ids),
        }
