"""The person form, with a field for the languages a person speaks."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, StringField, TelField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from planner.forms import (
    CountryField,
    LanguageListField,
    NewEntryForm,
    blank_to_none,
    optional_text,
    strip_whitespace,
)
from planner.organizations.forms import DirectoryForm, organization_field

# The fields the person's page and the participant form's "New person" block share, made
# once: a form class orders its fields by when they were made, so the Latin name (required
# on the person's page, checked with the native one in the block) is made first.
FULL_NAME_LATIN = dict(
    label=_l("Full name in Latin letters"),
    description=_l("As in the passport, e.g. Yerlan Abenov."),
)
REQUIRED_FULL_NAME_LATIN = StringField(
    **FULL_NAME_LATIN,
    filters=[strip_whitespace],
    validators=[DataRequired(), Length(max=200)],
)
OPTIONAL_FULL_NAME_LATIN = optional_text(
    FULL_NAME_LATIN["label"], 200, description=FULL_NAME_LATIN["description"]
)
FULL_NAME_NATIVE = optional_text(
    _l("Full name in their own script"),
    200,
    description=_l("e.g. Ерлан Абенов. Leave empty when it is the same."),
    render_kw={"dir": "auto"},
)
HONORIFIC = optional_text(
    _l("Honorific"), 60, description=_l("H.E., Dr., Mr., Ms. …"), render_kw={"dir": "auto"}
)
POSITION = optional_text(_l("Position"), 200, render_kw={"dir": "auto"})
ORGANIZATION = organization_field(_l("Organization"))
NATIONALITY = CountryField(_l("Nationality"), required=False)
LANGUAGES = LanguageListField(
    _l("Languages"), description=_l("Tick every language they can hold a conversation in.")
)
EMAIL = EmailField(
    _l("E-mail"),
    filters=[strip_whitespace, blank_to_none],
    validators=[Optional(), Email(), Length(max=254)],
    render_kw={"dir": "ltr"},
)


class PersonForm(DirectoryForm):
    full_name_latin = REQUIRED_FULL_NAME_LATIN
    full_name_native = FULL_NAME_NATIVE
    honorific = HONORIFIC
    position = POSITION
    organization_id = ORGANIZATION
    nationality = NATIONALITY
    languages = LANGUAGES
    email = EMAIL
    phone = TelField(
        _l("Phone"),
        filters=[strip_whitespace, blank_to_none],
        validators=[Optional(), Length(max=40)],
        render_kw={"dir": "ltr"},
    )
    dietary_needs = TextAreaField(
        _l("Dietary needs"),
        filters=[strip_whitespace, blank_to_none],
        render_kw={"rows": 2, "dir": "auto"},
    )
    access_needs = TextAreaField(
        _l("Access needs"),
        filters=[strip_whitespace, blank_to_none],
        render_kw={"rows": 2, "dir": "auto"},
    )

    FIELDS = (
        "full_name_native",
        "full_name_latin",
        "honorific",
        "position",
        "organization_id",
        "nationality",
        "languages",
        "email",
        "phone",
        "dietary_needs",
        "access_needs",
    )


class NewPersonForm(NewEntryForm):
    """The participant form's "New person" block: enough to take part; the rest of their
    details are added on their own page later."""

    full_name_latin = OPTIONAL_FULL_NAME_LATIN
    full_name_native = FULL_NAME_NATIVE
    honorific = HONORIFIC
    position = POSITION
    organization_id = ORGANIZATION
    nationality = NATIONALITY
    languages = LANGUAGES
    email = EMAIL

    FIELDS = (
        "full_name_latin",
        "full_name_native",
        "honorific",
        "position",
        "organization_id",
        "nationality",
        "languages",
        "email",
    )

    @property
    def wanted(self) -> bool:
        return bool(self.full_name_latin.data or self.full_name_native.data)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.wanted and not self.full_name_latin.data:
            self.full_name_latin.errors.append(_l("Give the name in Latin letters too."))
        return valid and not self.errors

    def values(self) -> dict:
        return {name: self[name].data for name in self.FIELDS}
