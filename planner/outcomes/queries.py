"""What a visit produced, as one query: read by the visit's page and by its report.

Beside the models, below the operations, so that a report (planner/reports/queries.py)
reads it without reaching up into outcomes/operations.py.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from planner.outcomes.models import FollowUp, Outcome


@dataclass(frozen=True)
class VisitOutcomes:
    """What a visit produced, each outcome with its follow-ups, and the visit's other follow-ups."""

    outcomes: list[Outcome]
    other_follow_ups: list[FollowUp]  # tied to the visit but to none of its outcomes

    @property
    def follow_ups(self) -> list[FollowUp]:
        return [f for o in self.outcomes for f in o.follow_ups] + self.other_follow_ups


def visit_outcomes(session, visit_id: int) -> VisitOutcomes:
    outcomes = session.scalars(
        sa.select(Outcome)
        .where(Outcome.visit_id == visit_id)
        .options(
            selectinload(Outcome.stop),
            selectinload(Outcome.our_organization),
            selectinload(Outcome.partner_organization),
            selectinload(Outcome.documents),
            selectinload(Outcome.follow_ups).selectinload(FollowUp.owner),
        )
        .order_by(Outcome.day, Outcome.id)
    )
    others = session.scalars(
        sa.select(FollowUp)
        .where(FollowUp.visit_id == visit_id, FollowUp.outcome_id.is_(None))
        .options(selectinload(FollowUp.owner))
        .order_by(FollowUp.due_date, FollowUp.id)
    )
    return VisitOutcomes(list(outcomes), list(others))
