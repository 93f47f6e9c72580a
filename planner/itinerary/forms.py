"""The stop form: local date and times in the visit's zone, venue, attendees, texts, status."""

import json
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import (
    FormField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from planner import rules
from planner.forms import (
    PICKER,
    CheckboxList,
    PageForm,
    ReaderDateField,
    blank_to_none,
    form_rule,
    optional_int,
    searchable_choice,
    select_choices,
    strip_whitespace,
)
from planner.i18n import current_language
from planner.itinerary.models import Stop, StopKind, StopStatus
from planner.itinerary.operations import shift_error, snapshot, stop_values
from planner.names import sort_key
from planner.organizations.forms import (
    NewOrganizationForm,
    new_organization_error,
    organization_choices,
)
from planner.timefmt import NonexistentLocalTime, days_between, local_to_utc, to_local
from planner.venues.forms import NewVenueForm
from planner.venues.models import Venue
from planner.visits.models import Participant, Visit

# A visit this long or shorter offers its days to choose from; a longer one takes a date.
MOST_DAYS_TO_CHOOSE_FROM = 40


class StopForm(PageForm):
    kind = SelectField(_l("Kind"), choices=select_choices(StopKind.choices()))
    title = StringField(
        _l("Title"), filters=[strip_whitespace], validators=[DataRequired(), Length(max=200)]
    )
    # InputRequired, not DataRequired: a mistyped time must say "not a valid time".
    day = ReaderDateField(_l("Day"), validators=[InputRequired()])
    starts = TimeField(_l("Starts"), validators=[InputRequired()])
    ends = TimeField(
        _l("Ends"),
        validators=[Optional()],
        description=_l("Empty: the kind's usual length, e.g. a meal 90 minutes."),
    )
    end_day = ReaderDateField(
        _l("Ends on"),
        validators=[Optional()],
        description=_l("Only for a stop that runs past midnight; empty means the same day."),
    )
    venue_id = SelectField(_l("Venue"), coerce=int, validators=[Optional()], render_kw=PICKER)
    attendee_ids = CheckboxList(_l("Attendees"), coerce=int)
    public_description = TextAreaField(
        _l("Description for participants"),
        description=_l("Shown in every participant's programme and calendar."),
    )
    online_url = StringField(
        _l("Online link"),
        filters=[strip_whitespace, blank_to_none],
        validators=[Optional(), form_rule(rules.online_link_error)],
        description=_l("A video call to join (https): calendars show it as a Join button."),
        render_kw={"dir": "ltr", "inputmode": "url", "placeholder": "https://"},
    )
    staff_notes = TextAreaField(
        _l("Staff-only notes"), description=_l("Never leaves the staff pages.")
    )
    status = SelectField(_l("Status"), choices=select_choices(StopStatus.choices()))
    # A venue not yet known, and who runs it, added in the same POST (issue 14).
    new_venue = FormField(NewVenueForm)
    new_organization = FormField(NewOrganizationForm)
    # The "Use this one" buttons of the likely-duplicate warning: an existing entry's id.
    use_venue = HiddenField()
    use_organization = HiddenField()
    # Optimistic locking: the version the planner started from, and what it looked like.
    version = HiddenField()
    seen = HiddenField()

    def __init__(self, *args, visit: Visit, venues: list[Venue], organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.visit = visit
        self.venues_by_id = {venue.id: venue for venue in venues}
        language = current_language()
        self.venue_id.choices = [
            SelectChoice(0, _l("— No venue —")),
            *(
                searchable_choice(
                    venue.id, venue_label(venue, language), venue.name, venue.name_native
                )
                for venue in sorted(venues, key=lambda venue: sort_key(venue.name_in(language)))
            ),
        ]
        self.new_venue.organization_id.choices = organization_choices(list(organizations))
        if (chosen := optional_int(self.use_venue.data)) in self.venues_by_id:
            self.venue_id.data = chosen
            self.new_venue.form.clear()
            self.new_organization.form.clear()
        if chosen := optional_int(self.use_organization.data):
            self.new_venue.organization_id.data = chosen
            self.new_organization.form.clear()
        # The kinds' usual lengths, for the script that fills the end as the start is typed.
        self.kind.render_kw = {
            "data-usual-minutes": json.dumps({kind.value: kind.usual_minutes for kind in StopKind})
        }
        self.participants_by_id = {p.id: p for p in visit.participants}
        self.attendee_ids.choices = [
            searchable_choice(
                p.id,
                attendee_label(p, language),
                p.person.display_name,
                p.person.full_name_native,
            )
            for p in visit.participants
        ]
        if visit.start_date and visit.end_date:
            days = days_between(visit.start_date, visit.end_date)
            if len(days) <= MOST_DAYS_TO_CHOOSE_FROM:
                self.day.days = days
        self.starts_at: datetime | None = None
        self.ends_at: datetime | None = None

    @classmethod
    def for_stop(cls, stop: Stop, venues: list[Venue], **kwargs) -> "StopForm":
        """A form filled from a saved stop, in the visit's local time."""
        zone = stop.visit.timezone
        local_start, local_end = to_local(stop.starts_at, zone), to_local(stop.ends_at, zone)
        form = cls(
            formdata=None,  # the stop's values, even while answering a POST
            visit=stop.visit,
            venues=venues,
            data={
                "kind": stop.kind.value,
                "title": stop.title,
                "day": local_start.date(),
                "starts": local_start.time(),
                "ends": local_end.time(),
                "end_day": local_end.date() if local_end.date() != local_start.date() else None,
                "venue_id": stop.venue_id or 0,
                "attendee_ids": [p.id for p in stop.attendees],
                "public_description": stop.public_description or "",
                "online_url": stop.online_url or "",
                "staff_notes": stop.staff_notes or "",
                "status": stop.status.value,
                "version": str(stop.version),
                "seen": "",
            },
            **kwargs,
        )
        form.remember(stop)
        return form

    def remember(self, stop: Stop) -> None:
        """Record the version this form is based on, for the conflict check on save."""
        self.version.data = str(stop.version)
        self.seen.data = json.dumps(snapshot(stop))

    def validate_end_day(self, field) -> None:
        if error := Stop.end_day_error(self.day.data, field.data):
            raise ValidationError(error)

    @property
    def adds_venue(self) -> bool:
        return self.new_venue.form.wanted

    def validate_venue_id(self, field) -> None:
        if field.data and self.adds_venue:
            raise ValidationError(_l("Choose a venue or add a new one, not both."))
        if error := Stop.venue_error(field.data, self.venues_by_id.get(field.data)):
            raise ValidationError(error)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.new_organization.form.wanted:
            if error := new_organization_error(self.adds_venue, self.new_venue.organization_id):
                self.new_organization.form.name.errors.append(error)
                valid = False
        if not (self.day.data and self.starts.data) or self.ends.errors:
            return False
        end_day: date = self.end_day.data or self.day.data
        zone = self.visit.timezone
        try:
            self.starts_at = local_to_utc(self.day.data, self.starts.data, zone)
        except NonexistentLocalTime:
            self.starts.errors.append(_l("This time does not exist in %(zone)s.", zone=zone))
            return False
        if self.ends.data is None:
            # Left empty: the kind's usual length, the same on the page as in the API.
            try:
                kind = StopKind(self.kind.data)
            except ValueError:
                return False  # the kind's own error says why
            self.ends_at = kind.usual_end(self.starts_at)
            return valid
        try:
            self.ends_at = local_to_utc(end_day, self.ends.data, zone)
        except NonexistentLocalTime:
            self.ends.errors.append(_l("This time does not exist in %(zone)s.", zone=zone))
            return False
        if error := Stop.times_error(self.starts_at, self.ends_at):
            self.ends.errors.append(error)
            return False
        return valid

    @property
    def base_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None

    @property
    def seen_values(self) -> dict | None:
        try:
            seen = json.loads(self.seen.data or "")
        except ValueError:
            return None
        return seen if isinstance(seen, dict) else None

    def values(self) -> dict:
        """What the planner entered, as keyword arguments for the stop operations."""
        return {
            "kind": StopKind(self.kind.data),
            "title": self.title.data,
            "starts_at": self.starts_at,
            "ends_at": self.ends_at,
            "venue": self.venues_by_id.get(self.venue_id.data),
            "attendees": [self.participants_by_id[i] for i in self.attendee_ids.data],
            "public_description": self.public_description.data or None,
            "online_url": self.online_url.data or None,
            "staff_notes": self.staff_notes.data or None,
            "status": StopStatus(self.status.data),
        }

    def comparable(self) -> dict:
        values = self.values()
        return stop_values(
            kind=values["kind"],
            title=values["title"],
            starts_at=values["starts_at"],
            ends_at=values["ends_at"],
            venue_id=values["venue"].id if values["venue"] else None,
            attendee_ids=[p.id for p in values["attendees"]],
            public_description=values["public_description"],
            online_url=values["online_url"],
            staff_notes=values["staff_notes"],
            status=values["status"],
        )


def venue_label(venue: Venue, language: str) -> str:
    name = venue.name_in(language)
    return f"{name} — {venue.city}" if venue.city else name


def attendee_label(participant: Participant, language: str) -> Markup:
    person = participant.person
    return Markup('<bdi>{}</bdi> <span class="muted small">{} · {}</span>').format(
        person.name_in(language), participant.side.label, participant.role.label
    )


class ShiftForm(PageForm):
    minutes = IntegerField(
        _l("Move by (minutes)"),
        validators=[
            DataRequired(message=_l("Enter a number of minutes, e.g. 30 or -15.")),
        ],
        description=_l("Positive moves later, negative earlier."),
    )

    def validate_minutes(self, field) -> None:
        if error := shift_error(field.data):
            raise ValidationError(error)
