"""Calendar versions: every flush raises the version of each feed whose content it changes.

One listener on every session's flush, instead of a call in each operation: an operation
added tomorrow (or the API, the CLI, a test writing to a model directly) cannot forget
it. It reads what the flush wrote (new, changed and deleted rows, with each attribute's
history, the attendees of a stop included), works out whose calendars show those rows,
and raises their rows in calendar_versions in the same transaction, so a version is
never ahead of or behind what was saved.

Whose calendar shows what:
- a stop: its visit's download, the office (every staff feed shows every stop), and the
  participants who attend it or attended it before this flush (it has left their feed);
- a venue: whatever its stops are in; a visit: its download, the office, its participants;
- a person: each of their participants, on any visit; a participant: that participant;
  a follow-up: its owner, before and after a change of owner; an outcome: the owners of
  its follow-ups (its summary is their description); a user: their own feed, when their
  name or feed settings change;
- a participant's reply to a stop: no calendar, but its visit's version (the visit page
  shows the answers, and its kept copy, planner/programmes/kept.py, goes by that version).
"""

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import InstanceState, Session

from planner.accounts.models import User
from planner.calendars.models import CalendarVersion
from planner.clock import utc_now
from planner.itinerary.models import Stop, StopReply, stop_attendees
from planner.outcomes.models import FollowUp, Outcome
from planner.people.models import Person
from planner.venues.models import Venue
from planner.visits.models import Participant, Visit

PARTICIPANT, USER, VISIT, OFFICE = "participant", "user", "visit", "office"
OFFICE_ID = 0  # the one office row

# What of a user their staff feed prints or checks; a sign-out (session_generation) is not.
USER_FEED_ATTRIBUTES = ("name", "feed_generation", "feed_enabled", "active")


class _Changes:
    """What one flush touched, gathered from the objects, then resolved to owners by SQL."""

    def __init__(self) -> None:
        self.owners: dict[str, set[int]] = {PARTICIPANT: set(), USER: set(), VISIT: set()}
        self.office = False
        self.stops: set[int] = set()
        self.venues: set[int] = set()
        self.visits_participants: set[int] = set()
        self.people: set[int] = set()
        self.outcomes: set[int] = set()
        self.replied_stops: set[int] = set()


def _ids(values: Iterable) -> set[int]:
    return {value for value in values if isinstance(value, int)}


def _values(obj, attribute: str) -> set:
    """The attribute's value now and before this flush (both, when it changed)."""
    history = sa.inspect(obj).attrs[attribute].history
    return {*history.added, *history.unchanged, *history.deleted}


def _user_changed(user: User) -> bool:
    state: InstanceState[User] = sa.inspect(user)
    return any(state.attrs[name].history.has_changes() for name in USER_FEED_ATTRIBUTES)


def _gather(session: Session) -> _Changes:
    changes = _Changes()
    owners = changes.owners
    # Of the collections only a stop's attendees are printed; a visit whose participants
    # or stops change is not itself changed (those rows are, and are seen on their own).
    dirty = [
        obj
        for obj in session.dirty
        if session.is_modified(obj, include_collections=isinstance(obj, Stop))
    ]
    for obj in [*session.new, *dirty, *session.deleted]:
        if isinstance(obj, Stop):
            changes.stops.add(obj.id)
            changes.office = True
            owners[VISIT] |= _ids(_values(obj, "visit_id"))
            owners[PARTICIPANT] |= {p.id for p in _values(obj, "attendees") if p is not None}
        elif isinstance(obj, Venue):
            changes.venues.add(obj.id)
        elif isinstance(obj, Visit):
            owners[VISIT].add(obj.id)
            changes.office = True
            changes.visits_participants.add(obj.id)
        elif isinstance(obj, Person):
            changes.people.add(obj.id)
        elif isinstance(obj, Participant):
            owners[PARTICIPANT].add(obj.id)
        elif isinstance(obj, FollowUp):
            owners[USER] |= _ids(_values(obj, "owner_id"))
            owners[USER] |= {user.id for user in _values(obj, "owner") if user is not None}
        elif isinstance(obj, StopReply):
            changes.replied_stops |= _ids(_values(obj, "stop_id"))
        elif isinstance(obj, Outcome):
            changes.outcomes.add(obj.id)
        elif isinstance(obj, User) and (obj in session.new or _user_changed(obj)):
            owners[USER].add(obj.id)
    return changes


def _resolve(connection, changes: _Changes) -> None:
    """Add the owners that only the database knows: who attends, uses, or owns what."""
    owners = changes.owners
    if changes.venues:
        rows = connection.execute(
            sa.select(Stop.id, Stop.visit_id).where(Stop.venue_id.in_(changes.venues))
        ).all()
        changes.stops |= {stop_id for stop_id, _ in rows}
        owners[VISIT] |= {visit_id for _, visit_id in rows}
        changes.office = changes.office or bool(rows)
    if changes.replied_stops:
        owners[VISIT] |= set(
            connection.scalars(sa.select(Stop.visit_id).where(Stop.id.in_(changes.replied_stops)))
        )
    participants = []
    if changes.stops:
        participants.append(
            sa.select(stop_attendees.c.participant_id).where(
                stop_attendees.c.stop_id.in_(changes.stops)
            )
        )
    if changes.visits_participants:
        participants.append(
            sa.select(Participant.id).where(Participant.visit_id.in_(changes.visits_participants))
        )
    if changes.people:
        participants.append(
            sa.select(Participant.id).where(Participant.person_id.in_(changes.people))
        )
    if participants:
        owners[PARTICIPANT] |= set(connection.scalars(sa.union(*participants)))
    if changes.outcomes:
        owners[USER] |= set(
            connection.scalars(
                sa.select(FollowUp.owner_id).where(FollowUp.outcome_id.in_(changes.outcomes))
            )
        )


def bump(connection, keys: Iterable[tuple[str, int]]) -> None:
    """Raise each owner's version by one, inserting its row at 1 if it has none.

    One INSERT ... ON CONFLICT DO UPDATE SET version = version + 1: the database adds the
    one under its row lock, so two transactions that raise the same row both count, and
    the rows go in one order (sorted) so that two of them never wait on each other.
    """
    keys = sorted(set(keys))
    if not keys:
        return
    table = CalendarVersion.__table__
    now = utc_now()
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    insert = dialect.insert(table).values(
        [
            {"owner_kind": kind, "owner_id": owner_id, "version": 1, "changed_at": now}
            for kind, owner_id in keys
        ]
    )
    connection.execute(
        insert.on_conflict_do_update(
            index_elements=[table.c.owner_kind, table.c.owner_id],
            set_={"version": table.c.version + 1, "changed_at": insert.excluded.changed_at},
        )
    )


@sa.event.listens_for(Session, "after_flush")
def _raise_versions(session: Session, _flush_context) -> None:
    # After the flush the new rows have their ids and the association rows are written;
    # new, dirty, deleted and every attribute's history still describe this flush.
    changes = _gather(session)
    connection = session.connection()
    _resolve(connection, changes)
    keys = [(kind, owner_id) for kind, ids in changes.owners.items() for owner_id in ids]
    if changes.office:
        keys.append((OFFICE, OFFICE_ID))
    bump(connection, keys)
