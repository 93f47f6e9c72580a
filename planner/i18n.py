"""Languages, and the one place where pages format dates, times, numbers and sentences."""

from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from typing import Protocol
from weakref import WeakKeyDictionary

from babel import Locale
from babel.support import NullTranslations
from flask import Flask, g, has_app_context, has_request_context, request, session
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
from planner.names import name_in, persian_or_none

RTL_LANGUAGES = frozenset({"fa", "ar", "ur", "he"})
# The language chosen with the header's switcher in this browser, for pages before sign-in.
LANGUAGE_COOKIE = "pishvaz_language"


def select_locale() -> str | None:
    """The signed-in user's language, else a language chosen this session or in this browser
    (the switcher's cookie), else the browser's Accept-Language.

    Outside a request (the CLI, e-mail jobs) the default language applies.
    """
    if not has_request_context():
        return None
    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    if session.get("locale") in LANGUAGES:
        return session["locale"]
    return chosen_language() or browser_language()


def chosen_language() -> str | None:
    """The language chosen with the header's switcher in this browser, if any."""
    value = request.cookies.get(LANGUAGE_COOKIE)
    return value if value in LANGUAGES else None


def browser_language() -> str:
    """The language the request's Accept-Language prefers among ours: all that a calendar
    app polling a feed says about its reader (it has no session and no sign-in)."""
    return preferred_language(request.headers.get("Accept-Language"))


def preferred_language(accept_language: str | None) -> str:
    """The language an Accept-Language header prefers among ours, read as werkzeug reads
    request.accept_languages: for the feed fast path (planner/calendars/fastpath.py), which
    has the header but no request."""
    return parse_accept_header(accept_language, LanguageAccept).best_match(list(LANGUAGES)) or "en"


@dataclass(eq=False)
class Reader:
    """A language and its catalogue, with the sentences without values already looked up:
    a page asks for the same few dozen words on every request."""

    language: str
    translations: NullTranslations
    sentences: dict[tuple[str, bool], str] = field(default_factory=dict)


# One Reader per catalogue Flask-Babel loaded (it keeps one per locale for the app's life).
_READERS: "WeakKeyDictionary[NullTranslations, Reader]" = WeakKeyDictionary()
_NO_CONTEXT = Reader("en", NullTranslations())
# Where this request's Reader is kept: next to Flask-Babel's own choice of locale (g's
# _flask_babel), so that force_locale, which swaps that locale, is seen at once.
_BABEL_STATE, _READER = "_flask_babel", "pishvaz_reader"


def reader() -> Reader:
    """This request's (or force_locale's) language and catalogue.

    Flask-Babel's get_locale() and get_translations() take a dozen context lookups and a
    locale identifier built anew on each call; a page calls them hundreds of times."""
    if not has_app_context():
        return _NO_CONTEXT
    state = g.get(_BABEL_STATE)
    locale = getattr(state, "babel_locale", None)
    kept = getattr(state, _READER, None)
    if kept is not None and locale is not None and kept[0] is locale:
        return kept[1]
    translations = get_translations()
    locale = get_locale()  # chosen by now (get_translations asked), and kept in `state`
    found = _READERS.get(translations)
    if found is None or found.language != str(locale or "en"):
        found = _READERS[translations] = Reader(str(locale or "en"), translations)
    state = g.get(_BABEL_STATE)
    if state is not None and locale is not None:
        setattr(state, _READER, (locale, found))
    return found


def current_language() -> str:
    return reader().language


@cache
def _locale_names(language: str) -> tuple[dict[str, str], dict[str, str]]:
    locale = Locale.parse(language)
    return dict(locale.languages), dict(locale.territories)


def language_name(code: str) -> str:
    """'kk' -> 'Kazakh' (or 'قزاقی' on Persian pages); unknown codes stay as they are."""
    return _locale_names(current_language())[0].get(code, code)


def country_name(code: str) -> str:
    """'KZ' -> 'Kazakhstan' in the reader's language; other codes stay as they are ('ch' is
    not Switzerland: a stored code is shown as it was stored)."""
    return _locale_names(current_language())[1].get(code or "", code)


def country_html(code: str) -> Markup:
    """A country as pages show it: its name in the reader's language, then its code (a code
    that names no country, stored before the list changed, is shown as it is)."""
    words = reader()
    title = words.translations.ugettext("ISO country code")
    return _country_html(code or "", words.language, title)


@lru_cache(maxsize=1024)
def _country_html(code: str, language: str, title: str) -> Markup:
    name = _locale_names(language)[1].get(code, code)
    shown = Markup("<bdi>%s</bdi>&nbsp;") % name if name != code else Markup()
    return shown + Markup('<abbr class="country" title="%s">%s</abbr>') % (title, code)


class Named(Protocol):
    """A person, venue or organization: a Latin name, and maybe one in the Persian script."""

    def name_in(self, language: str) -> str: ...

    def other_name_in(self, language: str) -> str | None: ...


def reader_name(thing: Named | None) -> str:
    """Its name in the reader's script (planner/names.py): the Persian one on Persian pages
    when one is stored, else the Latin one; '' for nothing."""
    return thing.name_in(current_language()) if thing is not None else ""


def other_name(thing: Named | None) -> str | None:
    """Its other stored name, the one the reader is not shown first."""
    return thing.other_name_in(current_language()) if thing is not None else None


def in_reader_script(latin: str, native: str | None) -> str:
    """A name and its native form, as a query gave them: the one the reader reads."""
    return name_in(current_language(), latin, persian_or_none(native))


def date_range_html(first: date, last: date) -> Markup:
    """A visit's dates as one short range of <time> elements."""
    return _date_range_html(first, last, current_language())


_TIME = Markup('<time datetime="%s">%s</time>')


@lru_cache(maxsize=4096)
def _date_range_html(first: date, last: date, language: str) -> Markup:
    start = _TIME % (first.isoformat(), timefmt.format_short_date(first, language))
    if first == last:
        return start
    end = _TIME % (last.isoformat(), timefmt.format_short_date(last, language))
    return start + Markup(' <span class="range-sep">–</span> ') + end


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
    return _fill(reader().translations.ugettext(string), variables, escape, isolate_html)


def text_gettext(string: str, /, **variables) -> str:
    """A translated sentence for plain text (e-mail): names in FSI ... PDI, reader's digits."""
    translated = reader().translations.ugettext(string)
    return _fill(translated, variables, names=isolate_text) if variables else translated


def text_ngettext(singular: str, plural: str, num: int, /, **variables) -> str:
    variables.setdefault("num", num)
    translated = reader().translations.ungettext(singular, plural, num)
    return _fill(translated, variables, names=isolate_text)


def html_ngettext(singular: str, plural: str, num: int, /, **variables) -> Markup:
    """html_gettext with a plural: 'num' is the count, in the reader's digits."""
    variables.setdefault("num", num)
    translated = reader().translations.ungettext(singular, plural, num)
    return _fill(translated, variables, escape, isolate_html)


@pass_context
def _template_gettext(context, string: str, /, **variables) -> str:
    """Templates' _() and gettext(): Jinja's own, with numbers in the reader's digits."""
    words = reader()
    autoescape = context.eval_ctx.autoescape
    if not variables:  # most of a page's words: looked up and made safe once per language
        key = (string, autoescape)
        sentence = words.sentences.get(key)
        if sentence is None:
            translated = words.translations.ugettext(string)
            # Jinja's rule: a sentence is a format string even without values ('%%' is '%').
            sentence = words.sentences[key] = (Markup if autoescape else str)(translated) % {}
        return sentence
    translated = words.translations.ugettext(string)
    return _fill(translated, variables, Markup if autoescape else str)


@pass_context
def _template_ngettext(context, singular: str, plural: str, num: int, /, **variables) -> str:
    variables.setdefault("num", num)
    translated = reader().translations.ungettext(singular, plural, num)
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
        "country": country_html,
        "named": reader_name,  # a person, venue or organization in the reader's script
        "other_name": other_name,
        "in_script": in_reader_script,
        "bdi": isolate_html,  # a name inside a sentence on a page
        "isolate": isolate_text,  # the same in plain text: <title>, attributes
    }
    app.jinja_env.filters.update(filters)
    app.jinja_env.globals.update(
        gettext=_template_gettext, ngettext=_template_ngettext, date_range=date_range_html
    )

    @app.context_processor
    def _language_context():
        language = current_language()
        return {
            "current_language": language,
            "text_direction": "rtl" if language in RTL_LANGUAGES else "ltr",
            "languages": LANGUAGES,
        }
