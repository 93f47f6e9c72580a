"""The checker's findings in words, in the reader's language and calendar.

checks.py keeps a message as a template and typed parameters (the value types below);
this module fills them in: dates in the reader's calendar (Jalali for Persian), weekdays
and languages by name, lists joined the reader's way, Persian digits where due.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from babel import Locale
from babel.lists import format_list

from planner.timefmt import format_number, format_short_date

MORE_THAN = 3  # list three names, then "and N more"


def N_(text: str) -> str:
    """Marks a message for translation (pybabel -k N_); it is translated where it is shown."""
    return text


@dataclass(frozen=True)
class Day:
    """A date in a message, written in the reader's calendar and language."""

    value: date


@dataclass(frozen=True)
class Weekday:
    value: int  # 0 = Monday


@dataclass(frozen=True)
class Names:
    """A list of names or language codes, joined in the reader's language."""

    items: tuple[str, ...]
    languages: bool = False  # ISO 639-1 codes, shown as language names


class Message(Protocol):
    """What a message is made of: a Finding (findings.py) is one."""

    text: str
    params: dict


def render_finding(
    finding: Message, locale: str, gettext: Callable[[str], str] | None = None
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
