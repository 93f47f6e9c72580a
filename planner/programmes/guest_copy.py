"""The copy of a programme handed to a guest: their language, and who is with them at a stop.

Plain functions over participants and stops: no request, so a test reads them directly.
"""

from dataclasses import dataclass
from datetime import date

from planner.calendars.mail.letters import letter_locale
from planner.config import LANGUAGES
from planner.timefmt import format_number, format_pattern
from planner.visits.models import Participant, ParticipantRole, Side


def guest_language(participant: Participant, office_locale: str, asked: str | None = None) -> str:
    """The language the copy is printed in: the one asked for, if Pishvaz writes it, else the
    participant's own, chosen as their letters are (planner/calendars/mail/letters.py)."""
    if asked is not None and asked in LANGUAGES:
        return asked
    return letter_locale(participant.person, office_locale)


# Whom a reader meets first: a guest, the hosts; a host or a member of staff, the delegation.
_COUNTERPART = {
    Side.DELEGATION: (Side.HOST, Side.DELEGATION, Side.SUPPORT),
    Side.HOST: (Side.DELEGATION, Side.HOST, Side.SUPPORT),
    Side.SUPPORT: (Side.DELEGATION, Side.HOST, Side.SUPPORT),
}


def _rank(reader: Participant):
    sides = _COUNTERPART[reader.side]

    def rank(someone: Participant) -> tuple:
        leads = someone.role != ParticipantRole.HEAD_OF_DELEGATION
        return (sides.index(someone.side), leads, someone.precedence, someone.id)

    return rank


@dataclass(frozen=True)
class Company:
    """Who else attends a stop, as a guest copy says it: 'with <principal> and 4 others'."""

    principal: Participant | None
    others: int


def company(attendees, reader: Participant) -> Company:
    """The most senior attendee other than the reader (the other side's first by role and
    precedence, the head of delegation ahead of their side), and how many more there are."""
    others = [someone for someone in attendees if someone.id != reader.id]
    if not others:
        return Company(None, 0)
    principal = min(others, key=_rank(reader))
    return Company(principal, len(others) - 1)


def _persian_script(text: str) -> bool:
    return any("\u0600" <= letter <= "\u06ff" for letter in text)


def in_reader_script(latin: str, native: str | None, language: str) -> str:
    """A name as a reader of `language` reads it: the stored Persian one on a Persian copy,
    else the Latin one (a Kazakh venue's Cyrillic name helps neither reader)."""
    if language == "fa" and native and _persian_script(native):
        return native
    return latin


def gregorian_date(day: date, language: str) -> str | None:
    """The Gregorian date beside a Persian copy's Jalali one ('۱۵ دسامبر ۲۰۲۶'), as a guest
    compares it with their own diary; None where the date shown is Gregorian already."""
    if language != "fa":
        return None
    return format_number(format_pattern(day, "d MMMM y", language), language)
