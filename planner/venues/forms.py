"""Forms for venues: the venue with its weekly opening hours, a closed date, a drive time."""

from datetime import time

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    FloatField,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from planner import rules
from planner.forms import (
    PICKER,
    NewEntryForm,
    PageForm,
    ReaderDateField,
    blank_to_none,
    form_rule,
    searchable_choice,
    select_choices,
    strip_whitespace,
)
from planner.i18n import current_language
from planner.names import sort_key
from planner.organizations.forms import DirectoryForm, organization_field
from planner.venues.models import (
    LONGEST_DRIVE_MINUTES,
    Interval,
    Venue,
    VenueKind,
    always_open_error,
    coordinates_error,
    opening_times_error,
    overlap_error,
)

# The Iranian week starts on Saturday; weekdays are numbered from Monday = 0.
WEEK_FROM_SATURDAY = (5, 6, 0, 1, 2, 3, 4)
TIME_FORMATS = ["%H:%M", "%H:%M:%S"]


def time_field(label) -> TimeField:
    return TimeField(label, format=TIME_FORMATS, validators=[Optional()])


def coordinate_field(label, limit: int, description) -> FloatField:
    return FloatField(
        label,
        validators=[
            Optional(),
            NumberRange(
                min=-limit, max=limit, message=_l("Enter a number from %(min)s to %(max)s.")
            ),
        ],
        description=description,
        render_kw={"inputmode": "decimal", "dir": "ltr"},
    )


class DayHoursForm(Form):
    """One weekday: closed, or open in one or two intervals (a midday break)."""

    closed = BooleanField(_l("Closed"))
    opens_1 = time_field(_l("Opens"))
    closes_1 = time_field(_l("Closes"))
    opens_2 = time_field(_l("Opens again"))
    closes_2 = time_field(_l("Closes again"))

    def intervals(self) -> list[Interval]:
        pairs = [
            (self.opens_1.data, self.closes_1.data),
            (self.opens_2.data, self.closes_2.data),
        ]
        return sorted((opens, closes) for opens, closes in pairs if opens and closes)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for opens, closes in ((self.opens_1, self.closes_1), (self.opens_2, self.closes_2)):
            if opens.errors or closes.errors:
                continue
            if error := opening_times_error(opens.data, closes.data):
                # On the missing time, or on the closing time that comes too early.
                (opens if opens.data is None else closes).errors.append(error)
        intervals = self.intervals()
        if error := overlap_error(intervals):
            self.opens_2.errors.append(error)
        if self.closed.data and intervals:
            self.closed.errors.append(_l("A closed day has no opening times: clear them."))
        return valid and not self.errors


def day_hours_data(intervals: list[Interval], *, closed: bool) -> dict:
    """The form data for one weekday from its stored intervals."""
    data: dict[str, bool | time] = {"closed": closed}
    for number, (opens, closes) in enumerate(intervals[:2], start=1):
        data[f"opens_{number}"] = opens
        data[f"closes_{number}"] = closes
    return data


class VenueForm(DirectoryForm):
    name = StringField(
        _l("Name"), filters=[strip_whitespace], validators=[DataRequired(), Length(max=200)]
    )
    name_native = StringField(
        _l("Name in the local language"),
        filters=[strip_whitespace, blank_to_none],
        validators=[Optional(), Length(max=200)],
        render_kw={"dir": "auto"},
    )
    kind = SelectField(_l("Kind"), choices=select_choices(VenueKind.choices()), coerce=VenueKind)
    organization_id = organization_field(_l("Run by"))
    address = TextAreaField(
        _l("Address"),
        filters=[strip_whitespace, blank_to_none],
        render_kw={"rows": 2, "dir": "auto"},
    )
    city = StringField(
        _l("City"),
        filters=[strip_whitespace, blank_to_none],
        validators=[Optional(), Length(max=120)],
    )
    latitude = coordinate_field(_l("Latitude"), 90, _l("e.g. 33.4876 (north is positive)"))
    longitude = coordinate_field(_l("Longitude"), 180, _l("e.g. 48.3551 (east is positive)"))
    timezone = StringField(
        _l("Time zone"),
        filters=[strip_whitespace],
        validators=[DataRequired(), Length(max=64)],
        description=_l("The IANA name, e.g. Asia/Tehran: opening hours are in this zone."),
        render_kw={"dir": "ltr", "list": "time-zones", "autocomplete": "off"},
    )
    capacity = IntegerField(
        _l("Capacity"),
        validators=[Optional(), NumberRange(min=1, message=_l("Enter a number above zero."))],
        description=_l("How many people it seats or receives."),
        render_kw={"min": 1},
    )
    access_notes = TextAreaField(
        _l("Access notes"),
        filters=[strip_whitespace, blank_to_none],
        description=_l("Parking, ramps and lifts, what guests must wear, photography rules."),
        render_kw={"rows": 3, "dir": "auto"},
    )
    always_open = BooleanField(
        _l("Open at all hours (no opening hours)"),
        description=_l("For hotels and airports: the checker never warns that it is closed."),
    )
    hours = FieldList(FormField(DayHoursForm), min_entries=7, max_entries=7)

    FIELDS = (
        "name",
        "name_native",
        "kind",
        "organization_id",
        "address",
        "city",
        "latitude",
        "longitude",
        "timezone",
        "capacity",
        "access_notes",
    )

    validate_timezone = staticmethod(form_rule(rules.zone_error))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if error := coordinates_error(self.latitude.data, self.longitude.data):
            missing = self.latitude if self.latitude.data is None else self.longitude
            if not missing.errors:
                missing.errors.append(error)
        has_hours = any(day.form.intervals() for day in self.hours)
        error = always_open_error(self.always_open.data, has_hours)
        # "Closed every day?" waits until the hours entered are themselves right.
        if error and (has_hours or not self.hours.errors):
            self.always_open.errors.append(error)
        return valid and not self.errors

    def weekly_hours(self) -> dict[int, list[Interval]] | None:
        """{weekday: intervals} as entered; None when the venue is open at all hours."""
        if self.always_open.data:
            return None
        return {
            weekday: day.form.intervals()
            for weekday, day in zip(WEEK_FROM_SATURDAY, self.hours, strict=True)
        }


class ClosureForm(PageForm):
    day = ReaderDateField(_l("Date"), validators=[DataRequired()])
    reason = StringField(
        _l("Reason"),
        filters=[strip_whitespace, blank_to_none],
        validators=[Optional(), Length(max=200)],
        render_kw={"dir": "auto", "placeholder": _l("e.g. Nowruz holiday")},
    )

    def __init__(self, *args, venue: Venue, **kwargs):
        super().__init__(*args, **kwargs)
        self.venue = venue

    def validate_day(self, field) -> None:
        if error := self.venue.closure_error(field.data):
            raise ValidationError(error)


class TravelTimeForm(PageForm):
    other_venue_id = SelectField(_l("To"), coerce=int, choices=[], render_kw=PICKER)
    minutes = IntegerField(
        _l("Minutes by car"),
        validators=[
            DataRequired(),
            NumberRange(
                min=1,
                max=LONGEST_DRIVE_MINUTES,
                message=_l("Enter the minutes, from %(min)s to %(max)s."),
            ),
        ],
        render_kw={"min": 1, "max": LONGEST_DRIVE_MINUTES},
    )
    note = StringField(
        _l("Note"),
        filters=[strip_whitespace, blank_to_none],
        validators=[Optional(), Length(max=200)],
        render_kw={"dir": "auto", "placeholder": _l("e.g. with a police escort")},
    )

    def __init__(self, *args, other_venues=(), **kwargs):
        super().__init__(*args, **kwargs)
        language = current_language()
        self.other_venue_id.choices = [
            searchable_choice(str(venue.id), venue.name_in(language), venue.name, venue.name_native)
            for venue in sorted(other_venues, key=lambda venue: sort_key(venue.name_in(language)))
        ]


class NewVenueForm(NewEntryForm):
    """The stop form's "New venue" block: where it is and, when known, the hours it keeps
    every day; closed dates, a midday break and drive times are added on its own page."""

    name = StringField(
        _l("Name"),
        filters=[strip_whitespace, blank_to_none],
        validators=[Optional(), Length(max=200)],
    )
    name_native = StringField(
        _l("Name in the local language"),
        filters=[strip_whitespace, blank_to_none],
        validators=[Optional(), Length(max=200)],
        render_kw={"dir": "auto"},
    )
    kind = SelectField(
        _l("Kind"),
        choices=select_choices(VenueKind.choices()),
        coerce=VenueKind,
        default=VenueKind.OFFICE,
    )
    organization_id = organization_field(_l("Run by"))
    city = StringField(
        _l("City"),
        filters=[strip_whitespace, blank_to_none],
        validators=[Optional(), Length(max=120)],
    )
    latitude = coordinate_field(_l("Latitude"), 90, _l("e.g. 33.4876 (north is positive)"))
    longitude = coordinate_field(_l("Longitude"), 180, _l("e.g. 48.3551 (east is positive)"))
    timezone = StringField(
        _l("Time zone"),
        filters=[strip_whitespace, blank_to_none],
        validators=[Optional(), Length(max=64), form_rule(rules.zone_error)],
        description=_l("Empty: the visit's zone."),
        render_kw={"dir": "ltr", "list": "time-zones", "autocomplete": "off"},
    )
    opens = time_field(_l("Opens every day at"))
    closes = time_field(_l("Closes every day at"))

    FIELDS = ("name", "name_native", "kind", "organization_id", "city", "latitude", "longitude")

    @property
    def wanted(self) -> bool:
        return bool(self.name.data or self.name_native.data)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.wanted:
            return valid
        if not self.name.data:
            self.name.errors.append(_l("Give the venue's name in Latin letters too."))
        if error := coordinates_error(self.latitude.data, self.longitude.data):
            missing = self.latitude if self.latitude.data is None else self.longitude
            if not missing.errors:
                missing.errors.append(error)
        if not (self.opens.errors or self.closes.errors) and (
            error := opening_times_error(self.opens.data, self.closes.data)
        ):
            (self.opens if self.opens.data is None else self.closes).errors.append(error)
        return valid and not self.errors

    def values(self, *, visit_timezone: str) -> dict:
        return {
            **{name: self[name].data for name in self.FIELDS},
            "timezone": self.timezone.data or visit_timezone,
        }

    def weekly_hours(self) -> dict[int, list[Interval]] | None:
        """The same hours every day; None (open at all hours) when none were given."""
        if self.opens.data is None or self.closes.data is None:
            return None
        return {weekday: [(self.opens.data, self.closes.data)] for weekday in range(7)}
