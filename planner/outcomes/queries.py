"""What a visit produced, and the office's follow-ups, as queries: read by the pages and by
the reports.

Beside the models, below the operations, so that a report (planner/reports/queries.py)
reads it without reaching up into outcomes/operations.py.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cache

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from planner.outcomes.models import FollowUp, FollowUpStatus, Outcome
from planner.outcomes.overdue import overdue_query
from planner.types import Choice


@dataclass(frozen=True)
class VisitOutcomes:
    """What a visit produced, each outcome with its follow-ups, and the visit's other follow-ups."""

    outcomes: list[Outcome]
    other_follow_ups: list[FollowUp]  # tied to the visit but to none of its outcomes

    @property
    def follow_ups(self) -> list[FollowUp]:
        return [f for o in self.outcomes for f in o.follow_ups] + self.other_follow_ups


@cache
def _visit_outcomes_queries() -> tuple[sa.Select, sa.Select]:
    """Built once, at first use, as the visit's page asks them on every request: building
    them (their loader options) cost more than running them. Not at import: the options
    would configure the mappers before every model is known."""
    visit_id = sa.bindparam("visit_id", type_=sa.Integer)
    outcomes = (
        sa.select(Outcome)
        .where(Outcome.visit_id == visit_id)
        .options(
            joinedload(Outcome.stop),
            joinedload(Outcome.our_organization),
            joinedload(Outcome.partner_organization),
            joinedload(Outcome.documents),
        )
        .order_by(Outcome.day, Outcome.id)
    )
    of_its_outcomes = sa.select(Outcome.id).where(Outcome.visit_id == visit_id)
    follow_ups = (
        sa.select(FollowUp)
        .where(
            sa.or_(
                sa.and_(FollowUp.visit_id == visit_id, FollowUp.outcome_id.is_(None)),
                FollowUp.outcome_id.in_(of_its_outcomes),
            )
        )
        .options(joinedload(FollowUp.owner))
        .order_by(FollowUp.due_date, FollowUp.id)
    )
    return outcomes, follow_ups


def visit_outcomes(session, visit_id: int) -> VisitOutcomes:
    """In two queries whatever their number (the visit's page reads it on every request):
    the outcomes with their stop, organizations and documents; then all the visit's
    follow-ups, its outcomes' and its own, with their owners, shared out here."""
    values = {"visit_id": visit_id}
    outcomes_query, follow_ups_query = _visit_outcomes_queries()
    outcomes = list(session.scalars(outcomes_query, values).unique())
    by_outcome: dict[int | None, list[FollowUp]] = defaultdict(list)
    for follow_up in session.scalars(follow_ups_query, values):
        by_outcome[follow_up.outcome_id].append(follow_up)
    for outcome in outcomes:
        # As the relationship would load them (by due date), without a query per outcome.
        set_committed_value(outcome, "follow_ups", by_outcome[outcome.id])
    return VisitOutcomes(outcomes, by_outcome[None])


class FollowUpsShown(Choice):
    """Which follow-ups the office's list shows."""

    OVERDUE = "overdue", _l("Overdue")
    DUE = "due", _l("Not yet due")
    OPEN = "open", _l("Open")
    DONE = "done", _l("Done")
    DROPPED = "dropped", _l("Dropped")


def follow_ups_query(
    today: date, shown: FollowUpsShown | None = None, owner_id: int | None = None
) -> sa.Select:
    """Follow-ups (everyone's, or one owner's) with what they are about: open ones first,
    soonest due first; done or dropped ones the most recently changed first."""
    if shown == FollowUpsShown.OVERDUE:
        query = overdue_query(today, owner_id)
    else:
        query = sa.select(FollowUp)
        if owner_id is not None:
            query = query.where(FollowUp.owner_id == owner_id)
        if shown == FollowUpsShown.DUE:
            query = query.where(FollowUp.status == FollowUpStatus.OPEN, FollowUp.due_date >= today)
        elif shown is not None:
            query = query.where(FollowUp.status == FollowUpStatus(shown.value))
        still_open = FollowUp.status == FollowUpStatus.OPEN
        query = query.order_by(
            sa.case((still_open, 0), else_=1),
            sa.case((still_open, FollowUp.due_date)),
            FollowUp.updated_at.desc(),
            FollowUp.id,
        )
    return query.options(
        selectinload(FollowUp.owner),
        selectinload(FollowUp.outcome),
        selectinload(FollowUp.visit),
        selectinload(FollowUp.partnership),
    )
