"""The checker's findings in words, in the reader's language and calendar.

checks.py keeps a message as a template and typed parameters (the value types below);
this module fills them in: dates in the reader's calendar (Jalali for Persian), weekdays and
languages by name, lists joined the reader's way, Persian digits where due, and
every name or title isolated in the way of the medium (HTML or plain text), so
that a Latin venue name cannot turn a Persian sentence around.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from babel import Locale
from babel.lists import format_list
from markupsafe import escape

from planner.bidi import isolate_html, isolate_text
from planner.names import name_in
from planner.timefmt import format_number, format_short_date
from planner.visit_days import country_label, holiday_names

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


@dataclass(frozen=True, order=True)
class Name:
    """A person's or a venue's name: the Latin one, and the Persian one when one is stored,
    which Persian readers are shown (planner/names.py)."""

    latin: str
    persian: str | None = None

    def __str__(self) -> str:
        return self.latin

    def shown(self, locale: str) -> str:
        return name_in(locale, self.latin, self.persian)


@dataclass(frozen=True)
class Names:
    """A list of names or language codes, joined in the reader's language."""

    items: tuple[str | Name, ...]
    languages: bool = False  # ISO 639-1 codes, shown as language names


@dataclass(frozen=True)
class Country:
    """A country by its ISO 3166-1 code, named in the reader's language."""

    code: str


@dataclass(frozen=True)
class Holiday:
    """The public holidays of a country on a day, named in the reader's language where the
    holidays package has it; `names` (English, as checked) when it no longer knows them."""

    country: str
    day: date
    names: tuple[str, ...]


class Message(Protocol):
    """What a message is made of: a Finding (findings.py) is one."""

    @property
    def text(self) -> str: ...

    @property
    def params(self) -> dict: ...


@dataclass(frozen=True)
class Medium:
    """How a message is written out: the sentence as the medium needs it, and each name."""

    sentence: Callable[[str], str]
    name: Callable[[str], str]


BARE = Medium(str, str)  # JSON and logs: the words as they are
TEXT = Medium(str, isolate_text)  # e-mail and other plain text: names in FSI ... PDI
HTML = Medium(escape, isolate_html)  # pages: the sentence escaped, each name in <bdi>


def render_finding(
    finding: Message,
    locale: str,
    gettext: Callable[[str], str] | None = None,
    medium: Medium = BARE,
) -> str:
    """The finding's message; `gettext` translates the template (identity for English)."""
    template = medium.sentence(gettext(finding.text) if gettext else finding.text)
    values = {
        name: _render(value, locale, gettext, medium) for name, value in finding.params.items()
    }
    return template % values


def _render(value, locale: str, gettext, medium: Medium) -> str:
    if isinstance(value, Name):
        return medium.name(value.shown(locale))
    if isinstance(value, Day):
        return format_short_date(value.value, locale)
    if isinstance(value, Weekday):
        return Locale.parse(locale).days["format"]["wide"][value.value]
    if isinstance(value, Names):
        return _render_names(value, locale, gettext, medium)
    if isinstance(value, Country):
        return country_label(value.code, locale)
    if isinstance(value, Holiday):
        names = holiday_names(value.country, value.day, locale) or value.names
        return format_list(list(names), locale=locale)
    if isinstance(value, int | float):
        return format_number(value, locale)
    return format_number(value, locale) if _is_clock(value) else medium.name(str(value))


def _render_names(value: Names, locale: str, gettext, medium: Medium) -> str:
    """Names joined the reader's way ('A, B and C'), each isolated; languages in their name."""
    if value.languages:
        languages = Locale.parse(locale).languages
        items = [languages.get(str(code), str(code)) for code in value.items]
    else:  # names isolated; opening hours ('08:00–12:00') in the reader's digits
        items = [
            medium.name(name.shown(locale))
            if isinstance(name, Name)
            else format_number(name, locale)
            if _is_clock(name)
            else medium.name(name)
            for name in value.items
        ]
    if len(items) > MORE_THAN:
        more = len(items) - MORE_THAN
        template = gettext("%(num)s more") if gettext else "%(num)s more"
        items = [*items[:MORE_THAN], template % {"num": format_number(more, locale)}]
    if not items:
        return ""
    # The list's pattern around placeholders, then the items: an HTML list keeps its <bdi>.
    pattern = format_list([f"%(item{n})s" for n in range(len(items))], locale=locale)
    return medium.sentence(pattern) % {f"item{n}": item for n, item in enumerate(items)}


def _is_clock(text) -> bool:
    """'09:30–10:30' and the like: digits that Persian readers expect in Persian."""
    return isinstance(text, str) and bool(text) and all(c.isdigit() or c in ":–-, " for c in text)
