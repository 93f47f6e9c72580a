"""Form pieces shared by every domain: the base form, choices, countries, languages, text."""

import re
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectChoice, StringField, TextAreaField
from wtforms.meta import DefaultMeta
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError

from planner import rules


def select_choices(pairs: Iterable[tuple[str | int, str]]) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs, e.g. `select_choices(StopKind.choices())`;
    the values are ids for a field that coerces to int."""
    return [SelectChoice(value, label) for value, label in pairs]


def strip_whitespace(value):
    """A WTForms filter: what people paste often carries spaces at either end."""
    return value.strip() if isinstance(value, str) else value


def blank_to_none(value):
    """A WTForms filter: an empty optional field is stored as NULL, not as an empty string."""
    return value or None


def upper(value):
    return value.upper() if isinstance(value, str) else value


def form_rule(check):
    """A WTForms validator from a shared rule in planner/rules.py (the API uses the same)."""

    def validate(_form, field) -> None:
        if (message := check(field.data)) is not None:
            raise ValidationError(message)

    validate.__name__ = check.__name__
    return validate


def refuse_nul(_form, field) -> None:
    """A WTForms validator: what was sent may not hold a NUL character (rules.nul_error).

    It stops the field's other validators, some of which look the value up in the database.
    """
    for value in getattr(field, "raw_data", None) or ():
        if isinstance(value, str) and (message := rules.nul_error(value)) is not None:
            raise StopValidation(str(message))


single_line_text = form_rule(rules.single_line_error)
multi_line_text = form_rule(rules.multi_line_error)


def text_rule(field):
    """The control-character rule a field's text must follow, or None for fields that hold
    no typed text (passwords are never stored or shown; hidden fields are the app's own)."""
    if isinstance(field, TextAreaField):
        return multi_line_text
    if isinstance(field, StringField) and not isinstance(field, HiddenField | PasswordField):
        return single_line_text
    return None


class PageForm(FlaskForm):
    """The base of every page's form, so that no form can forget what every field must obey.

    As each field is bound it gets, first among its validators, the NUL check (before any
    other check sees the value, some look it up in the database), then the control-character
    rule of the API's Text fields: one line unless the field is a text area.
    """

    # WTForms merges the Meta of every class in a form's MRO into one class; naming its base
    # here says the same to a type checker, for which a plain `class Meta:` has no super().
    class Meta(DefaultMeta):
        def bind_field(self, form, unbound_field, options):
            field = super().bind_field(form, unbound_field, options)
            text_check = text_rule(field)
            field.validators = [refuse_nul, *filter(None, [text_check]), *field.validators]
            return field


# An ISO 3166-1 alpha-2 country code (the field's filter uppercases it).
country_code = form_rule(rules.country_error)


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


language_codes = form_rule(rules.languages_error)


def optional_text(label, max_length: int, **kwargs) -> StringField:
    return StringField(
        label,
        filters=[strip_whitespace, blank_to_none],
        validators=[Optional(), Length(max=max_length)],
        **kwargs,
    )
