"""Rules on single values that both the forms and the JSON API enforce, each said once.

Each rule takes a value and returns the message to show, or None when the value is fine.
The forms wrap them as WTForms validators (planner/forms.py, `form_rule`), the API as
marshmallow validators (planner/api/common.py, `rule`). Rules that span several fields
live beside their model or operation instead (Stop.times_error, visits' dates_error).
"""

from babel import Locale
from flask_babel import lazy_gettext as _l

from planner.timefmt import is_valid_zone

# ISO 3166-1 alpha-2 codes as CLDR knows them, less its codes for unknown or grouped regions.
# (Babel types the keys of its locale data as str, int or None; these are all text.)
COUNTRY_CODES = frozenset(
    code
    for code in Locale("en").territories
    if isinstance(code, str) and len(code) == 2 and code.isalpha()
) - {"ZZ", "QO", "EZ", "UN"}

# ISO 639-1: the two-letter codes among the languages CLDR knows.
LANGUAGE_CODES = frozenset(
    code for code in Locale("en").languages if isinstance(code, str) and len(code) == 2
)


def country_error(code: str | None):
    if code and code not in COUNTRY_CODES:
        return _l("Enter a two-letter ISO country code, e.g. IR or KZ.")
    return None


def languages_error(codes: list[str] | None):
    unknown = [code for code in codes or [] if code not in LANGUAGE_CODES]
    if unknown:
        return _l(
            "Not a two-letter ISO 639-1 language code: %(codes)s. For example kk, ru, fa, en.",
            codes=", ".join(unknown),
        )
    return None


def website_error(url: str | None):
    if url and not url.lower().startswith(("http://", "https://")):
        return _l("Enter a full address, e.g. https://example.com")
    return None


def zone_error(name: str | None):
    if name and not is_valid_zone(name):
        return _l("“%(zone)s” is an unknown time zone. Use a name such as Asia/Tehran.", zone=name)
    return None
