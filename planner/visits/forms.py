"""Forms for a visit, its return visit and its participants."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from planner import rules
from planner.forms import (
    PICKER,
    CountryField,
    LanguageListField,
    PageForm,
    ReaderDateField,
    blank_to_none,
    form_rule,
    optional_id,
    optional_text,
    searchable_choice,
    select_choices,
    strip_whitespace,
)
from planner.i18n import current_language
from planner.names import sort_key
from planner.organizations.forms import organization_choices, organization_field
from planner.people.models import Person
from planner.visits.models import ParticipantRole, Side, VisitStatus
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


class ParticipantForm(PageForm):
    """Adding a person to a visit (`people=` the choices); editing leaves the person out."""

    person = SelectField(
        _l("Person"), coerce=optional_id, validators=[DataRequired()], render_kw=PICKER
    )
    side = SelectField(_l("Side"), choices=select_choices(Side.choices()), coerce=Side)
    role = SelectField(
        _l("Role"), choices=select_choices(ParticipantRole.choices()), coerce=ParticipantRole
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

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is None:
            del self.person
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

    def validate_interpreting_languages(self, field) -> None:
        if error := interpreting_languages_error(self.role.data, field.data):
            raise ValidationError(error)

    def values(self) -> dict:
        return {name: self[name].data for name in self.FIELDS}
