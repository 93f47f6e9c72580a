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


def security_events(session, page: int = 1) -> Page:
    query = sa.select(SecurityEvent).order_by(SecurityEvent.at.desc(), SecurityEvent.id.desc())
    return _page(session, query, page)
