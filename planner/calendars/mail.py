"""iTIP e-mail (RFC 5546): each participant's programme as an invitation, then only what changed.

Plans say who gets what; messages are queued in the mail log (MailMessage, the whole text
kept), then sent over SMTP. SentEvent remembers what each participant's calendar was last
sent for each stop, and moves only when a message actually went out, so a failed update is
offered again. Plain functions over the session and model objects: no request, the view commits.
"""

import email.header
import email.policy
import email.utils
import hashlib
import smtplib
import ssl
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.message import EmailMessage
from functools import cache

import icalendar
import jinja2
import sqlalchemy as sa
from babel.languages import get_official_languages
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from planner import ROOT
from planner.bidi import isolate_text
from planner.calendars.events import EventOptions, is_live, stop_event
from planner.calendars.ics import EVENT_STATUS, CalendarInfo, Person, build_calendar
from planner.calendars.models import MailMessage, MailStatus, Method, SentEvent
from planner.config import LANGUAGES
from planner.i18n import RTL_LANGUAGES, text_gettext, text_ngettext
from planner.itinerary.models import Stop, StopStatus
from planner.people.models import Person as DirectoryPerson
from planner.rules import single_line
from planner.timefmt import (
    format_date,
    format_short_date,
    format_time,
    to_local,
    utc_offset_label,
)
from planner.visits.models import Participant, Visit


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

STATUS_FROM_CALENDAR = {value: StopStatus(key) for key, value in EVENT_STATUS.items()}

# Why a stop left someone's programme, in the words of the preview page and the message.
DEPARTURE_REASONS = {
    "removed": _l("no longer attending"),
    "cancelled": _l("the stop is cancelled"),
    "binned": _l("the stop was taken off the programme"),
}

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
        )


# --- Plans: who gets what ------------------------------------------------------------------


@dataclass(frozen=True)
class TimeChange:
    before: tuple[datetime, datetime]  # (starts_at, ends_at)
    after: tuple[datetime, datetime]
    field = "time"


@dataclass(frozen=True)
class TextChange:
    field: str  # venue (a name, None for no venue) | title
    before: str | None
    after: str | None


@dataclass(frozen=True)
class StatusChange:
    before: StopStatus | None  # None when the mail log does not say
    after: StopStatus
    field = "status"


# One thing a participant's calendar shows differently now: raw values, worded on output.
Change = TimeChange | TextChange | StatusChange


@dataclass(frozen=True)
class Invitation:
    """A stop in a REQUEST: new to the participant, or changed since they last heard."""

    stop: Stop
    sequence: int
    changes: tuple[Change, ...] = ()

    @property
    def is_new(self) -> bool:
        return not self.changes


@dataclass(frozen=True)
class Cancellation:
    """A stop that left the participant's programme after they were invited to it."""

    stop: Stop
    sent: SentEvent  # what their calendar shows
    sequence: int
    reason: str  # a key of DEPARTURE_REASONS

    @property
    def reason_label(self) -> str:
        return str(DEPARTURE_REASONS[self.reason])


@dataclass
class RecipientPlan:
    participant: Participant
    invitations: list[Invitation] = field(default_factory=list)
    cancellations: list[Cancellation] = field(default_factory=list)

    @property
    def address(self) -> str:
        """Only a participant with an address is planned any message."""
        email = self.participant.person.email
        if not email:
            raise ValueError(f"participant {self.participant.id} has no e-mail address")
        return email

    @property
    def new(self) -> list[Invitation]:
        return [i for i in self.invitations if i.is_new]

    @property
    def changed(self) -> list[Invitation]:
        return [i for i in self.invitations if not i.is_new]

    @property
    def message_count(self) -> int:
        return bool(self.invitations) + bool(self.cancellations)


@dataclass
class MailPlan:
    visit: Visit
    kind: str  # programme | updates
    recipients: list[RecipientPlan]
    # People who attend stops but have no address: the office must tell them another way.
    without_address: list[Participant]
    unaffected: int = 0  # participants with an address who get nothing
    never_sent: bool = False  # no invitation has gone out for this visit yet

    @property
    def message_count(self) -> int:
        return sum(r.message_count for r in self.recipients)

    @property
    def fingerprint(self) -> str:
        """Changes whenever what would be sent changes: the preview the planner read is
        compared with the plan at the moment they press Send."""
        digest = hashlib.sha256()
        for recipient in self.recipients:
            digest.update(f"{recipient.participant.id}:{recipient.address}\n".encode())
            for item in recipient.invitations:
                stop = item.stop
                digest.update(
                    f"R{stop.id}:{item.sequence}:{stop.starts_at.isoformat()}:"
                    f"{stop.ends_at.isoformat()}:{stop.venue_id}:{stop.status}:{stop.title}\n".encode()
                )
            for cancellation in recipient.cancellations:
                digest.update(f"C{cancellation.stop.id}:{cancellation.sequence}\n".encode())
        return digest.hexdigest()[:32]


def _visit_stops(session, visit: Visit) -> list[Stop]:
    return list(
        session.scalars(
            sa.select(Stop)
            .where(Stop.visit_id == visit.id)
            .options(selectinload(Stop.venue), selectinload(Stop.attendees))
            .order_by(Stop.starts_at, Stop.id)
        )
    )


def _programmes(visit: Visit, stops: list[Stop]) -> dict[int, list[Stop]]:
    """Each participant's live stops (not binned, not cancelled), in time order."""
    programmes: dict[int, list[Stop]] = {p.id: [] for p in visit.participants}
    for stop in stops:
        if is_live(stop):
            for attendee in stop.attendees:
                programmes.setdefault(attendee.id, []).append(stop)
    return programmes


def _request_sequence(stop: Stop, sent: SentEvent | None) -> int:
    """The stop's SEQUENCE, but never at or below a cancellation the participant already holds."""
    if sent is None:
        return stop.sequence
    floor = sent.sequence + 1 if sent.method == Method.CANCEL else sent.sequence
    return max(stop.sequence, floor)


def plan_programme(session, visit: Visit) -> MailPlan:
    """Everyone with an address and at least one live stop: one invitation listing all of them."""
    programmes = _programmes(visit, _visit_stops(session, visit))
    sent = _sent_events(session, visit)
    recipients, without_address = [], []
    for participant in visit.participants:
        stops = programmes.get(participant.id, [])
        if not stops:
            continue
        if not participant.person.email:
            without_address.append(participant)
            continue
        last = sent.get(participant.id, {})
        recipients.append(
            RecipientPlan(
                participant,
                [Invitation(stop, _request_sequence(stop, last.get(stop.id))) for stop in stops],
            )
        )
    return MailPlan(visit, "programme", recipients, without_address)


def _sent_events(session, visit: Visit) -> dict[int, dict[int, SentEvent]]:
    """participant id -> stop id -> the last thing mailed to them about that stop."""
    rows = session.scalars(
        sa.select(SentEvent)
        .join(Participant, SentEvent.participant_id == Participant.id)
        .where(Participant.visit_id == visit.id)
    )
    sent: dict[int, dict[int, SentEvent]] = {}
    for row in rows:
        sent.setdefault(row.participant_id, {})[row.stop_id] = row
    return sent


def plan_updates(session, visit: Visit) -> MailPlan:
    """Only what changed since each participant's last message.

    New stops (never sent, or last sent as cancelled) and changed ones (time, place, title
    or status) go into one REQUEST; stops that left the programme after a REQUEST go into
    one CANCEL. A SEQUENCE that rose without anything the participant's calendar shows
    changing (someone else joined or left the stop) disturbs nobody.
    """
    stops = _visit_stops(session, visit)
    programmes = _programmes(visit, stops)
    sent = _sent_events(session, visit)
    stops_by_id = {stop.id: stop for stop in stops}
    recipients, without_address, unaffected = [], [], 0
    for participant in visit.participants:
        programme = programmes.get(participant.id, [])
        if not participant.person.email:
            if programme:
                without_address.append(participant)
            continue
        last = sent.get(participant.id, {})
        statuses = _StatusesSent(session, participant)
        plan = RecipientPlan(participant)
        for stop in programme:
            previous = last.get(stop.id)
            if previous is None or previous.method == Method.CANCEL:
                plan.invitations.append(Invitation(stop, _request_sequence(stop, previous)))
            elif changes := _changes(previous, stop, statuses):
                plan.invitations.append(
                    Invitation(stop, _request_sequence(stop, previous), tuple(changes))
                )
        programme_ids = {stop.id for stop in programme}
        for stop_id, previous in last.items():
            if previous.method != Method.REQUEST or stop_id in programme_ids:
                continue
            stop = stops_by_id[stop_id]
            plan.cancellations.append(
                Cancellation(
                    stop,
                    previous,
                    max(stop.sequence, previous.sequence + 1),
                    _departure_reason(stop),
                )
            )
        plan.cancellations.sort(key=lambda c: (c.sent.starts_at, c.stop.id))
        if plan.invitations or plan.cancellations:
            recipients.append(plan)
        else:
            unaffected += 1
    return MailPlan(visit, "updates", recipients, without_address, unaffected, never_sent=not sent)


def plan_farewell(session, visit: Visit, participant: Participant) -> MailPlan:
    """A CANCEL for every stop a participant was invited to, before they leave the visit.

    Once their participant row is gone there is nobody to send it to: their calendar would
    keep the stops for good. The stops' SEQUENCE rises when they are taken off (attendee
    change), so the CANCEL is one above the stop's current SEQUENCE.
    """
    sent = _sent_events(session, visit).get(participant.id, {})
    plan = RecipientPlan(participant)
    if participant.person.email:
        stops = {stop.id: stop for stop in _visit_stops(session, visit)}
        for stop_id, previous in sent.items():
            if previous.method != Method.REQUEST or stop_id not in stops:
                continue
            stop = stops[stop_id]
            sequence = max(stop.sequence + 1, previous.sequence + 1)
            plan.cancellations.append(Cancellation(stop, previous, sequence, "removed"))
    plan.cancellations.sort(key=lambda c: (c.sent.starts_at, c.stop.id))
    recipients = [plan] if plan.cancellations else []
    return MailPlan(visit, "updates", recipients, [])


def _departure_reason(stop: Stop) -> str:
    if stop.deleted_at is not None:
        return "binned"
    if stop.is_cancelled:
        return "cancelled"
    return "removed"


def _changes(sent: SentEvent, stop: Stop, statuses: "_StatusesSent") -> list[Change]:
    changes: list[Change] = []
    if (sent.starts_at, sent.ends_at) != (stop.starts_at, stop.ends_at):
        changes.append(TimeChange((sent.starts_at, sent.ends_at), (stop.starts_at, stop.ends_at)))
    # Compared as calendars are sent them, on one line: a title stored with a line break
    # (before titles had to be one line) must not read as changed at every send.
    venue_before = single_line(sent.venue_name) or None
    venue_name = single_line(stop.venue.name) if stop.venue is not None else None
    if venue_before != venue_name:
        changes.append(TextChange("venue", venue_before, venue_name))
    title_before, title = single_line(sent.title), single_line(stop.title)
    if title_before != title:
        changes.append(TextChange("title", title_before, title))
    # Every change of status raises the SEQUENCE; only then is the sent status worth looking up.
    if stop.sequence > sent.sequence:
        before = statuses.get(stop.calendar_uid)
        if before != stop.status:
            changes.append(StatusChange(before, stop.status))
    return changes


class _StatusesSent:
    """The STATUS each stop had in the messages a participant was sent, read from the mail
    log on first need (SentEvent keeps times, place and title, but not the status)."""

    def __init__(self, session, participant: Participant):
        self.session, self.participant = session, participant
        self.statuses: dict[str, StopStatus | None] | None = None

    def get(self, uid: str) -> StopStatus | None:
        if self.statuses is None:
            self.statuses = {}
            messages = self.session.scalars(
                sa.select(MailMessage)
                .where(
                    MailMessage.participant_id == self.participant.id,
                    MailMessage.status == MailStatus.SENT,
                )
                .order_by(MailMessage.sent_at, MailMessage.id)
            )
            newest: dict[str, int] = {}
            for message in messages:
                for vevent in message_calendar(message.body).walk("VEVENT"):
                    sent_uid, sequence = str(vevent["UID"]), int(vevent.get("SEQUENCE", 0))
                    # As in record_sent: a late retry of an older message changes nothing.
                    if sequence >= newest.get(sent_uid, -1):
                        newest[sent_uid] = sequence
                        status = str(vevent.get("STATUS", ""))
                        self.statuses[sent_uid] = STATUS_FROM_CALENDAR.get(status)
        return self.statuses.get(uid)


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


def _place(stop: Stop) -> tuple[str, ...]:
    venue = stop.venue
    if venue is None:
        return ()
    address = venue.address or ""
    if venue.city and venue.city not in address:
        address = f"{address}, {venue.city}" if address else venue.city
    return tuple(line for line in (venue.name, address) if line)


def _item(stop: Stop, visit: Visit, locale: str, *, dated: bool, notes=()) -> LetterItem:
    ranges = dated_range if dated else time_range
    return LetterItem(
        when=ranges(stop.starts_at, stop.ends_at, visit.timezone, locale),
        home_when=home_range(stop.starts_at, stop.ends_at, visit, locale),
        title=single_line(stop.title),
        place=_place(stop),
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
        greeting=text_gettext("Dear %(name)s,", name=participant.person.display_name),
        paragraphs=(*paragraphs, _times_paragraph(visit, first)),
        sections=tuple(sections),
        closing=_("With kind regards,"),
        signature=settings.office_name,
        locale=settings.locale,
    )


def programme_letter(visit, recipient: RecipientPlan, settings: MailSettings) -> Letter:
    locale = settings.locale
    days: dict = {}
    for invitation in recipient.invitations:
        day = to_local(invitation.stop.starts_at, visit.timezone).date()
        days.setdefault(day, []).append(_item(invitation.stop, visit, locale, dated=False))
    intro = text_gettext(
        "Here is your programme for the visit “%(title)s”, %(dates)s. "
        "The invitation in this message adds it to your calendar.",
        title=visit.title,
        dates=_visit_dates(visit, locale),
    )
    sections = [
        LetterSection(format_date(day, locale), tuple(items)) for day, items in days.items()
    ]
    subject = text_gettext("Programme: %(title)s", title=visit.title)
    first = recipient.invitations[0].stop.starts_at
    return _letter(visit, recipient.participant, settings, subject, [intro], sections, first)


def update_letter(visit, recipient: RecipientPlan, settings: MailSettings) -> Letter:
    locale = settings.locale
    sections = []
    if recipient.new:
        items = [_item(i.stop, visit, locale, dated=True) for i in recipient.new]
        sections.append(LetterSection(_("New in your programme"), tuple(items)))
    if recipient.changed:
        items = []
        for invitation in recipient.changed:
            arrow = "←" if locale in RTL_LANGUAGES else "→"
            notes = []
            for change in invitation.changes:
                what, before, after = describe_change(change, visit.timezone, locale)
                if change.field != "time":  # a title or a venue keeps its own direction
                    before, after = isolate_text(before), isolate_text(after)
                notes.append(f"{what}: {before} {arrow} {after}")
            items.append(_item(invitation.stop, visit, locale, dated=True, notes=notes))
        sections.append(LetterSection(_("Changed"), tuple(items)))
    intro = text_gettext(
        "Your programme for the visit “%(title)s” has changed. "
        "The invitation in this message updates your calendar.",
        title=visit.title,
    )
    subject = text_gettext("Updated programme: %(title)s", title=visit.title)
    first = min(i.stop.starts_at for i in recipient.invitations)
    return _letter(visit, recipient.participant, settings, subject, [intro], sections, first)


def cancellation_letter(visit, recipient: RecipientPlan, settings: MailSettings) -> Letter:
    locale = settings.locale
    items = []
    for cancellation in recipient.cancellations:
        sent = cancellation.sent  # what their calendar shows, not what the stop became
        items.append(
            LetterItem(
                when=dated_range(sent.starts_at, sent.ends_at, visit.timezone, locale),
                home_when=home_range(sent.starts_at, sent.ends_at, visit, locale),
                title=single_line(sent.title),
                place=(single_line(sent.venue_name),) if sent.venue_name else (),
                notes=(str(DEPARTURE_NOTES[cancellation.reason]),),
                cancelled=True,
            )
        )
    intro = text_gettext(
        "The following is no longer in your programme for the visit “%(title)s”. "
        "The cancellation in this message removes it from your calendar.",
        title=visit.title,
    )
    count = len(recipient.cancellations)
    if count == 1:
        subject = text_gettext("Cancelled: %(stop)s", stop=recipient.cancellations[0].sent.title)
    else:
        subject = text_ngettext(
            "Cancelled: %(num)d stop of %(title)s",
            "Cancelled: %(num)d stops of %(title)s",
            count,
            title=visit.title,
        )
    sections = [LetterSection(_("Cancelled"), tuple(items))]
    first = recipient.cancellations[0].sent.starts_at
    return _letter(visit, recipient.participant, settings, subject, [intro], sections, first)


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


def message_calendar(body: str) -> icalendar.Calendar:
    """The iTIP calendar inside a stored message."""
    parsed = email.message_from_string(body, policy=email.policy.default)
    for part in parsed.walk():
        if part.get_content_type() == "text/calendar":
            return icalendar.Calendar.from_ical(part.get_content())
    raise ValueError("the message holds no text/calendar part")


# --- Queue and send ----------------------------------------------------------------------------


def _recipient_person(participant: Participant) -> Person:
    """Who a message goes to, each part fit for a header whatever was stored."""
    person = participant.person
    return Person(single_line(person.display_name), person.email and single_line(person.email))


def queue_messages(
    session, plan: MailPlan, settings: MailSettings, *, acting, now: datetime
) -> list[MailMessage]:
    """One MailMessage per REQUEST and per CANCEL in the plan, flushed, not yet sent."""
    visit = plan.visit
    options = EventOptions(now=now, with_attendees=True)
    organizer = Person(settings.office_name, settings.sender)
    queued = []

    def queue(recipient: RecipientPlan, method: Method, letter: Letter, events, stops) -> None:
        info = CalendarInfo(visit.title, visit.timezone, organizer, method=method.value)
        person = _recipient_person(recipient.participant)
        address = single_line(recipient.address)  # as _recipient_person has it, never None
        message = build_message(
            letter,
            build_calendar(info, events, now=now),
            method=method,
            to=(person.name, address),
            settings=settings,
            now=now,
        )
        row = MailMessage(
            visit_id=visit.id,
            participant_id=recipient.participant.id,
            recipient=address,
            subject=single_line(letter.subject),
            method=method,
            stop_ids=[stop.id for stop in stops],
            body=message.as_string(),
            status=MailStatus.PENDING,
            attempts=0,
            created_at=now,
            created_by_id=acting.id if acting is not None else None,
        )
        session.add(row)
        queued.append(row)

    write_invitation = programme_letter if plan.kind == "programme" else update_letter
    for recipient in plan.recipients:
        # Each in their own language: a Persian-speaking host reads Persian, right to left.
        locale = letter_locale(recipient.participant.person, settings.locale)
        settings_for_them = replace(settings, locale=locale)
        with force_locale(locale):
            attendee = (_recipient_person(recipient.participant),)
            if recipient.invitations:
                events = [
                    stop_event(i.stop, options, sequence=i.sequence, attendees=attendee)
                    for i in recipient.invitations
                ]
                letter = write_invitation(visit, recipient, settings_for_them)
                stops = [i.stop for i in recipient.invitations]
                queue(recipient, Method.REQUEST, letter, events, stops)
            if recipient.cancellations:
                events = [
                    stop_event(
                        c.stop, options, cancelled=True, sequence=c.sequence, attendees=attendee
                    )
                    for c in recipient.cancellations
                ]
                letter = cancellation_letter(visit, recipient, settings_for_them)
                stops = [c.stop for c in recipient.cancellations]
                queue(recipient, Method.CANCEL, letter, events, stops)
    session.flush()
    return queued


@dataclass(frozen=True)
class SendReport:
    sent: int = 0
    failed: int = 0
    error: str | None = None  # the first failure, to show the planner

    @property
    def total(self) -> int:
        return self.sent + self.failed


def unsent_messages(session, visit: Visit | None = None) -> list[MailMessage]:
    query = sa.select(MailMessage).where(
        MailMessage.status.in_((MailStatus.PENDING, MailStatus.FAILED))
    )
    if visit is not None:
        query = query.where(MailMessage.visit_id == visit.id)
    return list(session.scalars(query.order_by(MailMessage.id)))


def _error_text(error: BaseException) -> str:
    text = str(error) or error.__class__.__name__
    return f"{error.__class__.__name__}: {text}"[:2000]


def _connect(settings: MailSettings) -> smtplib.SMTP:
    smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout)
    try:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
    except BaseException:
        smtp.close()
        raise
    return smtp


def send_pending(
    session,
    settings: MailSettings,
    *,
    messages: list[MailMessage] | None = None,
    visit: Visit | None = None,
    now: datetime,
) -> SendReport:
    """Send the given messages (default: every pending or failed one, of `visit` if given).

    Each attempt is counted; a failure keeps the message in the log as failed with the
    error, to be retried as it is. SentEvent moves only for messages that went out.
    """
    if messages is None:
        messages = unsent_messages(session, visit)
    messages = [m for m in messages if m.status != MailStatus.SENT]
    if not messages:
        return SendReport()
    sent = failed = 0
    first_error = None

    def fail(message: MailMessage, error: BaseException) -> None:
        nonlocal failed, first_error
        message.status, message.error = MailStatus.FAILED, _error_text(error)
        failed += 1
        first_error = first_error or message.error

    try:
        smtp = _connect(settings)
    except (OSError, smtplib.SMTPException) as error:
        for message in messages:
            message.attempts = (message.attempts or 0) + 1
            fail(message, error)
        session.flush()
        return SendReport(sent, failed, first_error)
    with smtp:
        for message in messages:
            message.attempts = (message.attempts or 0) + 1
            try:
                smtp.sendmail(settings.sender, [message.recipient], message.body.encode("ascii"))
            except (OSError, smtplib.SMTPException, UnicodeError) as error:
                fail(message, error)
                continue
            message.status, message.error, message.sent_at = MailStatus.SENT, None, now
            record_sent(session, message, now=now)
            sent += 1
    session.flush()
    return SendReport(sent, failed, first_error)


def _venue_shown(location: str, stop: Stop) -> str | None:
    """The venue name inside a LOCATION ("name, address, city")."""
    if not location:
        return None
    if stop.venue is not None and location.startswith(single_line(stop.venue.name)):
        return single_line(stop.venue.name)
    return location[:200]


def record_sent(session, message: MailMessage, *, now: datetime) -> None:
    """Remember, per stop, what this message put into the participant's calendar.

    Read back from the message itself: a retried message may be older than the stop.
    """
    if message.participant_id is None or not message.stop_ids:
        return
    stops = {
        stop.calendar_uid: stop
        for stop in session.scalars(sa.select(Stop).where(Stop.id.in_(message.stop_ids)))
    }
    known = {
        row.stop_id: row
        for row in session.scalars(
            sa.select(SentEvent).where(
                SentEvent.participant_id == message.participant_id,
                SentEvent.stop_id.in_(message.stop_ids),
            )
        )
    }
    for vevent in message_calendar(message.body).walk("VEVENT"):
        stop = stops.get(str(vevent["UID"]))
        if stop is None:
            continue
        sequence = int(vevent.get("SEQUENCE", 0))
        row = known.get(stop.id)
        if row is not None and row.sequence > sequence:
            continue  # a newer message went out first; this one changes nothing in the calendar
        if row is None:
            row = SentEvent(stop_id=stop.id, participant_id=message.participant_id)
            session.add(row)
            known[stop.id] = row
        row.method = message.method
        row.sequence = sequence
        row.starts_at = vevent.decoded("DTSTART").astimezone(UTC)
        row.ends_at = vevent.decoded("DTEND").astimezone(UTC)
        row.title = str(vevent.get("SUMMARY", ""))[:200]
        row.venue_name = _venue_shown(str(vevent.get("LOCATION", "")), stop)
        row.sent_at = now


def mail_log(session, visit: Visit) -> list[MailMessage]:
    """Every message of a visit, newest first."""
    return list(
        session.scalars(
            sa.select(MailMessage)
            .where(MailMessage.visit_id == visit.id)
            .order_by(MailMessage.created_at.desc(), MailMessage.id.desc())
        )
    )
