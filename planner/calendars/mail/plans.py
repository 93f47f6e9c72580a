"""Who gets what: each participant's programme as invitations, then only what changed.

Every invitation and every cancellation is a letter of its own, one stop each (outbox.py):
Outlook and Gmail act on the first event of an invitation only.

Plans are plain values over the session and the models: which stops each participant is
invited to, at what SEQUENCE, and which left their programme and why. SentEvent says what
each participant's calendar was last sent, so a plan offers again what failed to go out.
Nothing is written or sent here: letters.py words a plan, outbox.py queues and sends it.
"""

import email
import email.policy
import hashlib
from dataclasses import dataclass, field
from datetime import datetime

import icalendar
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from planner.calendars.ics import EVENT_STATUS
from planner.calendars.models import MailMessage, MailStatus, Method, SentEvent
from planner.itinerary.models import Stop, StopStatus
from planner.itinerary.programme import programmes_by_participant
from planner.rules import single_line
from planner.visits.models import Participant, Visit

STATUS_FROM_CALENDAR = {value: StopStatus(key) for key, value in EVENT_STATUS.items()}


# Why a stop left someone's programme, in the words of the preview page and the message.
DEPARTURE_REASONS = {
    "removed": _l("no longer attending"),
    "cancelled": _l("the stop is cancelled"),
    "binned": _l("the stop was taken off the programme"),
}


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
    def message_count(self) -> int:
        """One letter per stop: a REQUEST for each invitation, a CANCEL for each cancellation."""
        return len(self.invitations) + len(self.cancellations)


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
    """Each participant's programme as invitations list it: only the stops that take place."""
    by_participant = programmes_by_participant(stops)
    return {
        participant.id: [stop for stop in by_participant.get(participant.id, []) if stop.is_active]
        for participant in visit.participants
    }


def _request_sequence(stop: Stop, sent: SentEvent | None) -> int:
    """The stop's SEQUENCE, but never at or below a cancellation the participant already holds."""
    if sent is None:
        return stop.sequence
    floor = sent.sequence + 1 if sent.method == Method.CANCEL else sent.sequence
    return max(stop.sequence, floor)


def plan_programme(session, visit: Visit) -> MailPlan:
    """Everyone with an address and at least one active stop: an invitation to each."""
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
    or status) each get a REQUEST; stops that left the programme after a REQUEST each get
    a CANCEL. A SEQUENCE that rose without anything the participant's calendar shows
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
    if not stop.is_live:
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


def message_calendar(body: str) -> icalendar.Calendar:
    """The iTIP calendar inside a stored message."""
    parsed = email.message_from_string(body, policy=email.policy.default)
    for part in parsed.walk():
        if part.get_content_type() == "text/calendar":
            return icalendar.Calendar.from_ical(part.get_content())
    raise ValueError("the message holds no text/calendar part")
