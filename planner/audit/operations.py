"""Writing security events, and the lists the history and security pages read.

A security event goes to the log ("pishvaz.security", one line each) and to the
security_events table. Most are written with the change they are about (a token issued
in a request that fails was never issued); a refusal or a failed sign-in is written
`apart`, in its own short transaction, since the request it belongs to is rolled back.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from planner.audit.models import AuditEntry, SecurityEvent, SecurityEventKind
from planner.audit.readable import referenced_ids
from planner.extensions import Model

log = logging.getLogger("pishvaz.security")

PAGE_SIZE = 50


def record_security_event(
    session,
    kind: SecurityEventKind,
    *,
    user_id: int | None = None,
    email: str | None = None,
    address: str | None = None,
    request_id: str | None = None,
    detail: str | None = None,
    apart: bool = False,
) -> None:
    values = {
        "kind": kind.value,
        "user_id": user_id,
        "email": email[:254] if email else None,
        "address": address[:64] if address else None,
        "request_id": request_id[:64] if request_id else None,
        "detail": detail[:500] if detail else None,
    }
    # %r quotes what a visitor typed, so that a line break in it cannot forge a log line.
    log.info(
        "%s user=%s email=%r address=%s request=%s detail=%r",
        kind.value,
        user_id if user_id is not None else "-",
        values["email"],
        values["address"] or "-",
        values["request_id"] or "-",
        values["detail"],
    )
    if not apart:
        session.add(SecurityEvent(**values))
        return
    try:
        # Its own session on the same bind: a connection, and a transaction, of its own.
        with Session(bind=session.get_bind(), join_transaction_mode="create_savepoint") as own:
            own.execute(sa.insert(SecurityEvent), values)
            own.commit()
    except sa.exc.SQLAlchemyError:
        # The log line above stands; the refusal itself must not become a server error.
        log.exception("could not store the security event %s", kind.value)


@dataclass(frozen=True)
class Page:
    items: list
    number: int
    has_next: bool


def _page(session, query, number: int, size: int = PAGE_SIZE) -> Page:
    number = max(number, 1)
    rows = list(session.scalars(query.limit(size + 1).offset((number - 1) * size)))
    return Page(rows[:size], number, len(rows) > size)


@dataclass(frozen=True)
class AuditFilter:
    user_id: int | None = None
    record_type: str | None = None
    record_id: int | None = None
    visit_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


def audit_entries(session, where: AuditFilter, page: int = 1) -> Page:
    """Entries that match, the newest first."""
    query = sa.select(AuditEntry)
    for column, value in (
        (AuditEntry.user_id, where.user_id),
        (AuditEntry.record_type, where.record_type),
        (AuditEntry.record_id, where.record_id),
        (AuditEntry.visit_id, where.visit_id),
    ):
        if value is not None:
            query = query.where(column == value)
    if where.since is not None:
        query = query.where(AuditEntry.at >= where.since)
    if where.until is not None:
        query = query.where(AuditEntry.at < where.until)
    return _page(session, query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()), page)


# What a record is called where an entry points at it; a participant by its person's name.
NAME_COLUMNS = {
    "people": "full_name_latin",
    "venues": "name",
    "organizations": "name",
    "users": "name",
    "visits": "title",
    "stops": "title",
    "partnerships": "title",
    "outcomes": "summary",
    "follow_ups": "title",
}
LONGEST_NAME = 80  # an outcome's summary is a paragraph: its start names it


def referenced_names(session, entries) -> dict[tuple[str, int], str]:
    """The names of the records the entries' fields point at, by (table, id): one query per
    kind of record. A record deleted since is not there (the page shows its number)."""
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        for table_name, ids in referenced_ids(entry.record_type, entry.changes).items():
            wanted.setdefault(table_name, set()).update(ids)
    tables = Model.metadata.tables
    names: dict[tuple[str, int], str] = {}
    for table_name, ids in wanted.items():
        if table_name == "participants":
            participants, people = tables["participants"], tables["people"]
            query = (
                sa.select(participants.c.id, people.c.full_name_latin)
                .join(people, people.c.id == participants.c.person_id)
                .where(participants.c.id.in_(ids))
            )
        elif table_name in NAME_COLUMNS:
            table = tables[table_name]
            query = sa.select(table.c.id, table.c[NAME_COLUMNS[table_name]]).where(
                table.c.id.in_(ids)
            )
        else:
            continue
        for record_id, name in session.execute(query):
            text = " ".join(str(name or "").split())
            if len(text) > LONGEST_NAME:
                text = text[: LONGEST_NAME - 1].rstrip() + "…"
            names[table_name, record_id] = text
    return names


def security_events(session, page: int = 1) -> Page:
    query = sa.select(SecurityEvent).order_by(SecurityEvent.at.desc(), SecurityEvent.id.desc())
    return _page(session, query, page)
