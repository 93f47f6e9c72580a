"""Languages, and the one place where pages format dates, times, numbers and sentences."""

from babel import Locale
from flask import Flask, has_request_context, request, session
from flask_babel import get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup, escape
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from planner import timefmt
from planner.bidi import isolate_html, isolate_text
from planner.config import LANGUAGES
from planner.extensions import babel

RTL_LANGUAGES = frozenset({"fa", "ar", "ur", "he"})


def select_locale() -> str | None:
    """The signed-in user's language, else a language chosen this session, else the browser's.

    Outside a request (the CLI, e-mail jobs) the default language applies.
    """
    if not has_request_context():
        return None
    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    if session.get("locale") in LANGUAGES:
        return session["locale"]
    return browser_language()


def browser_language() -> str:
    """The language the request's Accept-Language prefers among ours: all that a calendar
    app polling a feed says about its reader (it has no session and no sign-in)."""
    return preferred_language(request.headers.get("Accept-Language"))


def preferred_language(accept_language: str | None) -> str:
    """The language an Accept-Language header prefers among ours, read as werkzeug reads
    request.accept_languages: for the feed fast path (planner/calendars/fastpath.py), which
    has the header but no request."""
    return parse_accept_header(accept_language, LanguageAccept).best_match(list(LANGUAGES)) or "en"


def current_language() -> str:
    return str(get_locale() or "en")


def language_name(code: str) -> str:
    """'kk' -> 'Kazakh' (or 'قزاقی' on Persian pages); unknown codes stay as they are."""
    return Locale.parse(current_language()).languages.get(code, code)


def country_name(code: str) -> str:
    """'KZ' -> 'Kazakhstan' in the reader's language; other codes stay as they are ('ch' is
    not Switzerland: a stored code is shown as it was stored)."""
    return Locale.parse(current_language()).territories.get(code or "", code)


def _fill(translated: str, variables: dict, sentence=str, names=None):
    """The sentence made by `sentence` (str, Markup, escape), `names` applied to text values."""
    if names:  # text from people (titles, names) isolated; numbers and our own markup kept
        variables = {
            name: value if isinstance(value, Markup | int | float) else names(value)
            for name, value in variables.items()
        }
    translated, variables = timefmt.in_reader_digits(translated, variables, current_language())
    return sentence(translated) % variables


def html_gettext(string: str, /, **variables) -> Markup:
    """A translated sentence for a page (a flash message): names in <bdi>, reader's digits."""
    return _fill(get_translations().ugettext(string), variables, escape, isolate_html)


def text_gettext(string: str, /, **variables) -> str:
    """A translated sentence for plain text (e-mail): names in FSI ... PDI, reader's digits."""
    translated = get_translations().ugettext(string)
    return _fill(translated, variables, names=isolate_text) if variables else translated


def text_ngettext(singular: str, plural: str, num: int, /, **variables) -> str:
    variables.setdefault("num", num)
    translated = get_translations().ungettext(singular, plural, num)
    return _fill(translated, variables, names=isolate_text)


def html_ngettext(singular: str, plural: str, num: int, /, **variables) -> Markup:
    """html_gettext with a plural: 'num' is the count, in the reader's digits."""
    variables.setdefault("num", num)
    translated = get_translations().ungettext(singular, plural, num)
    return _fill(translated, variables, escape, isolate_html)


@pass_context
def _template_gettext(context, string: str, /, **variables) -> str:
    """Templates' _() and gettext(): Jinja's own, with numbers in the reader's digits."""
    translated = get_translations().ugettext(string)
    return _fill(translated, variables, Markup if context.eval_ctx.autoescape else str)


@pass_context
def _template_ngettext(context, singular: str, plural: str, num: int, /, **variables) -> str:
    variables.setdefault("num", num)
    translated = get_translations().ungettext(singular, plural, num)
    return _fill(translated, variables, Markup if context.eval_ctx.autoescape else str)


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)

    filters = {
        "local_time": lambda instant, zone: timefmt.format_time(instant, zone, current_language()),
        "local_datetime": lambda instant, zone: timefmt.format_datetime(
            instant, zone, current_language()
        ),
        "long_date": lambda day, zone=None: timefmt.format_date(day, current_language(), zone),
        "short_date": lambda day: timefmt.format_short_date(day, current_language()),
        "utc_offset": lambda instant, zone: timefmt.format_number(
            timefmt.utc_offset_label(instant, zone), current_language()
        ),
        "digits": lambda value: timefmt.format_number(value, current_language()),
        "language_name": language_name,
        "country_name": country_name,
        "bdi": isolate_html,  # a name inside a sentence on a page
        "isolate": isolate_text,  # the same in plain text: <title>, attributes
    }
    app.jinja_env.filters.update(filters)
    app.jinja_env.globals.update(gettext=_template_gettext, ngettext=_template_ngettext)

    @app.context_processor
    def _language_context():
        language = current_language()
        return {
            "current_language": language,
            "text_direction": "rtl" if language in RTL_LANGUAGES else "ltr",
            "languages": LANGUAGES,
        }
