"""Form pieces shared by every domain: choices, countries, languages, optional text."""

import re
from collections.abc import Iterable

from babel import Locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError


def select_choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs, e.g. `select_choices(StopKind.choices())`."""
    return [SelectChoice(value, label) for value, label in pairs]


def strip_whitespace(value):
    """A WTForms filter: what people paste often carries spaces at either end."""
    return value.strip() if isinstance(value, str) else value


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
