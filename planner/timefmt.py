"""Local times: turning what a person enters into UTC, and UTC into what a person reads.

Plain functions over aware datetimes; the Jinja filters in planner/i18n.py call them.
Persian readers get the Solar Hijri (Jalali) calendar through jdatetime; everyone
else gets Babel's CLDR formats.
"""

import re
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import jdatetime
from babel import Locale
from babel.dates import DateTimePattern, parse_pattern

PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


class NonexistentLocalTime(ValueError):
    """A wall-clock time skipped by a daylight-saving change."""


@cache
def _formatter(locale: str, pattern: str) -> tuple[Locale, DateTimePattern]:
    """A CLDR pattern parsed once for a locale: Babel's format_date parses both per call."""
    return Locale.parse(locale), parse_pattern(pattern)


def format_pattern(value: date | datetime | time, pattern: str, locale: str) -> str:
    """What babel.dates.format_date/format_time write for an explicit pattern."""
    cldr_locale, parsed = _formatter(locale, pattern)
    return parsed.apply(value, cldr_locale)


def zone(name: str) -> ZoneInfo:
    """The ZoneInfo for an IANA name; ValueError with a readable message otherwise."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as error:
        raise ValueError(f"{name!r} is not an IANA time zone (e.g. Asia/Tehran)") from error


@cache
def zone_names() -> list[str]:
    """IANA zone names to suggest in forms: Area/City, without legacy aliases (Etc/, US/...)."""
    legacy = ("Etc/", "SystemV/", "posix/", "right/", "US/")
    return sorted(
        name for name in available_timezones() if "/" in name and not name.startswith(legacy)
    )


def is_valid_zone(name: str) -> bool:
    try:
        zone(name)
    except ValueError:
        return False
    return True


def local_to_utc(day: date, wall: time, zone_name: str) -> datetime:
    """The UTC instant of a wall-clock time in a zone.

    A time that the zone skips (spring forward) is refused rather than guessed;
    an ambiguous one (fall back) takes its first occurrence.
    """
    tz = zone(zone_name)
    local = datetime.combine(day, wall, tzinfo=tz)
    instant = local.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise NonexistentLocalTime(f"{day} {wall:%H:%M} does not exist in {zone_name}")
    return instant


def to_local(instant: datetime, zone_name: str) -> datetime:
    if instant.tzinfo is None:
        raise ValueError(f"naive datetime {instant!r}: times cross modules with their zone")
    return instant.astimezone(zone(zone_name))


def local_day_bounds(day: date, zone_name: str) -> tuple[datetime, datetime]:
    """The UTC instants at which a local day starts and ends."""
    tz = zone(zone_name)
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def utc_offset_label(instant: datetime, zone_name: str) -> str:
    """'UTC+03:30' for Tehran: the offset in force at that instant."""
    offset = to_local(instant, zone_name).utcoffset()
    assert offset is not None  # an instant put in a zone always has an offset
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def format_time(instant: datetime, zone_name: str, locale: str = "en") -> str:
    """'09:30' in the given zone (Persian digits for Persian readers)."""
    local = to_local(instant, zone_name)
    if locale == "fa":
        return f"{local.hour:02d}:{local.minute:02d}".translate(PERSIAN_DIGITS)
    # What format_pattern(local, "HH:mm", locale) writes: Babel writes an explicit
    # pattern's hours and minutes in Latin digits in every locale (tests/test_timefmt.py),
    # at a twentieth of the cost (a programme shows four times a stop). The locale is still
    # parsed once, so that an unknown one fails as Babel would.
    _formatter(locale, "HH:mm")
    return f"{local.hour:02d}:{local.minute:02d}"


def format_date(day: date | datetime, locale: str = "en", zone_name: str | None = None) -> str:
    """A full date: 'Monday, 20 October 2025', or its Jalali form for Persian readers."""
    if isinstance(day, datetime):
        if zone_name is None:
            raise ValueError("a datetime needs the zone to show its date in")
        day = to_local(day, zone_name).date()
    return _long_date(day, locale)


# A page shows the same days again and again (a list's dates, the week ahead): a day's
# text is worked out once per language. Bounded: a few years of days in two languages.
@lru_cache(maxsize=4096)
def _long_date(day: date, locale: str) -> str:
    if locale == "fa":
        jalali = jdatetime.date.fromgregorian(date=day, locale="fa_IR")
        text = f"{jalali.strftime('%A')} {jalali.day} {jalali.strftime('%B')} {jalali.year}"
        return text.translate(PERSIAN_DIGITS)
    return format_pattern(day, "EEEE, d MMMM y", locale)


@lru_cache(maxsize=4096)
def format_short_date(day: date, locale: str = "en") -> str:
    """'20 Oct 2025', or '۱۴۰۴/۰۷/۲۸' for Persian readers."""
    if locale == "fa":
        jalali = jdatetime.date.fromgregorian(date=day)
        return jalali.strftime("%Y/%m/%d").translate(PERSIAN_DIGITS)
    return format_pattern(day, "d MMM y", locale)


def format_datetime(instant: datetime, zone_name: str, locale: str = "en") -> str:
    return f"{format_short_date(to_local(instant, zone_name).date(), locale)} " + format_time(
        instant, zone_name, locale
    )


def format_number(value: int | float | str, locale: str = "en") -> str:
    """Digits as the reader writes them: Persian digits on Persian pages."""
    text = str(value)
    return text.translate(PERSIAN_DIGITS) if locale == "fa" else text


_PLACEHOLDER = re.compile(r"%\((\w+)\)([^a-zA-Z%]*[a-zA-Z])")


def in_reader_digits(translated: str, variables: dict, language: str) -> tuple[str, dict]:
    """A translated sentence and its values with every number in the reader's digits.

    '%(num)d' becomes '%(num)s' for a number written out in Persian digits; a number
    with another format ('%(share).1f') is left as it is.
    """
    if language != "fa":
        return translated, variables
    specs: dict[str, set[str]] = {}
    for name, spec in _PLACEHOLDER.findall(translated):
        specs.setdefault(name, set()).add(spec)
    numbers = {
        name
        for name, value in variables.items()
        if isinstance(value, int | float)
        and not isinstance(value, bool)
        and specs.get(name, {"s"}) <= {"s", "d"}
    }
    if not numbers:
        return translated, variables
    translated = _PLACEHOLDER.sub(lambda m: f"%({m[1]})s" if m[1] in numbers else m[0], translated)
    digits = {name: format_number(variables[name], language) for name in numbers}
    return translated, {**variables, **digits}


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
