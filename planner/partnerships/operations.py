"""Creating partnerships and moving them through their stages, with the reason on record."""

from planner.accounts.models import User
from planner.partnerships.models import Partnership, Stage, StageChange
from planner.types import utcnow


class StageError(ValueError):
    """A stage change that cannot be made, with a message for the person asking."""


def create_partnership(session, *, acting: User, reason: str, **values) -> Partnership:
    partnership = Partnership(**values)
    partnership.history.append(
        StageChange(
            from_stage=None,
            to_stage=partnership.stage or Stage.IDEA,
            reason=reason,
            changed_by=acting,
            changed_at=utcnow(),
        )
    )
    session.add(partnership)
    session.flush()
    return partnership


def move_stage(
    session, partnership: Partnership, to_stage: Stage, *, acting: User, reason: str
) -> StageChange:
    """Record who moved the partnership, when and why; the history only ever grows."""
    reason = (reason or "").strip()
    if not reason:
        raise StageError("say why the stage changes")
    if to_stage == partnership.stage:
        raise StageError("the partnership is already at this stage")
    change = StageChange(
        partnership=partnership,
        from_stage=partnership.stage,
        to_stage=to_stage,
        reason=reason,
        changed_by=acting,
        changed_at=utcnow(),
    )
    partnership.stage = to_stage
    session.add(change)
    session.flush()
    return change
