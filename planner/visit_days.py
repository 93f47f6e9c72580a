"""A visit's days as the reader names them ('Day 3 — Saturday 21 March 2026'), and the
public holidays that fall on them, from the `holidays` package.

Plain functions over dates and ISO 3166-1 country codes. The holiday calendars are built
once per country and year in a process and kept: the checker asks for them on every check.
"""

from collections.abc import Iterable
from datetime import date
from functools import cache, lru_cache

import holidays

# Not on first use: the package's countries module imports all 250 countries (its __init__),
# whichever one is asked for. Imported here, it is built once in gunicorn's master (the app
# is preloaded) and shared by the workers, instead of each worker importing it at its first
# visit page: 5 MB less of each worker's own memory (USS) and 250 ms less on that page.
import holidays.countries  # noqa: F401
from babel import Locale
from babel.dates import format_date as babel_format_date
from flask_babel import gettext

from planner.timefmt import days_between, format_date, format_number

ENGLISH = "en_US"


def day_label(day: date, number: int | None, language: str) -> str:
    """'Day 3 — Saturday 21 March 2026', 'روز ۳ — شنبه ۱ فروردین ۱۴۰۵' on Persian pages;
    without a number, the date alone."""
    written = _written(day, language)
    if number is None:
        return written
    return gettext("Day %(num)s — %(day)s", num=format_number(number, language), day=written)


@lru_cache(maxsize=2048)
def _written(day: date, language: str) -> str:
    """'Saturday 21 March 2026' or 'شنبه ۱ فروردین ۱۴۰۵'; kept, as every stop form lists
    the same days again."""
    if language == "fa":
        return format_date(day, language)
    return babel_format_date(day, "EEEE d MMMM y", locale=language)


@cache
def _localized_languages() -> dict[str, tuple[str, ...]]:
    return {country: tuple(codes) for country, codes in holidays.list_localized_countries().items()}


def _holiday_language(country: str, language: str) -> str | None:
    """The package's language for a reader ('fa' -> 'fa_IR'), else English, else the
    country's own default (None)."""
    supported = _localized_languages().get(country, ())
    for code in supported:
        if code == language or code.split("_")[0] == language:
            return code
    return ENGLISH if ENGLISH in supported else None


@cache
def _calendar(country: str, year: int, language: str | None) -> dict[date, tuple[str, ...]]:
    """The public holidays of a country in a year: day -> names (one day can hold two)."""
    try:
        found = holidays.country_holidays(country, years=year, language=language)
    except NotImplementedError:  # a country the package does not know: no holidays known
        return {}
    return {day: tuple(found.get_list(day)) for day in sorted(found)}


def holiday_days(country: str | None, years: Iterable[int]) -> frozenset[date]:
    """The days that are public holidays in a country in those years."""
    if not country:
        return frozenset()
    return frozenset(day for year in set(years) for day in _calendar(country, year, ENGLISH))


def holiday_names(country: str | None, day: date, language: str = "en") -> list[str]:
    """The names of the holidays of a country on a day, in the reader's language where the
    package has it (Persian for Iran), else in English; [] on a working day."""
    if not country:
        return []
    return list(_calendar(country, day.year, _holiday_language(country, language)).get(day, ()))


def country_label(country: str, language: str) -> str:
    return Locale.parse(language).territories.get(country, country)


def visit_holidays(
    first: date, last: date, countries: Iterable[str | None], language: str = "en"
) -> dict[date, list[str]]:
    """The visit's days that are a public holiday in one of the countries (the host's and
    the delegation's), each with the holidays' names and countries: 'Nowruz (Iran)'."""
    wanted = list(dict.fromkeys(country for country in countries if country))
    marked: dict[date, list[str]] = {}
    for day in days_between(first, last):
        names = [
            f"{name} ({country_label(country, language)})"
            for country in wanted
            for name in holiday_names(country, day, language)
        ]
        if names:
            marked[day] = names
    return marked
