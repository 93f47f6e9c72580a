"""The person form, with a field for the languages a person speaks."""

import re

from babel import Locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, StringField, TelField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from planner.forms import strip_whitespace
from planner.organizations.forms import (
    DirectoryForm,
    blank_to_none,
    country_field,
    organization_field,
)

# ISO 639-1: the two-letter codes among the languages CLDR knows.
LANGUAGE_CODES = frozenset(code for code in Locale("en").languages if len(code) == 2)
# Commas (Latin or Persian), semicolons and spaces all separate codes.
LANGUAGE_SEPARATORS = re.compile(r"[,،;\s]+")


def parse_language_codes(text: str) -> list[str]:
    """'kk, RU ,en' -> ['kk', 'ru', 'en']: lower case, in the order given, each once."""
    codes = [code.lower() for code in LANGUAGE_SEPARATORS.split(text or "") if code]
    return list(dict.fromkeys(codes))


class LanguageListField(StringField):
    """A text input of comma-separated ISO 639-1 codes, holding a list of codes."""

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = parse_language_codes(valuelist[0])

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return ", ".join(self.data or [])


def language_codes(_form, field) -> None:
    unknown = [code for code in field.data or [] if code not in LANGUAGE_CODES]
    if unknown:
        raise ValidationError(
            _(
                "Not a two-letter ISO 639-1 language code: %(codes)s. For example kk, ru, fa, en.",
                codes=", ".join(unknown),
            )
        )


def optional_text(label, max_length: int, **kwargs) -> StringField:
    return StringField(
        label,
        filters=[strip_whitespace, blank_to_none],
        validators=[Optional(), Length(max=max_length)],
        **kwargs,
    )


class PersonForm(DirectoryForm):
    full_name_latin = StringField(
        _l("Full name in Latin letters"),
        filters=[strip_whitespace],
        validators=[DataRequired(), Length(max=200)],
        description=_l("As in the passport, e.g. Yerlan Abenov."),
    )
    full_name_native = optional_text(
        _l("Full name in their own script"),
        200,
        description=_l("e.g. Ерлан Абенов. Leave empty when it is the same."),
        render_kw={"dir": "auto"},
    )
    honorific = optional_text(
        _l("Honorific"), 60, description=_l("H.E., Dr., Mr., Ms. …"), render_kw={"dir": "auto"}
    )
    position = optional_text(_l("Position"), 200, render_kw={"dir": "auto"})
    organization_id = organization_field(_l("Organization"))
    nationality = country_field(_l("Nationality"), required=False)
    languages = LanguageListField(
        _l("Languages"),
        validators=[language_codes],
        description=_l("Two-letter ISO 639-1 codes, separated by commas: kk, ru, en."),
        render_kw={"dir": "ltr", "autocomplete": "off"},
    )
    email = EmailField(
        _l("E-mail"),
        filters=[strip_whitespace, blank_to_none],
        validators=[Optional(), Email(), Length(max=254)],
        render_kw={"dir": "ltr"},
    )
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

    def values(self) -> dict:
        values = super().values()
        values["full_name_native"] = values["full_name_native"] or values["full_name_latin"]
        return values
