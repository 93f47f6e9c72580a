"""Overdue follow-ups, judged by the office's calendar day, not the server's."""

from datetime import UTC, date, datetime

import sqlalchemy as sa

from planner.outcomes.models import FollowUp, FollowUpStatus
from planner.timefmt import zone


def utc_now() -> datetime:
    """The clock the pages judge overdue by; tests replace it to stand at a given instant."""
    return datetime.now(UTC)


def office_today(office_zone: str, now: datetime) -> date:
    """Today in the office's time zone: in Tehran the day turns at 20:30 UTC."""
    return now.astimezone(zone(office_zone)).date()


def overdue_follow_ups(session, today: date, owner_id: int | None = None) -> list[FollowUp]:
    """Open follow-ups due before today, oldest first. Due today is not overdue yet."""
    query = sa.select(FollowUp).where(
        FollowUp.status == FollowUpStatus.OPEN, FollowUp.due_date < today
    )
    if owner_id is not None:
        query = query.where(FollowUp.owner_id == owner_id)
    return list(session.scalars(query.order_by(FollowUp.due_date, FollowUp.id)))
