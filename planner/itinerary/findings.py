"""What the checker finds: a Finding, its severity and its code.

Plain values, shared by the checker (checks.py), the pages and the API. A finding keeps its
message as a template and typed parameters; messages.py writes it in the reader's language.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cached_property

from planner.itinerary.messages import (
    Country,
    Day,
    Holiday,
    Name,
    Names,
    Weekday,
    render_finding,
)

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
    PUBLIC_HOLIDAY = "public_holiday"
    HEAD_OF_DELEGATION_DECLINED = "head_of_delegation_declined"
    ONLY_INTERPRETER_DECLINED = "only_interpreter_declined"


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

    @cached_property
    def message(self) -> str:
        """The message in English, for JSON and logs; pages translate `text` themselves.
        Written once per finding, and kept with it (finding_to_json)."""
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


# --- Kept as JSON (itinerary/models.py VisitFindings) ------------------------------------
# A parameter is a string or a number as it is, or one of the typed values messages.py
# writes out, as an object with one telling key.


def finding_to_json(finding: Finding) -> dict:
    return {
        "severity": finding.severity,
        "code": str(finding.code),
        "text": finding.text,
        "params": {name: _param_to_json(value) for name, value in finding.params.items()},
        "stop_ids": list(finding.stop_ids),
        "person_ids": list(finding.person_ids),
        "venue_ids": list(finding.venue_ids),
        "message": finding.message,
    }


def finding_from_json(data: dict) -> Finding:
    finding = Finding(
        data["severity"],
        Code(data["code"]),
        data["text"],
        {name: _param_from_json(value) for name, value in data["params"].items()},
        tuple(data["stop_ids"]),
        person_ids=tuple(data["person_ids"]),
        venue_ids=tuple(data["venue_ids"]),
    )
    vars(finding)["message"] = data["message"]  # what the cached property would write again
    return finding


def _param_to_json(value):
    if isinstance(value, Day):
        return {"day": value.value.isoformat()}
    if isinstance(value, Weekday):
        return {"weekday": value.value}
    if isinstance(value, Name):
        return _name_to_json(value)
    if isinstance(value, Names):
        return {
            "names": [_name_to_json(item) for item in value.items],
            "languages": value.languages,
        }
    if isinstance(value, Country):
        return {"country": value.code}
    if isinstance(value, Holiday):
        return {
            "holiday": value.country,
            "on": value.day.isoformat(),
            "names": list(value.names),
        }
    if isinstance(value, str | int | float):
        return value
    raise TypeError(f"a finding's parameter cannot be kept: {value!r}")


def _name_to_json(name: str | Name):
    """A person's or venue's name as {"name": ..., "fa": ...}; another string as it is."""
    if isinstance(name, Name):
        return {"name": name.latin, "fa": name.persian}
    return name


def _name_from_json(value) -> str | Name:
    return Name(value["name"], value.get("fa")) if isinstance(value, dict) else value


def _param_from_json(value):
    if not isinstance(value, dict):
        return value
    if "name" in value:
        return _name_from_json(value)
    if "holiday" in value:
        return Holiday(value["holiday"], date.fromisoformat(value["on"]), tuple(value["names"]))
    if "country" in value:
        return Country(value["country"])
    if "day" in value:
        return Day(date.fromisoformat(value["day"]))
    if "weekday" in value:
        return Weekday(value["weekday"])
    return Names(tuple(map(_name_from_json, value["names"])), languages=value["languages"])
