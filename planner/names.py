"""Countries and languages by name in the reader's language, sorted as that reader looks them up.

Babel has CLDR's names but not its collation, and code point order is wrong for Persian
(پ, چ, ژ, ک, گ and ی lie outside the Arabic block, so "پاکستان" would come after "یمن").
`sort_key` is close enough to CLDR's order for the names here: accents and case are ignored
first (Åland Islands sits among the A's), Persian letters go in the order of the alphabet.
"""

import unicodedata
from collections.abc import Iterable
from functools import cache
from typing import Protocol

from babel import Locale

from planner.config import LANGUAGES
from planner.rules import COUNTRY_CODES, LANGUAGE_CODES

# The alphabet in CLDR's Persian order: آ before ا, and the hamza (with أ, إ, ؤ, ئ as forms of
# it) after ا. Arabic forms of letters count as the Persian letter (ك as ک, ي as ی, ة as ه).
PERSIAN_ALPHABET = "آاءبپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
PERSIAN_RANK = {letter: rank for rank, letter in enumerate(PERSIAN_ALPHABET)}
PERSIAN_FORMS = str.maketrans("كيىةۀأإؤئٱ", "کییههءءءءا")
# The zero-width non-joiner and joiner and the tatweel only shape letters.
SHAPING = frozenset("\u200c\u200d\u0640")


def sort_key(name: str) -> tuple:
    """Letters by their base form and, for Persian, alphabet order; spaces and punctuation
    before any letter; the name itself settles ties (A before Å)."""
    primary = []
    for char in unicodedata.normalize("NFC", name).translate(PERSIAN_FORMS):
        if char in PERSIAN_RANK:
            primary.append((1, PERSIAN_RANK[char]))
            continue
        for part in unicodedata.normalize("NFKD", char):
            if unicodedata.combining(part) or part in SHAPING:
                continue
            if part.isalnum():
                primary.extend((2, ord(folded)) for folded in part.casefold())
            else:
                primary.append((0, 0))
    return tuple(primary), name


def by_name(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """(code, name) pairs sorted by name."""
    return tuple(sorted(pairs, key=lambda pair: sort_key(pair[1])))


@cache
def country_names(language: str) -> tuple[tuple[str, str], ...]:
    """(code, name) of every country a field may hold, named and sorted in `language`."""
    names = Locale.parse(language).territories
    return by_name((code, names.get(code, code)) for code in COUNTRY_CODES)


@cache
def language_names(language: str) -> tuple[tuple[str, str], ...]:
    """(code, name) of every language a field may hold, named and sorted in `language`."""
    names = Locale.parse(language).languages
    return by_name((code, names.get(code, code)) for code in LANGUAGE_CODES)


def name_key(name: str | None) -> str:
    """A name as two planners would both mean it: "Falak-ol-Aflak Castle" and " falak ol aflak
    castle" are one key, as are ي and ی. Only letters and digits count, case folded."""
    if not name:
        return ""
    text = unicodedata.normalize("NFKC", name).translate(PERSIAN_FORMS)
    return "".join(char for char in text.casefold() if char.isalnum())


# --- Names of people, venues and organizations in the reader's script ----------------------
# A venue, an organization or a person may have a second name stored besides the Latin one
# ("in its own language", "in their own script"). Persian pages show it when it is written
# in the Persian (Arabic) script, so a Kazakh's Cyrillic name is not shown to a Persian
# reader; every other page shows the Latin one.

PERSIAN_SCRIPT_LANGUAGES = frozenset({"fa"})


def in_persian_script(text: str | None) -> bool:
    """True when every letter of `text` is an Arabic-script letter (Persian, Arabic)."""
    letters = [char for char in text or "" if char.isalpha()]
    return bool(letters) and all(
        "\u0600" <= char <= "\u06ff" or "\ufb50" <= char <= "\ufeff" for char in letters
    )


def persian_or_none(text: str | None) -> str | None:
    """`text` when it is a name in the Persian script, else None."""
    return text if in_persian_script(text) else None


def name_in(language: str, latin: str, persian: str | None) -> str:
    """The name a reader of `language` reads: the Persian one on Persian pages when there is
    one, else the Latin one."""
    if persian and language in PERSIAN_SCRIPT_LANGUAGES:
        return persian
    return latin


class HasTwoNames(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def name_native(self) -> str | None: ...


class NamedInTwoScripts:
    """The names in the reader's script of a record with a Latin `name` and a stored
    `name_native` (a venue, an organization)."""

    @property
    def persian_name(self: HasTwoNames) -> str | None:
        """The stored native name when it is in the Persian script."""
        return persian_or_none(self.name_native)

    def name_in(self: HasTwoNames, language: str) -> str:
        """The name a reader of `language` reads: Persian on Persian pages when stored."""
        return name_in(language, self.name, persian_or_none(self.name_native))

    def other_name_in(self: HasTwoNames, language: str) -> str | None:
        """The stored name the reader of `language` is not shown first, if there is one."""
        shown = name_in(language, self.name, persian_or_none(self.name_native))
        other = self.name if shown != self.name else self.name_native
        return other if other and other != shown else None


def search_text(*names: str | None) -> str:
    """What a picker's filter matches an option against (static/js/picker.js): its names in
    every script, joined; the script folds case, accents and Arabic letter forms."""
    seen: list[str] = []
    for name in names:
        if name and name not in seen:
            seen.append(name)
    return " | ".join(seen)


@cache
def country_search() -> dict[str, str]:
    """{code: what a country picker matches}: its name in every language of the pages and
    its code, so "Tur" and "تر" both find Turkey on either page."""
    named = [dict(country_names(language)) for language in LANGUAGES]
    return {code: search_text(*(names[code] for names in named), code) for code in COUNTRY_CODES}


@cache
def language_search() -> dict[str, str]:
    """{code: what a language picker matches}, as country_search."""
    named = [dict(language_names(language)) for language in LANGUAGES]
    return {code: search_text(*(names[code] for names in named), code) for code in LANGUAGE_CODES}
