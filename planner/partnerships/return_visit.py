"""What a return visit to a partner is pre-filled with: dates, time zone, purpose.

Plain functions over plain values; the confirmation form shows the results, and the
planner corrects them before the draft visit is created.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from babel.core import get_global

from planner.timefmt import is_valid_zone

# Days between the follow-up's due date and the return visit, and the visit's length.
DAYS_AFTER_DUE = 30
LENGTH_IN_DAYS = 2

# The zone of the capital (or the business centre), for countries with more than one
# zone, where no zone is named after the partner's city. Kazakhstan has had one
# offset (UTC+05:00) since March 2024; Asia/Almaty is its reference zone.
MAIN_ZONES = {
    "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo",
    "CA": "America/Toronto",
    "CN": "Asia/Shanghai",
    "DE": "Europe/Berlin",
    "ES": "Europe/Madrid",
    "ID": "Asia/Jakarta",
    "KZ": "Asia/Almaty",
    "MN": "Asia/Ulaanbaatar",
    "MX": "America/Mexico_City",
    "PT": "Europe/Lisbon",
    "RU": "Europe/Moscow",
    "UA": "Europe/Kyiv",
    "US": "America/New_York",
    "UZ": "Asia/Tashkent",
}


def _zone_city(zone_name: str) -> str:
    return zone_name.rsplit("/", 1)[-1].replace("_", " ").casefold()


def main_zone(country: str, city: str | None = None) -> str | None:
    """A good first guess at the IANA zone of a city in a country, or None.

    The zone named after the city if there is one (Almaty, Tashkent); else the
    country's only zone; else the main zone above. The planner confirms it.
    """
    zones = [
        name
        for name in get_global("territory_zones").get((country or "").upper(), [])
        if is_valid_zone(name)
    ]
    if city:
        for name in zones:
            if _zone_city(name) == city.strip().casefold():
                return name
    if len(zones) == 1:
        return zones[0]
    return MAIN_ZONES.get((country or "").upper())


@dataclass(frozen=True)
class ReturnVisitDefaults:
    title: str
    start_date: date
    end_date: date
    timezone: str | None
    purpose: str | None


def return_visit_defaults(
    *,
    title: str,
    partner_country: str,
    partner_city: str | None,
    description: str | None,
    today: date,
    due_date: date | None = None,
    follow_up_line: str | None = None,
) -> ReturnVisitDefaults:
    """Thirty days after the follow-up is due (or after today, when it has no due date
    or was due in the past: a visit is not planned into the past), two days long.

    `title` is already worded ("Return visit: ..."); `follow_up_line` is the
    follow-up, worded for the purpose ("Follow-up: ...").
    """
    start = max(due_date or today, today) + timedelta(days=DAYS_AFTER_DUE)
    purpose = "\n\n".join(part for part in (description, follow_up_line) if part) or None
    return ReturnVisitDefaults(
        title=title[:200],
        start_date=start,
        end_date=start + timedelta(days=LENGTH_IN_DAYS - 1),
        timezone=main_zone(partner_country, partner_city),
        purpose=purpose,
    )
