"""Forms for a visit, its return visit and its participants."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    FormField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from planner import rules
from planner.forms import (
    PICKER,
    CheckboxList,
    CountryField,
    LanguageListField,
    PageForm,
    ReaderDateField,
    blank_to_none,
    form_rule,
    optional_id,
    optional_int,
    optional_text,
    searchable_choice,
    select_choices,
    strip_whitespace,
)
from planner.i18n import current_language
from planner.names import sort_key
from planner.organizations.forms import (
    NewOrganizationForm,
    new_organization_error,
    organization_choices,
    organization_field,
)
from planner.people.forms import NewPersonForm
from planner.people.models import Person
from planner.visits.models import (
    MAX_REMINDER_MINUTES,
    ParticipantRole,
    Side,
    VisitStatus,
)
from planner.visits.operations import dates_error, interpreting_languages_error

known_zone = form_rule(rules.zone_error)


def zone_field(label, *, required: bool, description) -> StringField:
    return StringField(
        label,
        filters=[strip_whitespace, blank_to_none],
        validators=[DataRequired() if required else Optional(), known_zone],
        description=description,
        render_kw={"dir": "ltr", "list": "time-zones", "autocomplete": "off"},
    )


# Persian and Arabic-Indic digits, as a Persian keyboard types them, read as ASCII ones.
LATIN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


class MinutesField(IntegerField):
    """A number of minutes, in any digits; blank is None (no reminder)."""

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [str(value).translate(LATIN_DIGITS).strip() for value in valuelist]
        super().process_formdata(valuelist)


def reminder_field(label, description) -> MinutesField:
    return MinutesField(
        label,
        validators=[
            Optional(),
            NumberRange(
                min=0,
                max=MAX_REMINDER_MINUTES,
                # The number in words of the message, so that Persian shows Persian digits.
                message=_l("Between 0 and 1440 minutes before the stop, or blank for no reminder."),
            ),
        ],
        description=description,
        render_kw={"min": 0, "max": MAX_REMINDER_MINUTES, "inputmode": "numeric"},
    )


class VisitForm(PageForm):
    title = StringField(
        _l("Title"), filters=[strip_whitespace], validators=[DataRequired(), Length(max=200)]
    )
    visiting_country = CountryField(_l("Visiting country"), required=True)
    visiting_organization_id = organization_field(_l("Visiting organization"))
    host_organization_id = organization_field(_l("Host organization"))
    host_region = optional_text(_l("Host region"), 120)
    host_city = optional_text(_l("Host city"), 120)
    start_date = ReaderDateField(_l("First day"), validators=[DataRequired()])
    end_date = ReaderDateField(_l("Last day"), validators=[DataRequired()])
    timezone = zone_field(
        _l("Host time zone"),
        required=True,
        description=_l("The IANA name of the host's zone; every time in the programme is in it."),
    )
    delegation_timezone = zone_field(
        _l("Delegation's home time zone"),
        required=False,
        description=_l("Optional: the programme shows the delegation's home time beside it."),
    )
    status = SelectField(
        _l("Status"),
        choices=select_choices(VisitStatus.choices()),
        coerce=VisitStatus,
        default=VisitStatus.DRAFT,
    )
    purpose = TextAreaField(
        _l("Purpose"),
        filters=[strip_whitespace, blank_to_none],
        render_kw={"rows": 4, "dir": "auto"},
    )
    notes = TextAreaField(
        _l("Notes"),
        filters=[strip_whitespace, blank_to_none],
        description=_l("Staff only: never shown to participants."),
        render_kw={"rows": 4, "dir": "auto"},
    )
    reminder_guest_minutes = reminder_field(
        _l("Reminder for guests and hosts (minutes)"),
        _l("How long before each stop their calendars remind them; blank: no reminder."),
    )
    reminder_crew_minutes = reminder_field(
        _l("Reminder for drivers, escorts and interpreters (minutes)"),
        _l("The support side and the crew: usually earlier than the guests; blank: none."),
    )

    FIELDS = (
        "title",
        "visiting_country",
        "visiting_organization_id",
        "host_organization_id",
        "host_region",
        "host_city",
        "start_date",
        "end_date",
        "timezone",
        "delegation_timezone",
        "status",
        "purpose",
        "notes",
        "reminder_guest_minutes",
        "reminder_crew_minutes",
    )

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = organization_choices(list(organizations))
        self.visiting_organization_id.choices = choices
        self.host_organization_id.choices = choices

    def validate_end_date(self, field) -> None:
        if error := dates_error(self.start_date.data, field.data):
            raise ValidationError(error)

    def values(self) -> dict:
        return {name: self[name].data for name in self.FIELDS}


class ReturnVisitForm(PageForm):
    start_date = ReaderDateField(_l("First day of the return visit"), validators=[DataRequired()])
    title = StringField(
        _l("Title"), filters=[strip_whitespace], validators=[DataRequired(), Length(max=200)]
    )
    visiting_country = CountryField(_l("Visiting country"), required=True)
    timezone = zone_field(
        _l("Host time zone"),
        required=True,
        description=_l("Where the return visit takes place: the original delegation's zone."),
    )


def person_label(person: Person, language: str) -> str:
    """'Farhad Beiranvand (Governor, Governor's Office)', in the reader's script."""
    organization = person.organization
    details = ", ".join(
        part for part in (person.position, organization and organization.name_in(language)) if part
    )
    name = person.name_in(language)
    return f"{name} ({details})" if details else name


def optional_role(value) -> ParticipantRole | None:
    """A role select's value; the empty "choose" option is no role yet."""
    if value in (None, "", "None"):
        return None
    return ParticipantRole(value)


class ParticipantForm(PageForm):
    """Adding a person to a visit (`people=` the choices); editing leaves the person out."""

    person = SelectField(_l("Person"), coerce=optional_id, render_kw=PICKER)
    side = SelectField(_l("Side"), choices=select_choices(Side.choices()), coerce=Side)
    # No role is chosen for the planner: a hurried "Add" must not make a second head of
    # delegation (issue 14).
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice("", _l("— Choose a role —"))]
        + select_choices(ParticipantRole.choices()),
        coerce=optional_role,
        validators=[DataRequired(message=_l("Choose the person's role in this visit."))],
    )
    precedence = IntegerField(
        _l("Precedence"),
        validators=[InputRequired(), NumberRange(min=1)],
        description=_l("Order within the side: 1 comes first."),
        render_kw={"min": 1, "inputmode": "numeric"},
    )
    interpreting_languages = LanguageListField(
        _l("Interpreting languages"),
        description=_l("For interpreters: tick the languages they interpret between, two or more."),
    )

    FIELDS = ("side", "role", "precedence", "interpreting_languages")

    # Someone not yet known, and their organization, added in the same POST (issue 14).
    new_person = FormField(NewPersonForm)
    new_organization = FormField(NewOrganizationForm)
    # The "Use this one" buttons of the likely-duplicate warning: an existing entry's id.
    use_person = HiddenField()
    use_organization = HiddenField()

    def __init__(self, *args, people=None, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        if people is None:
            for name in (
                "person",
                "new_person",
                "new_organization",
                "use_person",
                "use_organization",
            ):
                del self[name]
            return
        language = current_language()
        self.person.choices = [SelectChoice("", _l("— Choose a person —"))] + [
            searchable_choice(
                str(person.id),
                person_label(person, language),
                person.display_name,
                person.full_name_native,
            )
            for person in sorted(people, key=lambda person: sort_key(person.name_in(language)))
        ]
        self.new_person.organization_id.choices = organization_choices(list(organizations))
        if chosen := optional_int(self.use_person.data):
            self.person.data = chosen
            self.new_person.form.clear()
            self.new_organization.form.clear()
        if chosen := optional_int(self.use_organization.data):
            self.new_person.organization_id.data = chosen
            self.new_organization.form.clear()

    @property
    def adds_person(self) -> bool:
        return "new_person" in self and self.new_person.form.wanted

    def validate_person(self, field) -> None:
        if field.data is None and not self.adds_person:
            raise StopValidation(_l("Choose a person, or add a new one below."))
        if field.data is not None and self.adds_person:
            raise StopValidation(_l("Choose a person or add a new one, not both."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if "new_organization" in self and self.new_organization.form.wanted:
            if error := new_organization_error(self.adds_person, self.new_person.organization_id):
                self.new_organization.form.name.errors.append(error)
                return False
        return valid

    def validate_interpreting_languages(self, field) -> None:
        if error := interpreting_languages_error(self.role.data, field.data):
            raise ValidationError(error)

    def values(self) -> dict:
        return {name: self[name].data for name in self.FIELDS}


def optional_side(value) -> Side | None:
    if value in (None, "", "None"):
        return None
    return Side(value)


def _side_choices(empty) -> list[SelectChoice]:
    return [SelectChoice("", empty)] + select_choices(Side.choices())


def _role_choices(empty) -> list[SelectChoice]:
    return [SelectChoice("", empty)] + select_choices(ParticipantRole.choices())


class SeveralParticipantsForm(PageForm):
    """Several people added to a visit at once: each ticked row's side and role, or the side
    and role for all where a row leaves them empty. Made by several_participants_form."""

    person_ids = CheckboxList(_l("People"), coerce=int)
    side_for_all = SelectField(
        _l("Side for everyone ticked"),
        choices=_side_choices(_l("— Each row's own —")),
        coerce=optional_side,
    )
    role_for_all = SelectField(
        _l("Role for everyone ticked"),
        choices=_role_choices(_l("— Each row's own —")),
        coerce=optional_role,
        description=_l("A row's own side or role, when chosen, counts for that row."),
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = people
        language = current_language()
        self.person_ids.choices = [
            searchable_choice(p.id, person_label(p, language), p.display_name, p.full_name_native)
            for p in sorted(people, key=lambda person: sort_key(person.name_in(language)))
        ]

    def row(self, person: Person) -> tuple[SelectField, SelectField]:
        return self[f"side_{person.id}"], self[f"role_{person.id}"]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.person_ids.data:
            self.person_ids.errors.append(_l("Tick the people to add."))
            return False
        for person, side, role in self.chosen():
            side_field, role_field = self.row(person)
            if side is None:
                side_field.errors.append(_l("Choose a side here, or one side for everyone."))
            if role is None:
                role_field.errors.append(_l("Choose a role here, or one role for everyone."))
        return valid and not self.errors

    def chosen(self) -> list[tuple[Person, Side | None, ParticipantRole | None]]:
        """Each ticked person with their side and role, the row's own before the common one."""
        ticked = set(self.person_ids.data or ())
        return [
            (
                person,
                self.row(person)[0].data or self.side_for_all.data,
                self.row(person)[1].data or self.role_for_all.data,
            )
            for person in self.people
            if person.id in ticked
        ]


def several_participants_form(people: list[Person], **kwargs) -> SeveralParticipantsForm:
    """The form with a side and a role select on each person's row."""
    rows = {}
    for person in people:
        rows[f"side_{person.id}"] = SelectField(
            _l("Side"), choices=_side_choices(_l("— Side —")), coerce=optional_side
        )
        rows[f"role_{person.id}"] = SelectField(
            _l("Role"), choices=_role_choices(_l("— Role —")), coerce=optional_role
        )
    form_class = type("SeveralParticipantsForm", (SeveralParticipantsForm,), rows)
    return form_class(people=people, **kwargs)
