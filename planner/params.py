"""A page's query string (?q=, ?organization=) read within the bounds the API keeps too.

An id no row can have is a 404 and a value nobody could mean is a 400 that says why, so
that nothing a visitor types into the address reaches the database as an error (500).
"""

from flask import abort, request
from flask_babel import gettext as _

from planner.rules import MAX_ID, nul_error

# What a search box could hold; anything longer is cut, since no name runs that long.
MAX_SEARCH_LENGTH = 200


def id_arg(name: str) -> int | None:
    """The id in ?<name>=..., None when it is absent or empty."""
    value = (request.args.get(name) or "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        abort(400, _("“%(name)s” in the address must be a number.", name=name))
    digits = value.lstrip("0") or "0"
    # More digits than 32 bits hold name nothing (and int() of thousands of them is refused).
    if len(digits) > len(str(MAX_ID)) or not 1 <= int(digits) <= MAX_ID:
        abort(404)
    return int(digits)


def text_arg(name: str, max_length: int = MAX_SEARCH_LENGTH) -> str:
    """The text in ?<name>=..., trimmed and cut to max_length; "" when absent."""
    text = (request.args.get(name) or "").strip()
    if (message := nul_error(text)) is not None:
        abort(400, str(message))
    return text[:max_length]


# More pages than any list could fill; a longer number is a typing slip, not a page.
MAX_PAGE = 99_999


def page_arg() -> int:
    """The page number in ?page=..., 1 when it is absent; 400 for one no list could have."""
    value = (request.args.get("page") or "").strip()
    if not value:
        return 1
    digits = value.lstrip("0")
    if not (value.isascii() and value.isdigit()) or not digits or len(digits) > len(str(MAX_PAGE)):
        abort(400, _("“page” in the address must be a page number from 1 up."))
    return int(digits)
