"""The organization form, and the country and organization fields other directory forms reuse."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import URL, DataRequired, Length, Optional

from planner import rules
from planner.forms import (
    PICKER,
    CountryField,
    NewEntryForm,
    PageForm,
    blank_to_none,
    form_rule,
    optional_id,
    searchable_choice,
    select_choices,
    strip_whitespace,
)
from planner.i18n import current_language
from planner.names import sort_key
from planner.organizations.models import Organization, OrganizationKind


def organization_choices(organizations: list[Organization]) -> list[SelectChoice]:
    """The organizations by name in the reader's script and in its order, found by either."""
    language = current_language()
    organizations = sorted(organizations, key=lambda item: sort_key(item.name_in(language)))
    return [SelectChoice("", _l("— None —"))] + [
        searchable_choice(
            str(organization.id),
            organization.name_in(language),
            organization.name,
            organization.name_native,
        )
        for organization in organizations
    ]


def organization_field(label) -> SelectField:
    """Choices are filled in by the form's __init__ from the organizations passed to it."""
    return SelectField(label, coerce=optional_id, choices=[], render_kw=PICKER)


class DirectoryForm(PageForm):
    """A form over one model: FIELDS name its attributes; an organization select gets choices."""

    FIELDS: tuple[str, ...] = ()

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        if "organization_id" in self:
            self.organization_id.choices = organization_choices(list(organizations))

    def values(self) -> dict:
        """The model's attributes as the form holds them."""
        return {name: self[name].data for name in self.FIELDS}


class OrganizationForm(DirectoryForm):
    name = StringField(
        _l("Name"),
        filters=[strip_whitespace],
        validators=[DataRequired(), Length(max=200)],
        description=_l("In English or in the Latin alphabet, as it appears on letters."),
    )
    name_native = StringField(
        _l("Name in its own language"),
        filters=[strip_whitespace, blank_to_none],
        validators=[Optional(), Length(max=200)],
        render_kw={"dir": "auto"},
    )
    kind = SelectField(
        _l("Kind"), choices=select_choices(OrganizationKind.choices()), coerce=OrganizationKind
    )
    country = CountryField(_l("Country"), required=True)
    city = StringField(
        _l("City"),
        filters=[strip_whitespace, blank_to_none],
        validators=[Optional(), Length(max=120)],
    )
    sector = StringField(
        _l("Sector"),
        filters=[strip_whitespace, blank_to_none],
        validators=[Optional(), Length(max=200)],
    )
    products = TextAreaField(
        _l("Products"),
        filters=[strip_whitespace, blank_to_none],
        description=_l("What they make and can export."),
        render_kw={"rows": 4, "dir": "auto"},
    )
    website = URLField(
        _l("Website"),
        filters=[strip_whitespace, blank_to_none],
        validators=[
            Optional(),
            Length(max=300),
            URL(message=_l("Enter a full address, e.g. https://example.com")),
            form_rule(rules.website_error),
        ],
        render_kw={"dir": "ltr"},
    )

    FIELDS = ("name", "name_native", "kind", "country", "city", "sector", "products", "website")


class NewOrganizationForm(NewEntryForm):
    """The "New organization" block of the participant and stop forms."""

    name = StringField(
        _l("Name"),
        filters=[strip_whitespace, blank_to_none],
        validators=[Optional(), Length(max=200)],
        description=_l("In English or in the Latin alphabet, as it appears on letters."),
    )
    name_native = StringField(
        _l("Name in its own language"),
        filters=[strip_whitespace, blank_to_none],
        validators=[Optional(), Length(max=200)],
        render_kw={"dir": "auto"},
    )
    kind = SelectField(
        _l("Kind"),
        choices=select_choices(OrganizationKind.choices()),
        coerce=OrganizationKind,
        default=OrganizationKind.COMPANY,
    )
    country = CountryField(_l("Country"), required=False)

    FIELDS = ("name", "name_native", "kind", "country")

    @property
    def wanted(self) -> bool:
        return bool(self.name.data or self.name_native.data)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.wanted and not self.name.data:
            self.name.errors.append(_l("Give the organization's name in Latin letters too."))
        if self.wanted and not self.country.data:
            self.country.errors.append(_l("Choose the organization's country."))
        return valid and not self.errors

    def values(self) -> dict:
        return {name: self[name].data for name in self.FIELDS}


def new_organization_error(adds_entry: bool, organization_field):
    """A new organization belongs to the new person or venue it is added with."""
    if not adds_entry:
        return _l("A new organization is added with a new person or venue, for them.")
    if organization_field.data is not None:
        return _l("Choose an organization or add a new one, not both.")
    return None
