"""Creating partnerships and moving them through their stages, with the reason on record.

Each operation takes the acting user, changes models and flushes; the request commits.
The queries at the end are what the partnership pages list.
"""

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from planner.accounts.models import User
from planner.clock import utc_now
from planner.outcomes.models import FollowUp, Outcome
from planner.partnerships.models import Partnership, PartnershipKind, Stage, StageChange
from planner.timefmt import to_local
from planner.visits import operations as visit_operations
from planner.visits.models import Visit, VisitStatus

# What the edit form may change. The stage is not among them: it moves only through
# move_stage, which records who, when and why.
EDITABLE = (
    "title",
    "kind",
    "our_city",
    "our_country",
    "our_organization_id",
    "partner_city",
    "partner_country",
    "partner_organization_id",
    "description",
)


class StageError(ValueError):
    """A stage change that cannot be made, with a message for the person asking."""

    def __init__(self, message, field: str = "reason"):
        super().__init__(str(message))
        self.message = message
        self.field = field


REASON_MISSING = _l("Say why the stage changes.")


def reason_error(reason: str | None):
    """The one rule on a stage change's reason: there is one, and it is not blank."""
    return REASON_MISSING if not (reason or "").strip() else None


def side_error(city: str | None, organization_id: int | None):
    """The one rule on each side of a partnership: a place, an organization or both."""
    if not city and organization_id is None:
        return _l("Name a city, an organization or both.")
    return None


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if error := reason_error(text):
        raise StageError(error)
    return text


def create_partnership(session, *, acting: User, reason: str, **values) -> Partnership:
    """A new partnership at its first stage; that stage is the first row of its history."""
    reason = _reason(reason)
    partnership = Partnership(**values)
    partnership.history.append(
        StageChange(
            from_stage=None,
            to_stage=partnership.stage or Stage.IDEA,
            reason=reason,
            changed_by=acting,
            changed_at=utc_now(),
        )
    )
    session.add(partnership)
    session.flush()
    return partnership


def update_partnership(session, partnership: Partnership, *, acting: User, **values) -> Partnership:
    """Change what the partnership is; never its stage or its history."""
    refused = set(values) - set(EDITABLE)
    if refused:
        raise TypeError(f"not editable here: {', '.join(sorted(refused))}; use move_stage")
    for name, value in values.items():
        setattr(partnership, name, value)
    session.flush()
    return partnership


def move_stage(
    session, partnership: Partnership, to_stage: Stage, *, acting: User, reason: str
) -> StageChange:
    """Record who moved the partnership, when and why; the history only ever grows."""
    reason = _reason(reason)
    if to_stage == partnership.stage:
        raise StageError(
            _l("The partnership is already at the stage “%(stage)s”.", stage=to_stage.label),
            field="to_stage",
        )
    change = StageChange(
        partnership=partnership,
        from_stage=partnership.stage,
        to_stage=to_stage,
        reason=reason,
        changed_by=acting,
        changed_at=utc_now(),
    )
    partnership.stage = to_stage
    session.add(change)
    session.flush()
    return change


def plan_return_visit(
    session,
    partnership: Partnership,
    *,
    acting: User,
    title: str,
    start_date: date,
    end_date: date,
    timezone: str,
    delegation_timezone: str,
    purpose: str | None,
    copied_from: Visit | None = None,
) -> Visit:
    """A draft visit in which our side travels to the partner side.

    The partner hosts (host city and organization); we visit (visiting country and
    organization). No participants or stops are copied, not even from `copied_from`:
    the visit a follow-up came from was the partner's delegation in our city, and its
    stops (our factories, our castle) and its people (an embassy in Tehran) say nothing
    about who travels to the partner's city or what they will see there. `copied_from`
    only records which visit this one answers. To copy a visit's people and programme
    with the sides swapped, use "Copy as return visit" on the visit itself
    (planner.visits.operations.copy_as_return_visit).
    """
    return visit_operations.create_visit(
        session,
        acting=acting,
        title=title,
        visiting_country=partnership.our_country,
        visiting_organization_id=partnership.our_organization_id,
        host_organization_id=partnership.partner_organization_id,
        host_city=partnership.partner_city,
        start_date=start_date,
        end_date=end_date,
        timezone=timezone,
        delegation_timezone=delegation_timezone,
        status=VisitStatus.DRAFT,
        purpose=purpose,
        copied_from=copied_from,
    )


# --- Queries for the pages --------------------------------------------------------------


@dataclass(frozen=True)
class ListedPartnership:
    partnership: Partnership
    last_changed_at: datetime | None
    last_changed_on: date | None  # in the office's zone


class SortOrder:
    STAGE = "stage"  # grouped by stage, in pipeline order
    CHANGED = "changed"  # the most recently moved first
    ALL = (STAGE, CHANGED)


def partnerships_query(
    *,
    kind: PartnershipKind | None = None,
    stage: Stage | None = None,
    country: str | None = None,
    order: str = SortOrder.STAGE,
) -> sa.Select:
    """Partnerships filtered as asked, ordered for the list.

    By stage in pipeline order (idea first, closed last), then title; or, with
    order="changed", the most recently moved first (those never moved before them all).
    """
    last_change = (
        sa.select(StageChange.partnership_id, sa.func.max(StageChange.changed_at).label("at"))
        .group_by(StageChange.partnership_id)
        .subquery()
    )
    query = (
        sa.select(Partnership)
        .outerjoin(last_change, last_change.c.partnership_id == Partnership.id)
        .options(
            selectinload(Partnership.our_organization),
            selectinload(Partnership.partner_organization),
        )
    )
    if kind is not None:
        query = query.where(Partnership.kind == kind)
    if stage is not None:
        query = query.where(Partnership.stage == stage)
    if country:
        query = query.where(Partnership.partner_country == country.upper())
    by_title = (sa.func.lower(Partnership.title), Partnership.id)
    if order == SortOrder.CHANGED:
        never_moved_first = sa.case((last_change.c.at.is_(None), 0), else_=1)
        return query.order_by(never_moved_first, last_change.c.at.desc(), *by_title)
    pipeline = sa.case({stage: place for place, stage in enumerate(Stage)}, value=Partnership.stage)
    return query.order_by(pipeline, *by_title)


def listed_partnerships(
    session, partnerships: list[Partnership], office_zone: str
) -> list[ListedPartnership]:
    """The partnerships with the date of their last stage change, in one query."""
    last_changes = dict(
        session.execute(
            sa.select(StageChange.partnership_id, sa.func.max(StageChange.changed_at))
            .where(StageChange.partnership_id.in_([p.id for p in partnerships]))
            .group_by(StageChange.partnership_id)
        ).all()
    )
    rows = []
    for partnership in partnerships:
        at = last_changes.get(partnership.id)
        rows.append(
            ListedPartnership(partnership, at, to_local(at, office_zone).date() if at else None)
        )
    return rows


def count_by_stage(query: sa.Select) -> sa.Select:
    """(stage, partnerships) of the list's query: each stage's heading says all it holds."""
    listed = query.order_by(None).subquery()
    return sa.select(listed.c.stage, sa.func.count()).group_by(listed.c.stage)


def partner_countries(session) -> list[str]:
    """The partner countries on file, for the list's filter."""
    query = sa.select(Partnership.partner_country).distinct().order_by(Partnership.partner_country)
    return list(session.scalars(query))


def partnership_for_page(session, partnership_id: int) -> Partnership | None:
    return session.scalar(
        sa.select(Partnership)
        .where(Partnership.id == partnership_id)
        .options(
            selectinload(Partnership.our_organization),
            selectinload(Partnership.partner_organization),
            selectinload(Partnership.history).selectinload(StageChange.changed_by),
        )
    )


def _hosted_by(visit: Visit, city: str | None, organization_id: int | None) -> bool:
    """The visit's host is this city (compared without case) or this organization."""
    same_city = bool(
        city and visit.host_city and visit.host_city.strip().casefold() == city.strip().casefold()
    )
    same_organization = (
        organization_id is not None and visit.host_organization_id == organization_id
    )
    return same_city or same_organization


def brings_sides_together(visit: Visit, partnership: Partnership) -> bool:
    """One side visits the other: the visitors come from one side's country, and the
    host is the other side's city or organization (either direction, so that a
    return visit counts too)."""
    p = partnership
    partner_comes = visit.visiting_country == p.partner_country and _hosted_by(
        visit, p.our_city, p.our_organization_id
    )
    we_go = visit.visiting_country == p.our_country and _hosted_by(
        visit, p.partner_city, p.partner_organization_id
    )
    return partner_comes or we_go


def visits_concerning(session, partnership: Partnership) -> list[Visit]:
    """The visits on a partnership's timeline (not those in the bin):

    - a visit that produced an outcome tied to the partnership;
    - a visit with a follow-up tied to the partnership;
    - a visit that brings the two sides together (see brings_sides_together).
    """
    tied: sa.CompoundSelect[tuple[int | None]] = sa.union(
        sa.select(Outcome.visit_id).where(Outcome.partnership_id == partnership.id),
        sa.select(FollowUp.visit_id).where(
            FollowUp.partnership_id == partnership.id, FollowUp.visit_id.is_not(None)
        ),
    )
    live = Visit.deleted_at.is_(None)
    visits = {
        visit.id: visit
        for visit in session.scalars(sa.select(Visit).where(live, Visit.id.in_(tied)))
    }
    candidates = session.scalars(
        sa.select(Visit).where(
            live,
            Visit.visiting_country.in_({partnership.partner_country, partnership.our_country}),
            Visit.id.not_in(list(visits)),
        )
    )
    for visit in candidates:
        if brings_sides_together(visit, partnership):
            visits[visit.id] = visit
    return sorted(visits.values(), key=lambda visit: (visit.start_date, visit.id))


def outcomes_of(session, partnership: Partnership) -> list[Outcome]:
    query = (
        sa.select(Outcome)
        .where(Outcome.partnership_id == partnership.id)
        .options(selectinload(Outcome.visit))
        .order_by(Outcome.day, Outcome.id)
    )
    return list(session.scalars(query))


def follow_ups_of(session, partnership: Partnership) -> list[FollowUp]:
    query = (
        sa.select(FollowUp)
        .where(FollowUp.partnership_id == partnership.id)
        .options(selectinload(FollowUp.owner), selectinload(FollowUp.visit))
        .order_by(FollowUp.due_date, FollowUp.id)
    )
    return list(session.scalars(query))


def partnership_of_follow_up(session, follow_up: FollowUp) -> Partnership | None:
    """The partnership a follow-up serves: its own, else its outcome's, else the one
    partnership its visit's outcomes are tied to (None when there are several)."""
    if follow_up.partnership is not None:
        return follow_up.partnership
    if follow_up.outcome is not None and follow_up.outcome.partnership is not None:
        return follow_up.outcome.partnership
    if follow_up.visit_id is None:
        return None
    ids = set(
        session.scalars(
            sa.select(Outcome.partnership_id).where(
                Outcome.visit_id == follow_up.visit_id, Outcome.partnership_id.is_not(None)
            )
        )
    )
    return session.get(Partnership, ids.pop()) if len(ids) == 1 else None
