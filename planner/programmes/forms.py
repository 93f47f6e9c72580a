"""A stop moved or stretched on the timeline: what the page sends, checked as the stop form
checks it (its rules come from the Stop model)."""

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import ImmutableMultiDict
from wtforms import DateField, IntegerField, StringField, TimeField
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from planner.forms import PageForm
from planner.i18n import current_language
from planner.itinerary.models import Stop
from planner.rules import MAX_ID
from planner.timefmt import NonexistentLocalTime, format_short_date, local_to_utc, to_local
from planner.visits.models import Visit

# The shortest and longest stop the timeline makes: a stop ends on its day or the next.
SHORTEST_MINUTES, LONGEST_MINUTES = 5, 24 * 60


def json_formdata(payload: dict) -> ImmutableMultiDict:
    """A JSON object as form data: every value as the text a form would send, so that 2.5
    or true is refused as a number of minutes instead of being rounded into one."""
    return ImmutableMultiDict(
        {
            str(name): "" if value is None else str(value)
            for name, value in payload.items()
            if not isinstance(value, dict | list)
        }
    )


class TimelineMoveForm(PageForm):
    """The stop's new local day, start and length, and the version the page showed."""

    version = IntegerField(
        _l("Version"),
        validators=[
            InputRequired(message=_l("Send the version of the stop the page showed.")),
            NumberRange(min=1, max=MAX_ID, message=_l("This is not a version of a stop.")),
        ],
    )
    day = DateField(
        _l("Day"),
        format="%Y-%m-%d",
        validators=[InputRequired(message=_l("Send the day as YYYY-MM-DD."))],
    )
    starts = TimeField(
        _l("Starts"), validators=[InputRequired(message=_l("Send the start as HH:MM."))]
    )
    minutes = IntegerField(
        _l("Length in minutes"),
        validators=[
            InputRequired(message=_l("Send the length in whole minutes.")),
            NumberRange(
                min=SHORTEST_MINUTES,
                max=LONGEST_MINUTES,
                message=_l("A stop lasts from 5 minutes to 24 hours."),
            ),
        ],
    )
    # The times the page showed (ISO 8601), to tell the planner what changed meanwhile.
    seen_starts_at = StringField(validators=[Optional()])

    def __init__(self, *args, visit: Visit, **kwargs):
        super().__init__(*args, **kwargs)
        self.visit = visit
        self.starts_at: datetime | None = None
        self.ends_at: datetime | None = None

    def validate_day(self, field) -> None:
        visit = self.visit
        if field.data and not visit.start_date <= field.data <= visit.end_date:
            raise ValidationError(
                _l(
                    "The visit runs from %(first)s to %(last)s: move the stop within its days.",
                    first=format_short_date(visit.start_date, current_language()),
                    last=format_short_date(visit.end_date, current_language()),
                )
            )

    def validate_seen_starts_at(self, field) -> None:
        if self.seen_starts is None:
            raise ValidationError(_l("Send the start the page showed as ISO 8601 with an offset."))

    @property
    def seen_starts(self) -> datetime | None:
        try:
            seen = datetime.fromisoformat(self.seen_starts_at.data or "")
        except ValueError:
            return None
        return seen if seen.tzinfo is not None else None

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        zone = self.visit.timezone
        try:
            self.starts_at = local_to_utc(self.day.data, self.starts.data, zone)
        except NonexistentLocalTime:
            self.starts.errors.append(_l("This time does not exist in %(zone)s.", zone=zone))
            return False
        self.ends_at = self.starts_at + timedelta(minutes=self.minutes.data)
        if error := Stop.end_day_error(self.day.data, to_local(self.ends_at, zone).date()):
            self.minutes.errors.append(error)
            return False
        return True
