"""The mail log and SMTP: letters queued as MailMessage rows, then sent, then remembered.

queue_messages keeps each message whole in the mail log (pending); send_pending claims
what is given (or every pending and failed one), sends it, counts each attempt and keeps a
failed one with its error, to be retried as it is. SentEvent moves only for a message that
went out. The pages and the API queue a task for each once the request has committed
(web.send_after_commit); the worker runs it (calendars/mail/tasks.py).

The claim makes a letter go out once whoever tries: a sender first turns the row from
pending (or failed) to sending with the time, in one UPDATE that only one sender can win,
and a letter left "sending" longer than the claim timeout (its sender died) is taken again.
"""

import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask_babel import force_locale

from planner.calendars.events import EventOptions, stop_event
from planner.calendars.ics import CalendarInfo, Person, build_calendar
from planner.calendars.mail.letters import (
    Letter,
    MailSettings,
    build_message,
    cancellation_letter,
    invitation_letter,
    letter_locale,
)
from planner.calendars.mail.plans import (
    MailPlan,
    RecipientPlan,
    message_calendar,
)
from planner.calendars.models import MailMessage, MailStatus, Method, SentEvent
from planner.calendars.replies import stop_reply_path
from planner.itinerary.models import Stop
from planner.rules import single_line
from planner.visits.models import Participant, Visit


def _recipient_person(participant: Participant) -> Person:
    """Who a message goes to, each part fit for a header whatever was stored."""
    person = participant.person
    return Person(single_line(person.display_name), person.email and single_line(person.email))


def _reply_url(settings: MailSettings, participant: Participant, stop: Stop) -> str | None:
    if not settings.secret:
        return None
    return settings.base_url + stop_reply_path(settings.secret, participant, stop.id)


def queue_messages(
    session, plan: MailPlan, settings: MailSettings, *, acting, now: datetime
) -> list[MailMessage]:
    """One MailMessage per stop of the plan, each a REQUEST or a CANCEL for that one stop,
    flushed, not yet sent: Outlook and Gmail act on the first event of a letter only."""
    visit = plan.visit
    options = EventOptions(now=now, with_attendees=True)
    organizer = Person(settings.office_name, settings.sender)
    queued = []

    def queue(recipient: RecipientPlan, method: Method, letter: Letter, event, stop) -> None:
        info = CalendarInfo(visit.title, visit.timezone, organizer, method=method.value)
        person = _recipient_person(recipient.participant)
        address = single_line(recipient.address)  # as _recipient_person has it, never None
        message = build_message(
            letter,
            build_calendar(info, [event], now=now),
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
            stop_ids=[stop.id],
            body=message.as_string(),
            status=MailStatus.PENDING,
            attempts=0,
            created_at=now,
            created_by_id=acting.id if acting is not None else None,
        )
        session.add(row)
        queued.append(row)

    for recipient in plan.recipients:
        participant = recipient.participant
        # Each in their own language: a Persian-speaking host reads Persian, right to left.
        locale = letter_locale(participant.person, settings.locale)
        settings_for_them = replace(settings, locale=locale)
        with force_locale(locale):
            attendee = (_recipient_person(participant),)
            for invitation in recipient.invitations:
                stop = invitation.stop
                event = stop_event(
                    stop,
                    options,
                    sequence=invitation.sequence,
                    attendees=attendee,
                    alarm_minutes=visit.reminder_minutes(participant),
                )
                letter = invitation_letter(
                    visit,
                    participant,
                    invitation,
                    settings_for_them,
                    kind=plan.kind,
                    reply_url=_reply_url(settings, participant, stop),
                )
                queue(recipient, Method.REQUEST, letter, event, stop)
            for cancellation in recipient.cancellations:
                stop = cancellation.stop
                event = stop_event(
                    stop,
                    options,
                    cancelled=True,
                    sequence=cancellation.sequence,
                    attendees=attendee,
                )
                letter = cancellation_letter(visit, participant, cancellation, settings_for_them)
                queue(recipient, Method.CANCEL, letter, event, stop)
    session.flush()
    return queued


@dataclass(frozen=True)
class SendReport:
    sent: int = 0
    failed: int = 0
    error: str | None = None  # the first failure, to show the planner
    queued: int = 0  # handed to the worker, which sends them in a moment

    @property
    def total(self) -> int:
        return self.sent + self.failed


def messages_by_id(session, message_ids: list[int]) -> list[MailMessage]:
    query = sa.select(MailMessage).where(MailMessage.id.in_(message_ids))
    return list(session.scalars(query.order_by(MailMessage.id)))


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


def claim_timeout(config) -> timedelta:
    """How long a sender may hold a claimed letter before another sender takes it up."""
    return timedelta(seconds=config["MAIL_CLAIM_TIMEOUT_SECONDS"])


def claim(
    session, message_ids: list[int], *, now: datetime, timeout: timedelta
) -> list[MailMessage]:
    """Take the letters for sending: those waiting or failed, or left "sending" by a sender
    that took them more than `timeout` ago. A letter another sender holds is not returned."""
    taken = []
    for message_id in message_ids:
        result = session.execute(
            sa.update(MailMessage)
            .where(
                MailMessage.id == message_id,
                sa.or_(
                    MailMessage.status.in_((MailStatus.PENDING, MailStatus.FAILED)),
                    sa.and_(
                        MailMessage.status == MailStatus.SENDING,
                        MailMessage.claimed_at < now - timeout,
                    ),
                ),
            )
            .values(status=MailStatus.SENDING, claimed_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            taken.append(message_id)
    if not taken:
        return []
    query = sa.select(MailMessage).where(MailMessage.id.in_(taken)).order_by(MailMessage.id)
    return list(session.scalars(query.execution_options(populate_existing=True)))


def abandoned_messages(session, *, now: datetime, timeout: timedelta) -> list[int]:
    """Letters no sender is working on: waiting for longer than a minute (their task was
    lost with the process that queued it), or taken by a sender that died."""
    query = sa.select(MailMessage.id).where(
        sa.or_(
            sa.and_(
                MailMessage.status == MailStatus.PENDING,
                MailMessage.created_at < now - timedelta(minutes=1),
            ),
            sa.and_(
                MailMessage.status == MailStatus.SENDING,
                MailMessage.claimed_at < now - timeout,
            ),
        )
    )
    return list(session.scalars(query.order_by(MailMessage.id)))


def connect(settings: MailSettings) -> smtplib.SMTP:
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
    claim_timeout: timedelta = timedelta(minutes=10),
    after_claim: Callable[[], None] = lambda: None,
) -> SendReport:
    """Send the given messages (default: every pending or failed one, of `visit` if given).

    Each is claimed first (`claim`), and `after_claim` runs before anything is sent (the
    worker commits there, so that a sender that dies leaves its claim behind). Each attempt
    is counted; a failure keeps the message in the log as failed with the error, to be
    retried as it is. SentEvent moves only for messages that went out.
    """
    if messages is None:
        messages = unsent_messages(session, visit)
    messages = claim(session, [m.id for m in messages], now=now, timeout=claim_timeout)
    if not messages:
        return SendReport()
    after_claim()
    sent = failed = 0
    first_error = None

    def fail(message: MailMessage, error: BaseException) -> None:
        nonlocal failed, first_error
        message.status, message.error = MailStatus.FAILED, _error_text(error)
        failed += 1
        first_error = first_error or message.error

    try:
        smtp = connect(settings)
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


@dataclass(frozen=True)
class MailSummary:
    """What a visit's page says of its mail: how many messages stand at each status (in
    the statuses' order), and when the last one went out."""

    counts: dict[MailStatus, int]
    last_sent_at: datetime | None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def unsent(self) -> int:
        return self.total - self.counts.get(MailStatus.SENT, 0)


def mail_summary(session, visit_id: int) -> MailSummary:
    """The visit's messages counted by status, in one statement however many there are."""
    rows = session.execute(
        sa.select(MailMessage.status, sa.func.count(), sa.func.max(MailMessage.sent_at))
        .where(MailMessage.visit_id == visit_id)
        .group_by(MailMessage.status)
    ).all()
    found = {status: count for status, count, _ in rows}
    sent = [last for _, _, last in rows if last is not None]
    return MailSummary(
        counts={status: found[status] for status in MailStatus if status in found},
        last_sent_at=max(sent) if sent else None,
    )


@dataclass(frozen=True)
class PersonLetters:
    """One person's letters in the mail log, newest first: with one stop a letter, a
    programme is many letters to each person."""

    participant_id: int | None  # None once they left the visit
    recipient: str  # the address of their newest letter
    messages: list[MailMessage]

    @property
    def unsent(self) -> int:
        return sum(1 for message in self.messages if message.status != MailStatus.SENT)


def letters_by_person(messages: list[MailMessage]) -> list[PersonLetters]:
    """The mail log (newest first) grouped by person, whoever was written to last first.
    A participant's letters stay together whatever address each went to; the letters of
    someone no longer on the visit are grouped by address."""
    groups: dict[int | str, list[MailMessage]] = {}
    for message in messages:
        key = message.participant_id if message.participant_id is not None else message.recipient
        groups.setdefault(key, []).append(message)
    return [
        PersonLetters(letters[0].participant_id, letters[0].recipient, letters)
        for letters in groups.values()
    ]
