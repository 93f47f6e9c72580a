"""Languages and the one place where templates format dates and times."""

from babel import Locale
from flask import Flask, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

from planner import timefmt
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
    return request.accept_languages.best_match(list(LANGUAGES)) or "en"


def current_language() -> str:
    return str(get_locale() or "en")


def language_name(code: str) -> str:
    """'kk' -> 'Kazakh' (or 'قزاقی' on Persian pages); unknown codes stay as they are."""
    return Locale.parse(current_language()).languages.get(code, code)


def country_name(code: str) -> str:
    """'KZ' -> 'Kazakhstan' in the reader's language; unknown codes stay as they are."""
    return Locale.parse(current_language()).territories.get((code or "").upper(), code)


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)

    filters = {
        "local_time": lambda instant, zone: timefmt.format_time(instant, zone, current_language()),
        "local_datetime": lambda instant, zone: timefmt.format_datetime(
            instant, zone, current_language()
        ),
        "long_date": lambda day, zone=None: timefmt.format_date(day, current_language(), zone),
        "short_date": lambda day: timefmt.format_short_date(day, current_language()),
        "utc_offset": timefmt.utc_offset_label,
        "digits": lambda value: timefmt.format_number(value, current_language()),
        "language_name": language_name,
        "country_name": country_name,
    }
    app.jinja_env.filters.update(filters)

    @app.context_processor
    def _language_context():
        language = current_language()
        return {
            "current_language": language,
            "text_direction": "rtl" if language in RTL_LANGUAGES else "ltr",
            "languages": LANGUAGES,
        }
