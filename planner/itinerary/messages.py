"""The checker's findings in words, in the reader's language and calendar.

checks.py keeps a message as a template and typed parameters; this module fills
them in: dates in the reader's calendar (Jalali for Persian), weekdays and
languages by name, lists joined the reader's way, Persian digits where due.
"""

from collections.abc import Callable

from babel import Locale
from babel.lists import format_list

from planner.itinerary.checks import Day, Finding, Names, Weekday
from planner.timefmt import format_number, format_short_date

MORE_THAN = 3  # list three names, then "and N more"


def render_finding(
    finding: Finding, locale: str, gettext: Callable[[str], str] | None = None
) -> str:
    """The finding's message; `gettext` translates the template (identity for English)."""
    template = gettext(finding.text) if gettext else finding.text
    values = {name: _render(value, locale, gettext) for name, value in finding.params.items()}
    return template % values


def _render(value, locale: str, gettext) -> str:
    if isinstance(value, Day):
        return format_short_date(value.value, locale)
    if isinstance(value, Weekday):
        return Locale.parse(locale).days["format"]["wide"][value.value]
    if isinstance(value, Names):
        items = list(value.items)
        if value.languages:
            names = Locale.parse(locale).languages
            items = [names.get(code, code) for code in items]
        if len(items) > MORE_THAN:
            more = len(items) - MORE_THAN
            template = gettext("%(num)s more") if gettext else "%(num)s more"
            items = [*items[:MORE_THAN], template % {"num": format_number(more, locale)}]
        return format_list(items, locale=locale) if items else ""
    if isinstance(value, int | float):
        return format_number(value, locale)
    return format_number(value, locale) if _is_clock(value) else str(value)


def _is_clock(text) -> bool:
    """'09:30–10:30' and the like: digits that Persian readers expect in Persian."""
    return isinstance(text, str) and bool(text) and all(c.isdigit() or c in ":–-, " for c in text)
