"""Participants' answers to their invitations: by their reply link, or by an iTIP REPLY.

A participant has no account. Their reply link carries a token of the feed token's kind
(planner/calendars/tokens.py): an HMAC of their id and feed generation, nothing stored, so
revoking or reissuing their calendar link ends it too. The link opens a page; only its
buttons (a POST with CSRF) record an answer. An iTIP REPLY (RFC 5546 3.2.3) read from the
office's mailbox (planner/calendars/mail/inbox.py) names the stop by its UID and the
person by their ATTENDEE address.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import icalendar
import sqlalchemy as sa

from planner.calendars.tokens import make_reply_token, read_reply_token
from planner.itinerary.models import ReplyChannel, ReplyStatus, Stop, StopReply, stop_attendees
from planner.visits.models import Participant, Visit

log = logging.getLogger(__name__)

REPLY_PREFIX = "/replies/"  # the reply pages' routes (calendars/views.py) and letters' links
REPLY_RULE = f"{REPLY_PREFIX}<token>"
STOP_REPLY_RULE = f"{REPLY_RULE}/stops/<int:stop_id>"


def reply_token(secret: str, participant: Participant) -> str:
    return make_reply_token(secret, participant.id, participant.feed_generation)


def stop_reply_path(secret: str, participant: Participant, stop_id: int) -> str:
    return f"{REPLY_PREFIX}{reply_token(secret, participant)}/stops/{stop_id}"


def reply_participant(session, secret: str, token: str) -> Participant | None:
    """Whose answers a current reply token opens: a participant of a visit not in the bin,
    whose calendar link is on at the token's generation; else None, whatever was wrong."""
    key = read_reply_token(secret, token)
    if key is None:
        return None
    return session.scalars(
        sa.select(Participant)
        .join(Visit, Visit.id == Participant.visit_id)
        .where(
            Participant.id == key.owner_id,
            Participant.feed_generation == key.generation,
            Participant.feed_enabled.is_(True),
            Visit.deleted_at.is_(None),
        )
    ).first()


def invited_stops(session, participant: Participant) -> list[Stop]:
    """The live stops the participant attends, in time order: what they can answer."""
    return list(
        session.scalars(
            sa.select(Stop)
            .join(stop_attendees, stop_attendees.c.stop_id == Stop.id)
            .where(stop_attendees.c.participant_id == participant.id, Stop.is_live)
            .order_by(Stop.starts_at, Stop.id)
        )
    )


def invited_stop(session, participant: Participant, stop_id: int) -> Stop | None:
    return next((s for s in invited_stops(session, participant) if s.id == stop_id), None)


def replies_of(session, participant: Participant) -> dict[int, StopReply]:
    """The participant's answers, by stop id."""
    rows = session.scalars(sa.select(StopReply).where(StopReply.participant_id == participant.id))
    return {reply.stop_id: reply for reply in rows}


def record_reply(
    session,
    participant: Participant,
    stop: Stop,
    status: ReplyStatus,
    channel: ReplyChannel,
    *,
    now: datetime,
) -> StopReply:
    """The participant's answer to the stop, replacing any earlier one; flushed, so that
    the visit's version rises (calendars/versions.py) and its page shows the answer."""
    reply = session.scalars(
        sa.select(StopReply).where(
            StopReply.stop_id == stop.id, StopReply.participant_id == participant.id
        )
    ).first()
    if reply is None:
        # By ids: through the relationships the stop would count as changed, raising its
        # SEQUENCE's neighbours (its lock version, every attendee's feed) for no change.
        reply = StopReply(stop_id=stop.id, participant_id=participant.id)
        session.add(reply)
    reply.status, reply.channel, reply.replied_at = status, channel, now
    session.flush()
    if "replies" not in sa.inspect(stop).unloaded:
        session.expire(stop, ["replies"])  # a page drawn in this request shows the answer
    return reply


# What a visit's page shows for a stop.


@dataclass(frozen=True)
class StopAnswers:
    accepted: tuple[Participant, ...]
    declined: tuple[Participant, ...]
    tentative: tuple[Participant, ...]
    unanswered: tuple[Participant, ...]

    @property
    def answered(self) -> bool:
        return bool(self.accepted or self.declined or self.tentative)


def stop_answers(stop: Stop) -> StopAnswers:
    """Who of the stop's attendees accepted, declined, said maybe, or has not answered."""
    status = {reply.participant_id: reply.status for reply in stop.replies}
    groups: dict[ReplyStatus | None, list[Participant]] = {s: [] for s in (*ReplyStatus, None)}
    for participant in stop.attendees:
        groups[status.get(participant.id)].append(participant)
    return StopAnswers(
        accepted=tuple(groups[ReplyStatus.ACCEPTED]),
        declined=tuple(groups[ReplyStatus.DECLINED]),
        tentative=tuple(groups[ReplyStatus.TENTATIVE]),
        unanswered=tuple(groups[None]),
    )


# iTIP REPLY.


@dataclass(frozen=True)
class ItipAnswer:
    uid: str
    address: str  # the ATTENDEE's mailto address, lower case
    status: ReplyStatus


def _address(attendee) -> str:
    text = str(attendee)
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:") :]
    return text.strip().lower()


def read_itip_reply(calendar: bytes | str) -> list[ItipAnswer]:
    """The answers of a METHOD:REPLY calendar: (UID, attendee, PARTSTAT) of each event.
    Anything else (another method, a PARTSTAT we do not keep, no UID) gives nothing."""
    try:
        parsed = icalendar.Calendar.from_ical(calendar)
    except ValueError:
        return []
    if str(parsed.get("METHOD", "")).upper() != "REPLY":
        return []
    answers = []
    for event in parsed.walk("VEVENT"):
        uid = event.get("UID")
        attendees = event.get("ATTENDEE")
        if uid is None or attendees is None:
            continue
        for attendee in attendees if isinstance(attendees, list) else [attendees]:
            parameters = attendee.params  # iCalendar's, not a request's
            partstat = str(parameters.get("PARTSTAT", "")).upper()
            if partstat in ReplyStatus.__members__:
                answers.append(ItipAnswer(str(uid), _address(attendee), ReplyStatus(partstat)))
    return answers


def apply_itip_answers(session, answers: Iterable[ItipAnswer], *, now: datetime) -> int:
    """Store each answer whose UID is a live stop attended by a participant with that
    e-mail address; log and skip the rest. How many were stored."""
    stored = 0
    for answer in answers:
        stop = session.scalars(
            sa.select(Stop).where(Stop.calendar_uid == answer.uid, Stop.is_live)
        ).first()
        participant = None
        if stop is not None:
            participant = next(
                (
                    p
                    for p in stop.attendees
                    if (p.person.email or "").strip().lower() == answer.address
                ),
                None,
            )
        if stop is None or participant is None:
            log.info("iTIP reply ignored: no stop %s attended by %s", answer.uid, answer.address)
            continue
        record_reply(session, participant, stop, answer.status, ReplyChannel.EMAIL, now=now)
        stored += 1
    return stored
