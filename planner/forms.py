"""Form pieces shared by every domain: the base form, choices, countries, languages, text."""

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

import jdatetime
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Choice,
    DateField,
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
from wtforms.widgets import CheckboxInput, DateInput, ListWidget, Select, TextInput

from planner import rules
from planner.i18n import current_language
from planner.names import (
    country_names,
    country_search,
    language_names,
    language_search,
    search_text,
)
from planner.timefmt import PERSIAN_DIGITS
from planner.visit_days import day_label


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

    def __iter__(self):
        # Each box gets its own choice's attributes (the picker's data-search), not the
        # list's (WTForms gives every option the field's render_kw).
        for option in super().__iter__():
            option.render_kw = dict(option.choice.render_kw)
            yield option


def off_list_choices(values, listed) -> list[SelectChoice]:
    """Values a field holds that are not among its choices (a code stored before the list
    changed, or a crafted request), shown as they are, so nothing is silently dropped."""
    return [
        SelectChoice(value, gettext("%(code)s (not on the list)", code=value))
        for value in values
        if value not in listed
    ]


def named_choices(pairs, search: dict[str, str] | None = None) -> list[SelectChoice]:
    """Choices labelled "China (CN)": the name to choose by, the code for who knows it;
    `search` gives each code what the picker's filter matches (its names in every script)."""
    return [
        SelectChoice(code, f"{name} ({code})", render_kw=picker_search((search or {}).get(code)))
        for code, name in pairs
    ]


# --- Pickers that filter as one types (static/js/picker.js) ---------------------------------
# A <select> or a list of checkboxes with the attribute PICKER gets a search box when the
# page has JavaScript; each option's data-search holds its names in every script, so that
# "تر" and "Tur" both find Turkey. Without JavaScript the plain control is all there is,
# and it sends the same values.

PICKER = {"data-picker": ""}


def picker_search(text: str | None) -> dict:
    """An option's render_kw: what the picker's filter matches besides its label."""
    return {"data-search": text} if text else {}


def searchable_choice(value, label, *names: str | None) -> SelectChoice:
    """A choice that the picker finds by any of `names` (a name in each script) and its label."""
    return SelectChoice(value, label, render_kw=picker_search(search_text(*names)))


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
            render_kw=PICKER,
            **kwargs,
        )
        self.empty_label = _l("— Choose a country —") if required else _l("— None —")

    def _country_choices(self) -> list[SelectChoice]:
        countries = country_names(current_language())
        return [
            SelectChoice("", self.empty_label),
            *off_list_choices([self.data] if self.data else [], rules.COUNTRY_CODES),
            *named_choices(countries, country_search()),
        ]

    def pre_validate(self, form) -> None:
        known_country(form, self)


class LanguageListField(CheckboxList):
    """Languages ticked by name in the reader's language; holds ISO 639-1 codes.

    The order of the codes is the one they were saved in, whatever the page's language:
    codes already held keep their places, newly ticked ones follow in code order.
    """

    def __init__(self, label, **kwargs):
        super().__init__(label, choices=self._language_choices, render_kw=PICKER, **kwargs)

    def _language_choices(self) -> list[SelectChoice]:
        languages = language_names(current_language())
        return [
            *off_list_choices(self.data or [], rules.LANGUAGE_CODES),
            *named_choices(languages, language_search()),
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


# --- Dates in the reader's calendar -------------------------------------------------------
# Persian pages type Jalali dates (in any of the digits a Persian keyboard may give), other
# pages pick a Gregorian one from the browser's date input, which sends ISO yyyy-mm-dd.

LATIN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_TYPED_DATE = re.compile(r"(\d{1,4})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})")
# A year from here on is Gregorian, even on a Persian page: a day chosen from a select of
# the visit's days, or a date pasted from elsewhere (Jalali 1700 is Gregorian 2321).
GREGORIAN_YEARS = 1700


def jalali_text(day: date) -> str:
    """'۱۴۰۵/۰۱/۰۱': a date as a Persian page shows it in a box to type in."""
    return jdatetime.date.fromgregorian(date=day).strftime("%Y/%m/%d").translate(PERSIAN_DIGITS)


def parse_reader_date(text: str) -> date:
    """The date typed on a Persian page: Jalali 1405/1/1 (or ۱۴۰۵/۰۱/۰۱, ١٤٠٥-١-١), or a
    Gregorian 2026-03-21; ValueError with a sentence for the reader otherwise."""
    typed = _TYPED_DATE.fullmatch(text.translate(LATIN_DIGITS).strip())
    if typed is None:
        raise ValueError(
            gettext("Enter the date as year/month/day, e.g. %(example)s.", example="۱۴۰۵/۰۱/۰۱")
        )
    year, month, day = map(int, typed.groups())
    try:
        if year >= GREGORIAN_YEARS:
            return date(year, month, day)
        return jdatetime.date(year, month, day).togregorian()
    except ValueError:
        raise ValueError(
            gettext("There is no such day in the calendar: %(date)s.", date=text.strip())
        ) from None


class ReaderDateInput:
    """The widget of a ReaderDateField: a select among the field's `days` when it has them,
    else a box for Jalali digits on Persian pages, or the browser's date input."""

    date_input = DateInput()
    text_input = TextInput()
    select = Select()

    def __call__(self, field, **kwargs):
        if field.days:
            return self.select(field, **kwargs)
        if field.jalali:
            kwargs.setdefault("inputmode", "numeric")
            kwargs.setdefault("dir", "ltr")
            kwargs.setdefault("placeholder", "۱۴۰۵/۰۱/۰۱")
            kwargs.setdefault("autocomplete", "off")
            return self.text_input(field, **kwargs)
        return self.date_input(field, **kwargs)


class ReaderDateField(DateField):
    """A date in the reader's calendar: Jalali on Persian pages, Gregorian ISO elsewhere.

    `days` (set by the form) offers a select among those days instead, labelled "Day 3 —
    Saturday 21 March 2026" in the reader's calendar; the options' values are ISO dates,
    and any other date sent is still taken (the checker says when a stop falls outside).
    """

    widget = ReaderDateInput()
    # As for any WTForms field (the library is untyped): what validation made of the input.
    data: Any

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.days: list[date] = []

    @property
    def jalali(self) -> bool:
        return current_language() == "fa"

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        if isinstance(self.data, date):
            return (
                jalali_text(self.data) if self.jalali and not self.days else self.data.isoformat()
            )
        return ""

    def process_formdata(self, valuelist) -> None:
        if not valuelist or not " ".join(valuelist).strip():
            self.data = None  # left empty: the field's validators say if it may be
        elif self.jalali:
            self.data = parse_reader_date(" ".join(valuelist))
        else:
            super().process_formdata(valuelist)

    def pre_validate(self, form) -> None:
        # A date that could not be read says why, not "this field is required" (which
        # DataRequired would put in its place).
        if self.process_errors:
            raise StopValidation()

    def iter_choices(self) -> Iterable[Choice]:
        """For the select: the visit's days, and the field's own day first if it is another
        (a stop left outside when the visit's dates moved)."""
        language = current_language()
        chosen = self.data
        if isinstance(chosen, date) and chosen not in self.days:
            yield Choice(chosen.isoformat(), day_label(chosen, None, language), True, {})
        for number, day in enumerate(self.days, start=1):
            yield Choice(day.isoformat(), day_label(day, number, language), day == chosen, {})

    _iter_choices_normalized = iter_choices

    def has_groups(self) -> bool:
        return False


# --- A block of a form that makes something new ------------------------------------------


class NewEntryForm(PageForm):
    """A block inside another form (a FormField) that adds a person, a venue or an
    organization in the same POST: `wanted` once its name is typed; `confirm` is the
    "add it anyway" answer to the warning of a likely duplicate."""

    class Meta(PageForm.Meta):
        csrf = False

    confirm = BooleanField()

    @property
    def wanted(self) -> bool:
        raise NotImplementedError

    def clear(self) -> None:
        """Every field back to its default, as if nothing had been typed in the block."""
        for field in self:
            field.raw_data = []
            field.data = [] if isinstance(field, SelectMultipleField) else field.default


def optional_int(value) -> int | None:
    """A number sent by a button or a hidden field, or None when it is not one."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
