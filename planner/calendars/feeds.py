"""Calendar downloads and subscription feeds: whose feed a token opens, and HTTP validators.

Calendar clients poll a feed every few minutes. The validator (ETag and Last-Modified)
comes from a few aggregate queries over what the calendar is made of, so that an
unchanged calendar answers 304 without loading a stop or building a VCALENDAR.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from werkzeug.sansio.http import is_resource_modified

from planner.accounts.models import User
from planner.calendars.events import CANCELLED_KEPT_FOR
from planner.calendars.models import Departure
from planner.calendars.tokens import make_token, read_token
from planner.itinerary.models import Stop, stop_attendees
from planner.outcomes.models import FollowUp, FollowUpStatus
from planner.venues.models import Venue
from planner.visits.models import Participant, Visit

# Raise when the calendar output changes shape, so that every client fetches it anew.
FORMAT_VERSION = 1

PARTICIPANT_FEED = "p"
STAFF_FEED = "u"


@dataclass(frozen=True)
class Validator:
    """What a client's If-None-Match and If-Modified-Since are compared with."""

    etag: str  # opaque, unquoted; sent as a weak ETag (DTSTAMP differs between builds)
    last_modified: datetime | None


def is_unchanged(
    validator: Validator, if_none_match: str | None, if_modified_since: str | None
) -> bool:
    """True when the client's copy is current (answer 304). If-None-Match wins when both come."""
    return not is_resource_modified(
        http_if_none_match=if_none_match,
        http_if_modified_since=if_modified_since,
        etag=validator.etag,
        last_modified=validator.last_modified,
    )


def _validator(parts: list, timestamps: list[datetime | None]) -> Validator:
    digest = hashlib.sha256(repr([FORMAT_VERSION, *parts]).encode()).hexdigest()[:32]
    known = [moment for moment in timestamps if moment is not None]
    return Validator(etag=digest, last_modified=max(known) if known else None)


def _stops_fingerprint(session, stop_ids, now: datetime) -> tuple[list, list[datetime | None]]:
    """Count, identities, sequences and last change of the stops, and of their venues.

    A stop deleted longer ago than CANCELLED_KEPT_FOR leaves the calendar: counting the
    ones still shown changes the ETag on the day one drops out.
    """
    cutoff = now - CANCELLED_KEPT_FOR
    shown = sa.or_(Stop.is_live, Stop.deleted_at >= cutoff)
    count, id_sum, sequence_sum, shown_count, last_change = session.execute(
        sa.select(
            sa.func.count(Stop.id),
            sa.func.coalesce(sa.func.sum(Stop.id), 0),
            sa.func.coalesce(sa.func.sum(Stop.sequence), 0),
            sa.func.coalesce(sa.func.sum(sa.case((shown, 1), else_=0)), 0),
            sa.func.max(Stop.updated_at),
        ).where(Stop.id.in_(stop_ids))
    ).one()
    # Venues have no change time; their few rows are read whole (LOCATION, GEO, the zone).
    venues = session.execute(
        sa.select(
            Venue.id,
            Venue.name,
            Venue.address,
            Venue.city,
            Venue.latitude,
            Venue.longitude,
            Venue.timezone,
        )
        .where(Venue.id.in_(sa.select(Stop.venue_id).where(Stop.id.in_(stop_ids))))
        .order_by(Venue.id)
    ).all()
    parts = [count, id_sum, sequence_sum, shown_count, last_change, [tuple(v) for v in venues]]
    return parts, [last_change]


def visit_validator(session, visit: Visit, *, now: datetime, context: tuple) -> Validator:
    """The whole visit's calendar. `context`: whatever else the output depends on (locale,
    settings, the calendar's name)."""
    stop_ids = sa.select(Stop.id).where(Stop.visit_id == visit.id)
    parts, timestamps = _stops_fingerprint(session, stop_ids, now)
    return _validator(
        ["visit", visit.id, visit.timezone, visit.updated_at, *parts, context],
        [*timestamps, visit.updated_at],
    )


def participant_validator(
    session, participant: Participant, *, now: datetime, context: tuple
) -> Validator:
    """One participant's programme: the stops they attend or recently left."""
    cutoff = now - CANCELLED_KEPT_FOR
    attended = sa.select(stop_attendees.c.stop_id).where(
        stop_attendees.c.participant_id == participant.id
    )
    departed = sa.select(Departure.stop_id).where(Departure.participant_id == participant.id)
    parts, timestamps = _stops_fingerprint(session, attended.union(departed), now)
    departures, recent_departures, last_departure = session.execute(
        sa.select(
            sa.func.count(Departure.id),
            sa.func.coalesce(sa.func.sum(sa.case((Departure.removed_at >= cutoff, 1), else_=0)), 0),
            sa.func.max(Departure.removed_at),
        ).where(Departure.participant_id == participant.id)
    ).one()
    visit = participant.visit
    return _validator(
        [
            "participant",
            participant.id,
            participant.feed_generation,
            visit.timezone,
            visit.updated_at,
            *parts,
            departures,
            recent_departures,
            last_departure,
            context,
        ],
        [*timestamps, last_departure, visit.updated_at],
    )


def _follow_ups_fingerprint(session, owner_id: int, now: datetime) -> list:
    """The owner's follow-ups as their to-dos show them; a closed one leaves after a while."""
    cutoff = now - CANCELLED_KEPT_FOR
    shown = sa.or_(FollowUp.status == FollowUpStatus.OPEN, FollowUp.updated_at >= cutoff)
    return list(
        session.execute(
            sa.select(
                sa.func.count(FollowUp.id),
                sa.func.coalesce(sa.func.sum(FollowUp.id), 0),
                sa.func.coalesce(sa.func.sum(FollowUp.sequence), 0),
                sa.func.coalesce(sa.func.sum(sa.case((shown, 1), else_=0)), 0),
                sa.func.max(FollowUp.updated_at),
            ).where(FollowUp.owner_id == owner_id)
        ).one()
    )


def staff_validator(session, user: User, *, now: datetime, context: tuple) -> Validator:
    """A staff member's calendar: every stop of every visit not in the bin, and their own
    follow-ups."""
    live_visits = sa.select(Visit.id).where(Visit.deleted_at.is_(None))
    stop_ids = sa.select(Stop.id).where(Stop.visit_id.in_(live_visits))
    parts, timestamps = _stops_fingerprint(session, stop_ids, now)
    visits, last_visit_change = session.execute(
        sa.select(sa.func.count(Visit.id), sa.func.max(Visit.updated_at)).where(
            Visit.deleted_at.is_(None)
        )
    ).one()
    follow_ups = _follow_ups_fingerprint(session, user.id, now)
    return _validator(
        [
            "staff",
            user.id,
            user.feed_generation,
            *parts,
            visits,
            last_visit_change,
            follow_ups,
            context,
        ],
        [*timestamps, last_visit_change, follow_ups[-1]],
    )


# Whose feed a token opens.


def feed_token(secret: str, owner: Participant | User) -> str:
    kind = PARTICIPANT_FEED if isinstance(owner, Participant) else STAFF_FEED
    return make_token(secret, kind, owner.id, owner.feed_generation)


def feed_owner(session, secret: str, token: str) -> Participant | User | None:
    """The participant or staff user whose current, enabled feed the token opens, else None.

    Every failure is the same None: the answer never tells a guesser which part was wrong.
    """
    key = read_token(secret, token)
    if key is None:
        return None
    if key.kind == PARTICIPANT_FEED:
        owner = session.get(Participant, key.owner_id)
        if owner is None or owner.visit.is_deleted:
            return None
    else:
        owner = session.get(User, key.owner_id)
        if owner is None or not owner.active:
            return None
    if not owner.feed_enabled or owner.feed_generation != key.generation:
        return None
    return owner


def revoke_feed(session, owner: Participant | User) -> None:
    """Every link handed out so far stops working, and the feed stays off until reissued."""
    owner.feed_enabled = False
    owner.feed_generation += 1
    session.flush()


def reissue_feed(session, owner: Participant | User) -> None:
    """A new link; every earlier one stops working."""
    owner.feed_enabled = True
    owner.feed_generation += 1
    session.flush()


# Names and links.


def ascii_filename(*words: str, fallback: str = "calendar") -> str:
    """'visit-of-the-ambassador-of-kazakhstan.ics': safe in any Content-Disposition."""
    text = unicodedata.normalize("NFKD", " ".join(words)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:80].rstrip("-")
    return f"{slug or fallback}.ics"


def webcal_url(url: str) -> str:
    """The same feed for a calendar app: webcal:// tells the system to subscribe, not download."""
    return re.sub(r"^https?://", "webcal://", url)
