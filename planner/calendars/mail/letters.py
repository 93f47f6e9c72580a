"""What a letter says and how it is built: the words, the calendar, the MIME structure.

Each letter is written in its reader's language (letter_locale), right to left with Solar
Hijri dates for Persian; names are isolated so a Latin title cannot turn a Persian sentence
around. Plain functions from a plan (plans.py) to an EmailMessage; nothing is stored here.
"""

import email.header
import email.policy
import email.utils
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.message import EmailMessage
from functools import cache

import jinja2
from babel.languages import get_official_languages
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from planner.bidi import isolate_text
from planner.calendars.mail.plans import (
    Cancellation,
    Change,
    Invitation,
    StatusChange,
    TimeChange,
)
from planner.calendars.models import Method
from planner.config import LANGUAGES, ROOT
from planner.i18n import RTL_LANGUAGES, text_gettext
from planner.itinerary.models import Stop
from planner.people.models import Person as DirectoryPerson
from planner.rules import single_line
from planner.timefmt import (
    format_date,
    format_short_date,
    format_time,
    to_local,
    utc_offset_label,
)
from planner.visits.models import Visit


class _MailPolicy(email.policy.EmailPolicy):
    """SMTP's policy, but a non-ASCII subject is encoded whole, in RFC 2047 chunks.

    Python 3.11's folder drops the space between two encoded words when it folds a long
    subject there (a Persian subject with an isolated Latin title, for one); the older
    Header encoder keeps every space inside the encoded text.
    """

    def fold(self, name, value):
        if name.lower() == "subject" and not value.isascii():
            encoded = email.header.Header(value, "utf-8", header_name=name).encode(self.linesep)
            return f"{name}: {encoded}{self.linesep}"
        return super().fold(name, value)


# Quoted-printable or base64 bodies: the stored text is plain ASCII with CRLF line ends,
# which any SMTP server takes as it is, with or without 8BITMIME.
POLICY = _MailPolicy().clone(linesep="\r\n", cte_type="7bit")  # email.policy.SMTP, 7-bit


# The same, said to the participant in the cancellation message.
DEPARTURE_NOTES = {
    "removed": _l("You are no longer expected at this stop."),
    "cancelled": _l("This stop is cancelled."),
    "binned": _l("This stop was taken off the programme."),
}

CHANGE_LABELS = {
    "time": _l("Time"),
    "venue": _l("Place"),
    "title": _l("Title"),
    "status": _l("Status"),
}


def letter_locale(person: DirectoryPerson, office_locale: str) -> str:
    """The language to write to someone in, among those Pishvaz writes: their country's, if
    they speak it (an Iranian host reads Persian); else the office's, English, or any other
    they speak, in that order; else the office's."""
    spoken = [code for code in person.languages or () if code in LANGUAGES]
    national = get_official_languages(person.nationality) if person.nationality else ()
    for code in (*national, office_locale, "en", *spoken):
        if code in spoken:
            return code
    return office_locale


@dataclass(frozen=True)
class MailSettings:
    sender: str  # the From: address and the calendar ORGANIZER
    office_name: str
    smtp_host: str
    smtp_port: int
    smtp_username: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_starttls: bool = False
    smtp_timeout: float = 20
    locale: str = "en"  # the language of the messages, whoever clicks "Send"
    # For the reply link in each invitation (planner/calendars/replies.py); none without.
    base_url: str = ""
    secret: str = field(default="", repr=False)

    @classmethod
    def from_config(cls, config) -> "MailSettings":
        return cls(
            sender=config["MAIL_SENDER"],
            office_name=config["OFFICE_NAME"],
            smtp_host=config["SMTP_HOST"],
            smtp_port=int(config["SMTP_PORT"]),
            smtp_username=config.get("SMTP_USERNAME") or "",
            smtp_password=config.get("SMTP_PASSWORD") or "",
            smtp_starttls=bool(config.get("SMTP_STARTTLS")),
            smtp_timeout=float(config.get("SMTP_TIMEOUT") or 20),
            locale=config.get("BABEL_DEFAULT_LOCALE") or "en",
            base_url=config.get("BASE_URL") or "",
            secret=config.get("SECRET_KEY") or "",
        )


# --- Words: what the preview page and the message say ----------------------------------------


def zone_city(zone_name: str) -> str:
    return zone_name.rsplit("/", 1)[-1].replace("_", " ")


def time_range(starts_at: datetime, ends_at: datetime, zone_name: str, locale: str) -> str:
    return f"{format_time(starts_at, zone_name, locale)}–{format_time(ends_at, zone_name, locale)}"


def dated_range(starts_at: datetime, ends_at: datetime, zone_name: str, locale: str) -> str:
    day = format_short_date(to_local(starts_at, zone_name).date(), locale)
    return f"{day} {time_range(starts_at, ends_at, zone_name, locale)}"


def home_range(starts_at: datetime, ends_at: datetime, visit: Visit, locale: str) -> str | None:
    """The delegation's clock beside the host's, where the two differ."""
    home = visit.delegation_timezone
    if (
        not home
        or to_local(starts_at, home).utcoffset() == to_local(starts_at, visit.timezone).utcoffset()
    ):
        return None
    return f"{zone_city(home)} {time_range(starts_at, ends_at, home, locale)}"


def describe_change(change: Change, zone_name: str, locale: str) -> tuple[str, str, str]:
    """(what, before, after) in words; times in the visit's local time."""
    label = str(CHANGE_LABELS[change.field])
    if isinstance(change, TimeChange):
        (old_start, old_end), (new_start, new_end) = change.before, change.after
        same_day = to_local(old_start, zone_name).date() == to_local(new_start, zone_name).date()
        words = time_range if same_day else dated_range
        return (
            label,
            words(old_start, old_end, zone_name, locale),
            words(new_start, new_end, zone_name, locale),
        )
    if isinstance(change, StatusChange):
        before = change.before.label if change.before is not None else _("unknown")
        return label, str(before), str(change.after.label)
    if change.field == "venue":
        nowhere = _("no venue")
        return label, change.before or nowhere, change.after or nowhere
    return label, str(change.before), str(change.after)


# --- Messages: the letter, the calendar, the MIME structure ------------------------------------


@dataclass(frozen=True)
class LetterItem:
    when: str
    home_when: str | None
    title: str
    place: tuple[str, ...]
    description: str = ""
    notes: tuple[str, ...] = ()
    cancelled: bool = False


@dataclass(frozen=True)
class LetterSection:
    heading: str
    items: tuple[LetterItem, ...]


@dataclass(frozen=True)
class Letter:
    """The readable body of a message, rendered once as text and once as HTML."""

    subject: str
    greeting: str
    paragraphs: tuple[str, ...]
    sections: tuple[LetterSection, ...]
    closing: str
    signature: str
    locale: str
    # Where the reader accepts or declines the stop (an invitation's), with its words.
    reply_url: str | None = None
    reply_words: str = ""


def _place(stop: Stop, locale: str) -> tuple[str, ...]:
    venue = stop.venue
    if venue is None:
        return ()
    address = venue.address or ""
    if venue.city and venue.city not in address:
        address = f"{address}, {venue.city}" if address else venue.city
    return tuple(line for line in (venue.name_in(locale), address) if line)


def _item(stop: Stop, visit: Visit, locale: str, *, dated: bool, notes=()) -> LetterItem:
    ranges = dated_range if dated else time_range
    return LetterItem(
        when=ranges(stop.starts_at, stop.ends_at, visit.timezone, locale),
        home_when=home_range(stop.starts_at, stop.ends_at, visit, locale),
        title=single_line(stop.title),
        place=_place(stop, locale),
        description=stop.public_description or "",  # never staff_notes
        notes=tuple(notes),
    )


def _visit_dates(visit: Visit, locale: str) -> str:
    first = format_date(visit.start_date, locale)
    if visit.end_date == visit.start_date:
        return first
    return f"{first} – {format_date(visit.end_date, locale)}"


def _times_paragraph(visit: Visit, first: datetime) -> str:
    text = text_gettext(
        "Times are local time in %(city)s (%(zone)s, %(offset)s).",
        city=visit.host_city or zone_city(visit.timezone),
        zone=visit.timezone,
        offset=utc_offset_label(first, visit.timezone),
    )
    if visit.delegation_timezone and visit.delegation_timezone != visit.timezone:
        text += " " + text_gettext(
            "The time in %(city)s is given beside each one.",
            city=zone_city(visit.delegation_timezone),
        )
    return text


def _letter(visit, participant, settings, subject, paragraphs, sections, first) -> Letter:
    return Letter(
        subject=subject,
        greeting=text_gettext("Dear %(name)s,", name=participant.person.name_in(settings.locale)),
        paragraphs=(*paragraphs, _times_paragraph(visit, first)),
        sections=tuple(sections),
        closing=_("With kind regards,"),
        signature=settings.office_name,
        locale=settings.locale,
    )


def invitation_letter(
    visit,
    participant,
    invitation: Invitation,
    settings: MailSettings,
    *,
    kind: str,
    reply_url: str | None = None,
) -> Letter:
    """The letter of one REQUEST: a stop of the programme (kind "programme"), or a stop new
    in it or changed since (kind "updates"). One stop a letter: Outlook and Gmail act on the
    first event of an invitation only."""
    locale = settings.locale
    stop = invitation.stop
    title = single_line(stop.title)
    if kind == "programme":
        day = format_date(to_local(stop.starts_at, visit.timezone).date(), locale)
        section = LetterSection(day, (_item(stop, visit, locale, dated=False),))
        intro = text_gettext(
            "You are invited to this stop of your programme for the visit “%(title)s”, "
            "%(dates)s. The invitation in this message adds it to your calendar; each stop "
            "of your programme comes in a message of its own.",
            title=visit.title,
            dates=_visit_dates(visit, locale),
        )
        subject = text_gettext("Invitation: %(stop)s", stop=title)
    elif invitation.is_new:
        section = LetterSection(
            _("New in your programme"), (_item(stop, visit, locale, dated=True),)
        )
        intro = text_gettext(
            "This stop is new in your programme for the visit “%(title)s”. "
            "The invitation in this message adds it to your calendar.",
            title=visit.title,
        )
        subject = text_gettext("Invitation: %(stop)s", stop=title)
    else:
        arrow = "←" if locale in RTL_LANGUAGES else "→"
        notes = []
        for change in invitation.changes:
            what, before, after = describe_change(change, visit.timezone, locale)
            if change.field != "time":  # a title or a venue keeps its own direction
                before, after = isolate_text(before), isolate_text(after)
            notes.append(f"{what}: {before} {arrow} {after}")
        section = LetterSection(
            _("Changed"), (_item(stop, visit, locale, dated=True, notes=notes),)
        )
        intro = text_gettext(
            "This stop of your programme for the visit “%(title)s” has changed. "
            "The invitation in this message updates your calendar.",
            title=visit.title,
        )
        subject = text_gettext("Changed: %(stop)s", stop=title)
    letter = _letter(visit, participant, settings, subject, [intro], [section], stop.starts_at)
    if reply_url is None:
        return letter
    return replace(
        letter,
        reply_url=reply_url,
        reply_words=_("Will you attend? Accept or decline this stop here:"),
    )


def cancellation_letter(
    visit, participant, cancellation: Cancellation, settings: MailSettings
) -> Letter:
    """The letter of one CANCEL, for a stop that left the participant's programme."""
    locale = settings.locale
    sent = cancellation.sent  # what their calendar shows, not what the stop became
    item = LetterItem(
        when=dated_range(sent.starts_at, sent.ends_at, visit.timezone, locale),
        home_when=home_range(sent.starts_at, sent.ends_at, visit, locale),
        title=single_line(sent.title),
        place=(single_line(sent.venue_name),) if sent.venue_name else (),
        notes=(str(DEPARTURE_NOTES[cancellation.reason]),),
        cancelled=True,
    )
    intro = text_gettext(
        "The following is no longer in your programme for the visit “%(title)s”. "
        "The cancellation in this message removes it from your calendar.",
        title=visit.title,
    )
    subject = text_gettext("Cancelled: %(stop)s", stop=single_line(sent.title))
    sections = [LetterSection(_("Cancelled"), (item,))]
    return _letter(visit, participant, settings, subject, [intro], sections, sent.starts_at)


def letter_text(letter: Letter) -> str:
    lines = [letter.greeting, ""]
    for paragraph in letter.paragraphs:
        lines += [paragraph, ""]
    for section in letter.sections:
        lines += [section.heading, "=" * len(section.heading), ""]
        for item in section.items:
            when = item.when + (f"  ({item.home_when})" if item.home_when else "")
            lines += [when, item.title, *item.place]
            if item.description:
                lines.append(item.description)
            lines += [f"* {note}" for note in item.notes]
            lines.append("")
    if letter.reply_url:
        lines += [letter.reply_words, letter.reply_url, ""]
    lines += [letter.closing, letter.signature, ""]
    return "\n".join(lines)


@cache
def _mail_templates() -> jinja2.Environment:
    # The message is rendered outside any request, so not with the app's own environment.
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(ROOT / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def letter_html(letter: Letter) -> str:
    template = _mail_templates().get_template("calendars/mail_message.html")
    direction = "rtl" if letter.locale in RTL_LANGUAGES else "ltr"
    return template.render(letter=letter, direction=direction)


def build_message(
    letter: Letter,
    calendar: bytes,
    *,
    method: Method,
    to: tuple[str, str],
    settings: MailSettings,
    now: datetime,
) -> EmailMessage:
    """multipart/mixed: the text, HTML and calendar alternatives, then invite.ics attached.

    The calendar part's `method=` parameter is what Outlook looks at: without it a
    cancellation is shown as an ordinary attachment and the event stays in the calendar.
    """
    message = EmailMessage(policy=POLICY)
    name, address = to
    message["Subject"] = single_line(letter.subject)
    message["From"] = email.utils.formataddr((single_line(settings.office_name), settings.sender))
    message["To"] = email.utils.formataddr((single_line(name), single_line(address)))
    message["Date"] = email.utils.format_datetime(now.astimezone(UTC))
    message["Message-ID"] = email.utils.make_msgid(
        domain=settings.sender.rpartition("@")[2] or None
    )
    message.set_content(letter_text(letter))
    message.add_alternative(letter_html(letter), subtype="html")
    message.add_alternative(
        calendar,
        maintype="text",
        subtype="calendar",
        params={"method": method.value, "charset": "utf-8"},
    )
    message.add_attachment(calendar, maintype="application", subtype="ics", filename="invite.ics")
    return message
