"""Outcomes and follow-ups: create, change and delete, and the queries their pages need.

Each change takes the acting user, flushes and leaves the commit to the request.
"""

import logging
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from planner.accounts.models import User
from planner.clock import utc_now
from planner.database import Capped, capped
from planner.outcomes.documents import DocumentStorage
from planner.outcomes.models import FollowUp, FollowUpStatus, Outcome
from planner.outcomes.queries import FollowUpsShown, follow_ups_query
from planner.partnerships.models import Partnership
from planner.visits.models import Visit

log = logging.getLogger(__name__)

# A change to any of these makes calendar clients replace their copy of the to-do.
FOLLOW_UP_CALENDAR_FIELDS = ("title", "due_date", "status")
# What a follow-up is tied to: at least one of them.
FOLLOW_UP_TIES = ("outcome_id", "visit_id", "partnership_id")


# --- Outcomes ---------------------------------------------------------------------------


def create_outcome(session, visit: Visit, *, acting: User, **values) -> Outcome:
    outcome = Outcome(visit=visit, created_by_id=acting.id, **values)
    session.add(outcome)
    session.flush()
    log.info("%s recorded outcome %s of visit %s", acting.email, outcome.id, visit.id)
    return outcome


def update_outcome(session, outcome: Outcome, *, acting: User, **values) -> Outcome:
    summary_changed = "summary" in values and values["summary"] != outcome.summary
    for name, value in values.items():
        setattr(outcome, name, value)
    if summary_changed:
        # The summary is each follow-up's DESCRIPTION in its owner's calendar: touching
        # them changes the feed's validator, so that calendar apps fetch it again.
        for follow_up in outcome.follow_ups:
            follow_up.updated_at = utc_now()
    session.flush()
    log.info("%s changed outcome %s", acting.email, outcome.id)
    return outcome


def delete_outcome(session, outcome: Outcome, *, acting: User, documents: DocumentStorage) -> None:
    """Delete the outcome and its documents (their files once this commits).

    Its follow-ups stay: still promised, still tied to the visit (and partnership).
    """
    for follow_up in outcome.follow_ups:
        if follow_up.visit_id is None and follow_up.partnership_id is None:
            follow_up.visit_id = outcome.visit_id  # a follow-up is always tied to something
    documents.remove_on_commit(session, outcome.documents)
    outcome_id = outcome.id
    session.delete(outcome)
    session.flush()
    log.info("%s deleted outcome %s", acting.email, outcome_id)


# --- Follow-ups -------------------------------------------------------------------------


class FollowUpError(ValueError):
    """A follow-up that cannot be saved, with a message for the person asking."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def ties_error(outcome, visit, partnership):
    """The one rule on what a follow-up serves, given the three or their ids (the database
    CHECKs it as tied_to_something)."""
    if outcome is None and visit is None and partnership is None:
        return _l("Tie the follow-up to an outcome, a visit or a partnership.")
    return None


def owner_error(owner: User, current: User | None = None):
    """Active staff may be given a follow-up (see follow_up_owners); one who already holds it
    keeps it after being disabled."""
    if not owner.active and owner != current:
        return _l("%(name)s is no longer active: choose an active colleague.", name=owner.name)
    return None


def create_follow_up(
    session,
    *,
    acting: User,
    outcome: Outcome | None = None,
    visit: Visit | None = None,
    partnership: Partnership | None = None,
    **values,
) -> FollowUp:
    """A follow-up of an outcome (and so of its visit and partnership), a visit or a partnership."""
    if outcome is not None:
        visit = visit or outcome.visit
        partnership = partnership or outcome.partnership
    if error := ties_error(outcome, visit, partnership):
        raise FollowUpError(error)
    follow_up = FollowUp(outcome=outcome, visit=visit, partnership=partnership, **values)
    if follow_up.status == FollowUpStatus.DONE:
        follow_up.completed_at = utc_now()
    session.add(follow_up)
    session.flush()
    log.info("%s added follow-up %s", acting.email, follow_up.id)
    return follow_up


def update_follow_up(session, follow_up: FollowUp, *, acting: User, **values) -> FollowUp:
    """Change a follow-up; a new title, due date or status raises its calendar SEQUENCE."""
    ties = (values.get(name, getattr(follow_up, name)) for name in FOLLOW_UP_TIES)
    if error := ties_error(*ties):
        raise FollowUpError(error)
    changed = {name for name, value in values.items() if getattr(follow_up, name) != value}
    for name in changed:
        setattr(follow_up, name, values[name])
    if "status" in changed:
        follow_up.completed_at = utc_now() if follow_up.status == FollowUpStatus.DONE else None
    if changed & set(FOLLOW_UP_CALENDAR_FIELDS):
        follow_up.sequence += 1
    session.flush()
    log.info("%s changed follow-up %s", acting.email, follow_up.id)
    return follow_up


def delete_follow_up(session, follow_up: FollowUp, *, acting: User) -> None:
    """Delete a promise made in error; one that is no longer wanted is better dropped, which
    keeps it on record. It leaves its owner's calendar feed with the next fetch."""
    follow_up_id = follow_up.id
    session.delete(follow_up)
    session.flush()
    log.info("%s deleted follow-up %s", acting.email, follow_up_id)


def set_follow_up_status(
    session, follow_up: FollowUp, status: FollowUpStatus, *, acting: User
) -> FollowUp:
    """Mark done, drop or reopen."""
    return update_follow_up(session, follow_up, acting=acting, status=status)


# --- Queries for the pages --------------------------------------------------------------


def outcome_for_page(session, outcome_id: int) -> Outcome | None:
    return session.scalar(
        sa.select(Outcome)
        .where(Outcome.id == outcome_id)
        .options(
            selectinload(Outcome.visit),
            selectinload(Outcome.stop),
            selectinload(Outcome.partnership),
            selectinload(Outcome.our_organization),
            selectinload(Outcome.partner_organization),
            selectinload(Outcome.documents),
            selectinload(Outcome.follow_ups).selectinload(FollowUp.owner),
        )
    )


# What "My follow-ups" shows of each kind at most; the rest are a link away.
OWN_ROWS = 50


@dataclass(frozen=True)
class OwnFollowUps:
    overdue: Capped  # most overdue first
    open: Capped  # due today or later, soonest first
    closed: Capped  # done or dropped, most recently changed first


def follow_ups_of_owner(session, owner_id: int, today: date) -> OwnFollowUps:
    closed = (
        follow_ups_query(today, owner_id=owner_id)
        .where(FollowUp.status != FollowUpStatus.OPEN)
        .order_by(None)
        .order_by(FollowUp.updated_at.desc(), FollowUp.id.desc())
    )
    return OwnFollowUps(
        overdue=capped(
            session, follow_ups_query(today, FollowUpsShown.OVERDUE, owner_id), OWN_ROWS
        ),
        open=capped(session, follow_ups_query(today, FollowUpsShown.DUE, owner_id), OWN_ROWS),
        closed=capped(session, closed, OWN_ROWS),
    )


# Built once: every signed-in page asks it, and building a statement (and its cache key)
# anew cost more than the database's answer.
_COUNT_OVERDUE = sa.select(sa.func.count(FollowUp.id)).where(
    FollowUp.owner_id == sa.bindparam("owner_id"),
    FollowUp.status == FollowUpStatus.OPEN,
    FollowUp.due_date < sa.bindparam("today"),
)


def count_overdue(session, today: date, owner_id: int) -> int:
    """How many of the owner's follow-ups are overdue: one COUNT, for the navigation badge."""
    return session.scalar(_COUNT_OVERDUE, {"owner_id": owner_id, "today": today}) or 0


def follow_up_owners(session, current: User | None = None) -> list[User]:
    """Active staff by name, who may own a follow-up; plus its current owner if no longer active."""
    users = list(session.scalars(sa.select(User).where(User.active).order_by(User.name, User.id)))
    if current is not None and current not in users:
        users.append(current)
    return users


def partnership_options(session) -> list[Partnership]:
    return list(session.scalars(sa.select(Partnership).order_by(Partnership.title, Partnership.id)))
