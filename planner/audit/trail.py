"""The audit trail, written in the flush that makes each change: who, which record, the
fields before and after.

One listener for every session: whatever changes an audited table (a page, the API, the
CLI, the worker) is recorded in the same transaction, so a change rolled back leaves no
entry and a change committed always has one. Who acted comes from `acting_as`, which
the request, the API's sign-in and the CLI set; nothing set is "system".
"""

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapper, Session

from planner.audit.models import Action, AuditEntry, Source
from planner.extensions import Base

# The tables whose every change is recorded, by table name: this module reads no domain.
AUDITED = frozenset(
    {
        "visits",
        "stops",
        "participants",
        "venues",
        "people",
        "organizations",
        "outcomes",
        "follow_ups",
        "partnerships",
        "users",
    }
)

# Never written to the trail: secrets (a password's hash), and counters that move on every
# save or sign-out and say nothing a reader needs (the stop's lock version and calendar
# sequence, the session and feed generations: their changes are security events).
EXCLUDED_COLUMNS = frozenset(
    {
        "password_hash",
        "session_generation",
        "feed_generation",
        "version",
        "sequence",
        "updated_by_id",
    }
)

# Many-to-many collections recorded as a field of their owner, as sorted ids.
COLLECTIONS = {"stops": ("attendees",)}


@dataclass(frozen=True)
class Actor:
    user_id: int | None = None
    source: Source = Source.SYSTEM
    request_id: str | None = None


NOBODY = Actor()
_actor: ContextVar[Actor] = ContextVar("pishvaz_audit_actor", default=NOBODY)


def current_actor() -> Actor:
    return _actor.get()


def set_actor(actor: Actor) -> None:
    """For a request's hooks, which set it at the start and put NOBODY back at the end."""
    _actor.set(actor)


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    """Changes flushed inside are recorded as `actor`'s (a CLI command, a worker's job)."""
    token = _actor.set(actor)
    try:
        yield actor
    finally:
        _actor.reset(token)


def plain(value: Any) -> Any:
    """A value as JSON keeps it: enums by value, dates and times in ISO 8601, decimals and
    anything else unknown as text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def _table_name(mapper: Mapper) -> str:
    return getattr(mapper.local_table, "name", "")


def _is_audited(instance) -> bool:
    return getattr(instance, "__tablename__", None) in AUDITED


def _columns(mapper: Mapper) -> list[str]:
    return [attr.key for attr in mapper.column_attrs if attr.key not in EXCLUDED_COLUMNS]


def _collection_ids(items) -> list:
    return sorted(item.id for item in items)


def _created(state) -> dict:
    values = state.dict
    changes = {
        key: [None, plain(values[key])]
        for key in _columns(state.mapper)
        if key != "id" and values.get(key) is not None
    }
    for key in COLLECTIONS.get(_table_name(state.mapper), ()):
        if values.get(key):
            changes[key] = [None, _collection_ids(values[key])]
    return changes


def _changed(state) -> dict:
    changes = {}
    for key in _columns(state.mapper):
        history = state.attrs[key].history
        if not history.has_changes():
            continue
        before = plain(history.deleted[0]) if history.deleted else None
        after = plain(history.added[0]) if history.added else None
        if before != after:
            changes[key] = [before, after]
    for key in COLLECTIONS.get(_table_name(state.mapper), ()):
        history = state.attrs[key].history
        if history.added or history.deleted:
            kept = list(history.unchanged)
            before = _collection_ids(kept + list(history.deleted))
            after = _collection_ids(kept + list(history.added))
            if before != after:
                changes[key] = [before, after]
    return changes


def _deleted(state) -> dict:
    values = state.dict
    return {
        key: [plain(values[key]), None]
        for key in _columns(state.mapper)
        if key != "id" and values.get(key) is not None
    }


def _update_action(changes: dict) -> Action:
    """Moving to the bin and back out of it are a delete and a restore, not an edit."""
    if "deleted_at" in changes:
        before, after = changes["deleted_at"]
        if before is None and after is not None:
            return Action.DELETE
        if before is not None and after is None:
            return Action.RESTORE
    return Action.UPDATE


def _visit_id(state) -> int | None:
    if _table_name(state.mapper) == "visits":
        return state.dict.get("id")
    return state.dict.get("visit_id")


def entries(session: Session) -> list[dict]:
    """What the flush that has just run changed in audited tables, as audit rows."""
    actor = current_actor()
    found = []
    for objects, describe in (
        (session.new, lambda state: (Action.CREATE, _created(state))),
        (session.dirty, lambda state: (None, _changed(state))),
        (session.deleted, lambda state: (Action.DELETE, _deleted(state))),
    ):
        for instance in objects:
            if not _is_audited(instance):
                continue
            state = sa.inspect(instance)
            action, changes = describe(state)
            if action is None:
                if not changes:
                    continue  # touched, but nothing recorded changed
                action = _update_action(changes)
            found.append(
                {
                    "user_id": actor.user_id,
                    "source": actor.source.value,
                    "request_id": actor.request_id,
                    "record_type": _table_name(state.mapper),
                    "record_id": state.dict.get("id"),
                    "action": action.value,
                    "changes": changes,
                    "visit_id": _visit_id(state),
                }
            )
    return found


@sa.event.listens_for(Session, "after_flush")
def _record_changes(session: Session, _flush_context) -> None:
    # After the flush new rows have their ids, and until its end every attribute still
    # holds its history: the one moment that knows both.
    rows = entries(session)
    if rows:
        session.connection().execute(sa.insert(AuditEntry), rows)


def _load_before_setting(_target, value, _oldvalue, _initiator):
    return value


@sa.event.listens_for(Mapper, "mapper_configured")
def _keep_old_values(mapper: Mapper, class_) -> None:
    """A value set on an attribute not loaded yet (after a commit) loads the old one first,
    so that the trail knows what was there before."""
    if _table_name(mapper) not in AUDITED:
        return
    for key in _columns(mapper):
        sa.event.listen(
            getattr(class_, key), "set", _load_before_setting, active_history=True, retval=True
        )


# A statement built when a module is imported (a query kept for every request) configures
# the mappers before this module may be imported: those never announce themselves again,
# and without the listener a value set after a commit would be recorded with no "before".
for _mapper in list(Base.registry.mappers):
    if _mapper.configured:
        _keep_old_values(_mapper, _mapper.class_)
