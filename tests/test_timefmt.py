"""Local times in and out: zones by IANA name, Jalali dates for Persian readers."""

from datetime import UTC, date, datetime, time

import pytest
from babel.core import UnknownLocaleError
from babel.dates import format_time as babel_format_time

from planner.timefmt import (
    NonexistentLocalTime,
    format_date,
    format_short_date,
    format_time,
    local_day_bounds,
    local_to_utc,
    utc_offset_label,
)


def test_tehran_has_no_daylight_saving_since_2022():
    summer = local_to_utc(date(2026, 7, 1), time(9, 30), "Asia/Tehran")
    winter = local_to_utc(date(2026, 12, 15), time(9, 30), "Asia/Tehran")
    assert summer.time() == winter.time() == time(6, 0)


def test_almaty_is_utc_plus_five_since_march_2024():
    instant = datetime(2026, 12, 15, 6, 0, tzinfo=UTC)
    assert utc_offset_label(instant, "Asia/Almaty") == "UTC+05:00"
    assert format_time(instant, "Asia/Almaty") == "11:00"
    assert utc_offset_label(instant, "Asia/Tehran") == "UTC+03:30"


def test_a_time_skipped_by_daylight_saving_is_refused_not_guessed():
    with pytest.raises(NonexistentLocalTime):
        local_to_utc(date(2026, 3, 29), time(2, 30), "Europe/Berlin")


def test_unknown_zone_gets_a_readable_error():
    with pytest.raises(ValueError, match="not an IANA time zone"):
        local_to_utc(date(2026, 12, 15), time(9, 0), "GMT+3:30")


def test_persian_readers_see_jalali_dates_and_persian_digits():
    assert format_short_date(date(2026, 12, 15), "fa") == "۱۴۰۵/۰۹/۲۴"
    assert "آذر" in format_date(date(2026, 12, 15), "fa")
    assert format_time(datetime(2026, 12, 15, 6, 0, tzinfo=UTC), "Asia/Tehran", "fa") == "۰۹:۳۰"


def test_english_readers_see_gregorian_dates():
    assert format_date(date(2026, 12, 15), "en") == "Tuesday, 15 December 2026"


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="naive"):
        format_time(datetime(2026, 12, 15, 6, 0), "Asia/Tehran")  # noqa: DTZ001


def test_local_day_bounds_in_utc():
    start, end = local_day_bounds(date(2026, 12, 15), "Asia/Tehran")
    assert start == datetime(2026, 12, 14, 20, 30, tzinfo=UTC)
    assert end == datetime(2026, 12, 15, 20, 30, tzinfo=UTC)


def test_persian_long_dates_have_no_leading_zero():
    assert format_date(date(2026, 11, 25), "fa") == "چهارشنبه ۴ آذر ۱۴۰۵"


@pytest.mark.parametrize("locale", ["en", "en_US", "de", "ru", "kk", "tr", "ar", "ar_EG", "ckb"])
def test_a_time_reads_as_babel_writes_hh_mm_in_the_readers_language(locale):
    # Babel's own dates, also in locales whose numbers use other digits (ar_EG, ckb).
    for hour, minute in ((0, 0), (9, 5), (12, 30), (23, 59)):
        instant = local_to_utc(date(2026, 12, 15), time(hour, minute), "Asia/Tehran")
        local = datetime(2026, 12, 15, hour, minute)  # noqa: DTZ001 - Babel's input, zone-free
        assert format_time(instant, "Asia/Tehran", locale) == babel_format_time(
            local, "HH:mm", locale=locale
        )


def test_a_time_for_an_unknown_language_fails_as_babel_does():
    with pytest.raises(UnknownLocaleError):
        format_time(datetime(2026, 12, 15, 6, 0, tzinfo=UTC), "Asia/Tehran", "xx")
