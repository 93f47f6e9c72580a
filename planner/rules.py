"""Rules on single values that both the forms and the JSON API enforce, each said once.

Each rule takes a value and returns the message to show, or None when the value is fine.
The forms wrap them as WTForms validators (planner/forms.py, `form_rule`), the API as
marshmallow validators (planner/api/common.py, `rule`). Rules that span several fields
live beside their model or operation instead (Stop.times_error, visits' dates_error).
"""

import re

from babel import Locale
from flask_babel import lazy_gettext as _l

from planner.timefmt import is_valid_zone

# Ids are 32-bit on every database we run on; larger numbers name nothing. The pages' paths
# (planner/__init__.py), their query strings (planner/params.py) and the API keep to it.
MAX_ID = 2**31 - 1


def nul_error(text: str | None):
    # PostgreSQL cannot store a NUL character, and nobody types one on purpose.
    if text and "\x00" in text:
        return _l("Text may not contain NUL characters (\\u0000).")
    return None


# ISO 3166-1 alpha-2 codes as CLDR knows them, less its codes for unknown or grouped regions
# (ZZ, QO, EZ, EU, UN), its pseudo-regions (XA, XB) and the codes ISO only reserves for parts
# of a country on the list (Ascension, Clipperton, Sark, Diego Garcia, Ceuta and Melilla, the
# Canary Islands, Tristan da Cunha). Kosovo's XK stays: the EU and most states use it.
# (Babel types the keys of its locale data as str, int or None; these are all text.)
COUNTRY_CODES = frozenset(
    code
    for code in Locale("en").territories
    if isinstance(code, str) and len(code) == 2 and code.isalpha()
) - {"ZZ", "QO", "EZ", "EU", "UN", "XA", "XB", "AC", "CP", "CQ", "DG", "EA", "IC", "TA"}

# ISO 639-1: the two-letter codes among the languages CLDR knows.
LANGUAGE_CODES = frozenset(
    code for code in Locale("en").languages if isinstance(code, str) and len(code) == 2
)


def country_error(code: str | None):
    """A code exactly as stored: two upper-case letters on the list ("Ch" is not CH)."""
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


ONLINE_LINK = re.compile(r"https://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?", re.IGNORECASE)


def online_link_error(url: str | None):
    """A meeting's link to join online: an https address, nothing else (calendars offer it
    as a button to press, so no javascript:, no plain http)."""
    if url and (len(url) > 500 or not ONLINE_LINK.fullmatch(url)):
        return _l("Enter the meeting's https link, e.g. https://meet.example.org/visit")
    return None


def zone_error(name: str | None):
    if name and not is_valid_zone(name):
        return _l("“%(zone)s” is an unknown time zone. Use a name such as Asia/Tehran.", zone=name)
    return None


# Control characters: C0, DEL and C1. Single-line text also refuses the Unicode line and
# paragraph separators; multi-line text keeps tabs and line breaks. Persian's zero-width
# non-joiner (U+200C) is a format character, not a control one, and stays allowed.
CONTROL_CHARACTERS = "\x00-\x1f\x7f-\x9f"
LINE_SEPARATORS = "\u2028\u2029"
NOT_SINGLE_LINE = re.compile(f"[{CONTROL_CHARACTERS}{LINE_SEPARATORS}]")
NOT_MULTI_LINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# A run of them with the spaces around it, to become one space.
LINE_BREAKING_RUN = re.compile(rf"\s*(?:{NOT_SINGLE_LINE.pattern}\s*)+")


def single_line_error(text: str | None):
    """Titles, names, subjects: one line of text, as an e-mail header or a calendar needs."""
    if isinstance(text, str) and NOT_SINGLE_LINE.search(text):
        return _l(
            "Write this on one line: line breaks, tabs and other control characters"
            " are not allowed here."
        )
    return None


def multi_line_error(text: str | None):
    """Descriptions and notes: line breaks and tabs are fine, other control characters not."""
    if isinstance(text, str) and NOT_MULTI_LINE.search(text):
        return _l("Control characters other than tabs and line breaks are not allowed here.")
    return None


def single_line(text: str | None) -> str:
    """The text as one line: each run of control characters or line breaks (and the spaces
    around it) becomes one space. For e-mail headers and for what calendars are sent, so that
    a value stored before single_line_error existed can break neither."""
    return LINE_BREAKING_RUN.sub(" ", text or "").strip()
