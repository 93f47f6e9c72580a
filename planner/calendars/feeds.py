"""Calendar downloads and subscription feeds: whose feed a token opens, and HTTP validators.

Calendar clients poll a feed every few minutes. The validator (ETag and Last-Modified)
is the owner's row in calendar_versions (raised by every change to what the calendar
holds, planner/calendars/versions.py), read together with the token's check in one
indexed query, so that an unchanged calendar answers 304 without loading a stop.
"""

import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from werkzeug.sansio.http import is_resource_modified

from planner.accounts.models import User
from planner.calendars.models import CalendarVersion
from planner.calendars.tokens import make_token, read_token
from planner.calendars.versions import OFFICE, OFFICE_ID, PARTICIPANT, USER, VISIT
from planner.visits.models import Participant, Visit

# Raise when the calendar output changes shape, so that every client fetches it anew.
FORMAT_VERSION = 4  # 3: each VTIMEZONE spans whole years; 4: what left it is left out

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


@dataclass(frozen=True)
class CalendarState:
    """One calendar at its current versions: `kind` and `owner_id` say whose it is, `parts`
    hold the generation and every (version, changed_at) it is made of."""

    kind: str  # PARTICIPANT_FEED, STAFF_FEED, or VISIT for a visit's download
    owner_id: int
    parts: tuple
    changed_at: datetime | None


@functools.lru_cache(maxsize=1024)
def validator(state: CalendarState, *, day: date, day_start: datetime, context: tuple) -> Validator:
    """The calendar's ETag and Last-Modified on `day`; worked out once for each (versions,
    day, context), since most polls ask about a calendar that has not changed.

    A staff feed holds a window of days, and the follow-ups done in the last 60 days, so
    the day is part of the ETag, and Last-Modified is never before it began.
    `context`: whatever else the bytes depend on (the language, the settings, feed or file).
    """
    key = [FORMAT_VERSION, state.kind, state.owner_id, *state.parts, day.isoformat(), context]
    digest = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    known = [moment for moment in (state.changed_at, day_start) if moment is not None]
    return Validator(etag=digest, last_modified=max(known))


def _version(row: type[CalendarVersion]):
    return sa.func.coalesce(row.version, 0), row.changed_at


def _joined(row: type[CalendarVersion], kind: str, owner_id) -> sa.ColumnElement[bool]:
    return sa.and_(row.owner_kind == kind, row.owner_id == owner_id)


def _state(kind: str, owner_id: int, generation: int, row) -> CalendarState:
    """From a row of (version, changed_at) pairs, as the queries below select them."""
    pairs = [tuple(row[i : i + 2]) for i in range(0, len(row), 2)]
    moments = [changed for _, changed in pairs if changed is not None]
    return CalendarState(kind, owner_id, (generation, *pairs), max(moments, default=None))


def _feed_queries() -> dict[str, sa.Select]:
    """The token's owner with its checks (a participant of a visit not in the bin, an active
    user; the feed on, at the token's generation) and the version rows of their calendar,
    by primary keys. Built once: a poll only binds the owner and the generation."""
    owner_id = sa.bindparam("owner_id", type_=sa.Integer)
    generation = sa.bindparam("generation", type_=sa.Integer)
    own, office = aliased(CalendarVersion), aliased(CalendarVersion)
    participant = (
        sa.select(*_version(own))
        .select_from(Participant)
        .join(Visit, Visit.id == Participant.visit_id)
        .outerjoin(own, _joined(own, PARTICIPANT, Participant.id))
        .where(
            Participant.id == owner_id,
            Visit.deleted_at.is_(None),
            Participant.feed_enabled.is_(True),
            Participant.feed_generation == generation,
        )
    )
    staff = (
        sa.select(*_version(own), *_version(office))
        .select_from(User)
        .outerjoin(own, _joined(own, USER, User.id))
        .outerjoin(office, _joined(office, OFFICE, OFFICE_ID))
        .where(
            User.id == owner_id,
            User.active.is_(True),
            User.feed_enabled.is_(True),
            User.feed_generation == generation,
        )
    )
    return {PARTICIPANT_FEED: participant, STAFF_FEED: staff}


_FEED_QUERIES = _feed_queries()


# A token's check is a pure function of the token: each poller's is made once.
_read_token = functools.lru_cache(maxsize=4096)(read_token)


def feed_state(session, secret: str, token: str) -> CalendarState | None:
    """The calendar a current, enabled token opens, at its versions; else None, in one
    query. Every failure is the same None: the answer never tells a guesser which part
    was wrong."""
    key = _read_token(secret, token)
    if key is None:
        return None
    row = session.execute(
        _FEED_QUERIES[key.kind], {"owner_id": key.owner_id, "generation": key.generation}
    ).one_or_none()
    if row is None:
        return None
    return _state(key.kind, key.owner_id, key.generation, tuple(row))


def participant_state(session, participant: Participant) -> CalendarState:
    """A participant's programme (their download; their feed is feed_state)."""
    own = aliased(CalendarVersion)
    row = session.execute(
        sa.select(*_version(own)).where(_joined(own, PARTICIPANT, participant.id))
    ).one_or_none()
    return _state(PARTICIPANT_FEED, participant.id, participant.feed_generation, row or (0, None))


def visit_state(session, visit: Visit) -> CalendarState:
    """A whole visit's calendar (its download)."""
    own = aliased(CalendarVersion)
    row = session.execute(
        sa.select(*_version(own)).where(_joined(own, VISIT, visit.id))
    ).one_or_none()
    return _state(VISIT, visit.id, 0, row or (0, None))


def feed_owner(session, state: CalendarState) -> Participant | User | None:
    """Whose calendar feed_state found; None if it was deleted since."""
    model = Participant if state.kind == PARTICIPANT_FEED else User
    return session.get(model, state.owner_id)


# Whose feed a token opens.


def feed_token(secret: str, owner: Participant | User) -> str:
    kind = PARTICIPANT_FEED if isinstance(owner, Participant) else STAFF_FEED
    return make_token(secret, kind, owner.id, owner.feed_generation)


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
