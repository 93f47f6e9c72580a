"""Form pieces shared by every domain: the base form, choices, countries, languages, text."""

from collections.abc import Iterable

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.meta import DefaultMeta
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from planner import rules
from planner.i18n import current_language
from planner.names import country_names, language_names


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


def form_rule(check, message=None):
    """A WTForms validator from a shared rule in planner/rules.py (the API uses the same).

    `message` words the refusal for a page where the rule's own words do not fit: a select
    box cannot be told to "enter" anything.
    """

    def validate(_form, field) -> None:
        if (refusal := check(field.data)) is not None:
            raise ValidationError(message or refusal)

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


def optional_id(value) -> int | None:
    """Coerce a select's value to an id, with the empty choice meaning "none"."""
    if value in (None, "", "None"):
        return None
    return int(value)


class CheckboxList(SelectMultipleField):
    """Several choices as checkboxes: a stop's attendees, a person's languages."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def off_list_choices(values, listed) -> list[SelectChoice]:
    """Values a field holds that are not among its choices (a code stored before the list
    changed, or a crafted request), shown as they are, so nothing is silently dropped."""
    return [
        SelectChoice(value, gettext("%(code)s (not on the list)", code=value))
        for value in values
        if value not in listed
    ]


def named_choices(pairs) -> list[SelectChoice]:
    """Choices labelled "China (CN)": the name to choose by, the code for who knows it."""
    return [SelectChoice(code, f"{name} ({code})") for code, name in pairs]


# The shared rules, worded for a page that offers a list rather than a box to type in.
known_country = form_rule(rules.country_error, _l("Choose a country from the list."))
known_languages = form_rule(rules.languages_error, _l("Choose the languages from the list."))


class CountryField(SelectField):
    """A country chosen by name in the reader's language; holds its ISO 3166-1 alpha-2 code.

    The list is the choice the page offers; whether a code is allowed is the shared rule's
    to say, for the API as for the pages.
    """

    def __init__(self, label, *, required: bool, **kwargs):
        super().__init__(
            label,
            choices=self._country_choices,
            filters=[blank_to_none],
            validators=[DataRequired() if required else Optional()],
            **kwargs,
        )
        self.empty_label = _l("— Choose a country —") if required else _l("— None —")

    def _country_choices(self) -> list[SelectChoice]:
        countries = country_names(current_language())
        return [
            SelectChoice("", self.empty_label),
            *off_list_choices([self.data] if self.data else [], rules.COUNTRY_CODES),
            *named_choices(countries),
        ]

    def pre_validate(self, form) -> None:
        known_country(form, self)


class LanguageListField(CheckboxList):
    """Languages ticked by name in the reader's language; holds ISO 639-1 codes.

    The order of the codes is the one they were saved in, whatever the page's language:
    codes already held keep their places, newly ticked ones follow in code order.
    """

    def __init__(self, label, **kwargs):
        super().__init__(label, choices=self._language_choices, **kwargs)

    def _language_choices(self) -> list[SelectChoice]:
        languages = language_names(current_language())
        return [
            *off_list_choices(self.data or [], rules.LANGUAGE_CODES),
            *named_choices(languages),
        ]

    def process_formdata(self, valuelist) -> None:
        ticked = {code for code in valuelist if code}
        kept = [code for code in self.object_data or () if code in ticked]
        self.data = kept + sorted(ticked - set(kept))

    def pre_validate(self, form) -> None:
        known_languages(form, self)


def optional_text(label, max_length: int, **kwargs) -> StringField:
    return StringField(
        label,
        filters=[strip_whitespace, blank_to_none],
        validators=[Optional(), Length(max=max_length)],
        **kwargs,
    )
