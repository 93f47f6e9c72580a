"""The audit trail's entries and the security events, as the administrators read them.

Neither table holds a foreign key: a log outlives the user and the record it names, and
a security event written apart from a failing request must not wait on that request's
locks.
"""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from planner.clock import utc_now
from planner.extensions import Model
from planner.types import Choice, UTCDateTime


class Source(Choice):
    PAGE = "page", _l("page")
    API = "api", _l("API")
    CLI = "cli", _l("command line")
    WORKER = "worker", _l("worker")
    SYSTEM = "system", _l("system")


class Action(Choice):
    CREATE = "create", _l("created")
    UPDATE = "update", _l("changed")
    DELETE = "delete", _l("deleted")
    RESTORE = "restore", _l("restored")


class AuditEntry(Model):
    """One record created, changed, deleted or restored: `changes` is {field: [before, after]}
    in JSON-safe values (ISO dates and times, enums by value, decimals as text)."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, index=True)
    user_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    source: Mapped[str] = mapped_column(sa.String(10))
    record_type: Mapped[str] = mapped_column(sa.String(40))
    record_id: Mapped[int] = mapped_column(sa.Integer)
    action: Mapped[str] = mapped_column(sa.String(10))
    changes: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    visit_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    request_id: Mapped[str | None] = mapped_column(sa.String(64))

    __table_args__ = (sa.Index("ix_audit_entries_record", "record_type", "record_id"),)

    def __repr__(self) -> str:
        return f"<AuditEntry {self.action} {self.record_type} {self.record_id}>"


class SecurityEventKind(Choice):
    SIGN_IN = "sign_in", _l("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _l("Sign-in refused")
    SIGN_OUT = "sign_out", _l("Signed out")
    REFUSED = "refused", _l("Refused (403)")
    API_TOKEN_CREATED = "api_token_created", _l("API token created")
    API_TOKEN_REVOKED = "api_token_revoked", _l("API token revoked")
    FEED_REVOKED = "feed_revoked", _l("Calendar feed revoked")
    FEED_REISSUED = "feed_reissued", _l("Calendar feed reissued")


class SecurityEvent(Model):
    """A sign-in, a refusal, a token or feed handed out or taken back. `email` is what was
    typed at a failed sign-in (never the password); `detail` what was asked for."""

    __tablename__ = "security_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, index=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    user_id: Mapped[int | None] = mapped_column(sa.Integer)
    email: Mapped[str | None] = mapped_column(sa.String(254))
    address: Mapped[str | None] = mapped_column(sa.String(64))
    request_id: Mapped[str | None] = mapped_column(sa.String(64))
    detail: Mapped[str | None] = mapped_column(sa.String(500))

    def __repr__(self) -> str:
        return f"<SecurityEvent {self.kind} user {self.user_id}>"
