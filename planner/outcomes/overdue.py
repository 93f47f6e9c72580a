"""Overdue follow-ups, judged by the office's calendar day, not the server's."""

from datetime import date

import sqlalchemy as sa

from planner.outcomes.models import FollowUp, FollowUpStatus


def overdue_query(today: date, owner_id: int | None = None) -> sa.Select:
    """Open follow-ups due before today, oldest first. Due today is not overdue yet."""
    query = sa.select(FollowUp).where(
        FollowUp.status == FollowUpStatus.OPEN, FollowUp.due_date < today
    )
    if owner_id is not None:
        query = query.where(FollowUp.owner_id == owner_id)
    return query.order_by(FollowUp.due_date, FollowUp.id)
