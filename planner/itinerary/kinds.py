"""The kinds of stop: a base-level enum that the models and the plain-Python checker share."""

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l

from planner.types import Choice


class StopKind(Choice):
    ARRIVAL = "arrival", _l("Arrival")
    DEPARTURE = "departure", _l("Departure")
    COURTESY_CALL = "courtesy_call", _l("Courtesy call")
    OFFICIAL_MEETING = "official_meeting", _l("Official meeting")
    ROUND_TABLE = "round_table", _l("Round-table")
    FACTORY_TOUR = "factory_tour", _l("Factory tour")
    CULTURAL_VISIT = "cultural_visit", _l("Cultural site visit")
    SISTER_CITY_MEETING = "sister_city_meeting", _l("Sister-city meeting")
    SIGNING_CEREMONY = "signing_ceremony", _l("Signing ceremony")
    MEAL = "meal", _l("Meal")
    PRESS = "press", _l("Press")
    TRANSFER = "transfer", _l("Transfer")
    FREE_TIME = "free_time", _l("Free time")

    @property
    def usual_minutes(self) -> int:
        """How long a stop of this kind usually lasts: its end when the planner leaves it empty."""
        return USUAL_MINUTES[self]

    def usual_end(self, starts_at: datetime) -> datetime:
        """When a stop of this kind that starts then ends, if nobody says otherwise: the stop
        form's end left empty, the API's `ends_at` left out."""
        return starts_at + timedelta(minutes=self.usual_minutes)


USUAL_MINUTES = {
    StopKind.ARRIVAL: 45,
    StopKind.DEPARTURE: 45,
    StopKind.COURTESY_CALL: 30,
    StopKind.OFFICIAL_MEETING: 60,
    StopKind.ROUND_TABLE: 90,
    StopKind.FACTORY_TOUR: 90,
    StopKind.CULTURAL_VISIT: 90,
    StopKind.SISTER_CITY_MEETING: 60,
    StopKind.SIGNING_CEREMONY: 30,
    StopKind.MEAL: 90,
    StopKind.PRESS: 30,
    StopKind.TRANSFER: 30,
    StopKind.FREE_TIME: 60,
}
