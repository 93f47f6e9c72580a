"""The organization form, and the country and organization fields other directory forms reuse."""

from babel import Locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import URL, DataRequired, Length, Optional, ValidationError

from planner.forms import select_choices, strip_whitespace
from planner.organizations.models import Organization, OrganizationKind

# ISO 3166-1 alpha-2 codes as CLDR knows them, less its codes for unknown or grouped regions.
COUNTRY_CODES = frozenset(
    code for code in Locale("en").territories if len(code) == 2 and code.isalpha()
) - {"ZZ", "QO", "EZ", "UN"}


def blank_to_none(value):
    """A WTForms filter: an empty optional field is stored as NULL, not as an empty string."""
    return value or None


def upper(value):
    return value.upper() if isinstance(value, str) else value


def country_code(_form, field) -> None:
    """A validator: an ISO 3166-1 alpha-2 country code (the field's filter uppercases it)."""
    if field.data and field.data not in COUNTRY_CODES:
        raise ValidationError(_l("Enter a two-letter ISO country code, e.g. IR or KZ."))


def country_field(label, *, required: bool) -> StringField:
    return StringField(
        label,
        filters=[strip_whitespace, upper, blank_to_none],
        validators=[DataRequired() if required else Optional(), country_code],
        description=_l("Two letters (ISO 3166-1), e.g. IR for Iran, KZ for Kazakhstan."),
        render_kw={"maxlength": 2, "autocomplete": "off", "dir": "ltr"},
    )


def optional_id(value) -> int | None:
    """Coerce a select's value to an id, with the empty choice meaning "none"."""
    if value in (None, "", "None"):
        return None
    return int(value)


def organization_choices(organizations: list[Organization]) -> list[SelectChoice]:
    return [SelectChoice("", _l("— None —"))] + select_choices(
        (str(organization.id), organization.name) for organization in organizations
    )


def organization_field(label) -> SelectField:
    """Choices are filled in by the form's __init__ from the organizations passed to it."""
    return SelectField(label, coerce=optional_id, choices=[])


class DirectoryForm(FlaskForm):
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
    country = country_field(_l("Country"), required=True)
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
        ],
        render_kw={"dir": "ltr"},
    )

    FIELDS = ("name", "name_native", "kind", "country", "city", "sector", "products", "website")

    def validate_website(self, field) -> None:
        if field.data and not field.data.lower().startswith(("http://", "https://")):
            raise ValidationError(_l("Enter a full address, e.g. https://example.com"))
