"""Form pieces shared by every domain: choices from enums, lists of language codes."""

from collections.abc import Iterable

from wtforms import SelectChoice


def select_choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs, e.g. `select_choices(StopKind.choices())`."""
    return [SelectChoice(value, label) for value, label in pairs]


def strip_whitespace(value):
    """A WTForms filter: what people paste often carries spaces at either end."""
    return value.strip() if isinstance(value, str) else value
