"""A partnership's one timeline: visits, outcomes, follow-ups and stage changes, newest first."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from planner.accounts.models import Role
from planner.extensions import db
from planner.outcomes.models import FollowUp, FollowUpStatus, Outcome, OutcomeKind
from planner.partnerships import operations
from planner.partnerships.models import Partnership, PartnershipKind, Stage, StageChange
from planner.partnerships.timeline import EntryKind, build_timeline
from planner.visits.models import Visit

TEHRAN = "Asia/Tehran"


def entry_kinds(timeline) -> list[str]:
    return [entry.kind.value for entry in timeline]


def test_entries_come_newest_first_whatever_their_kind(app):
    visit = Visit(
        id=1, title="Ambassador", start_date=date(2026, 12, 15), end_date=date(2026, 12, 16)
    )
    outcome = Outcome(
        id=1, kind=OutcomeKind.SISTER_CITY_STEP, summary="Twin", day=date(2026, 12, 16)
    )
    follow_up = FollowUp(
        id=1, title="Letter", due_date=date(2027, 1, 31), status=FollowUpStatus.OPEN
    )
    change = StageChange(
        id=1,
        from_stage=Stage.IDEA,
        to_stage=Stage.EXPLORING,
        reason="Mayors agree",
        changed_at=datetime(2026, 11, 1, 9, 0, tzinfo=UTC),
    )
    timeline = build_timeline(
        visits=[visit],
        outcomes=[outcome],
        follow_ups=[follow_up],
        stage_changes=[change],
        office_zone=TEHRAN,
        today=date(2026, 11, 25),
    )
    assert entry_kinds(timeline) == ["follow_up", "outcome", "visit", "stage_change"]
    assert [entry.day for entry in timeline] == [
        date(2027, 1, 31),
        date(2026, 12, 16),
        date(2026, 12, 15),
        date(2026, 11, 1),
    ]
    assert timeline[-1].at == change.changed_at


def test_on_one_day_the_visit_comes_before_its_outcome_and_follow_up(app):
    day = date(2026, 12, 15)
    timeline = build_timeline(
        visits=[Visit(id=1, title="Visit", start_date=day, end_date=day)],
        outcomes=[Outcome(id=1, kind=OutcomeKind.OTHER, summary="Outcome", day=day)],
        follow_ups=[FollowUp(id=1, title="Call", due_date=day, status=FollowUpStatus.OPEN)],
        stage_changes=[
            StageChange(
                id=1,
                to_stage=Stage.IDEA,
                reason="Evening",
                changed_at=datetime(2026, 12, 15, 15, 0, tzinfo=UTC),  # 18:30 in Tehran
            )
        ],
        office_zone=TEHRAN,
        today=day,
    )
    # Newest first: read bottom-up, the day runs visit, outcome, follow-up, stage change.
    assert entry_kinds(timeline) == ["stage_change", "follow_up", "outcome", "visit"]


def test_a_stage_change_is_filed_under_the_office_day_not_the_utc_day(app):
    # 21:00 UTC on 20 March is already 00:30 on 21 March in Tehran.
    late = StageChange(
        id=1,
        to_stage=Stage.IDEA,
        reason="Late",
        changed_at=datetime(2026, 3, 20, 21, 0, tzinfo=UTC),
    )
    [entry] = build_timeline(stage_changes=[late], office_zone=TEHRAN, today=date(2026, 3, 21))
    assert entry.kind == EntryKind.STAGE_CHANGE
    assert entry.day == date(2026, 3, 21)


def test_overdue_is_open_and_due_before_the_office_today(app):
    today = date(2027, 2, 1)

    def follow_up(number, due, status=FollowUpStatus.OPEN):
        return FollowUp(id=number, title=f"F{number}", due_date=due, status=status)

    timeline = build_timeline(
        follow_ups=[
            follow_up(1, date(2027, 1, 31)),  # due yesterday: overdue
            follow_up(2, date(2027, 2, 1)),  # due today: not yet
            follow_up(3, date(2027, 1, 1), FollowUpStatus.DONE),  # done: never overdue
            follow_up(4, date(2027, 1, 1), FollowUpStatus.DROPPED),
        ],
        office_zone=TEHRAN,
        today=today,
    )
    overdue = {entry.item.title: entry.overdue for entry in timeline}
    assert overdue == {"F1": True, "F2": False, "F3": False, "F4": False}


def test_demo_twinning_timeline_merges_everything_in_date_order(app, demo_visit):
    twinning = db.session.scalar(
        sa.select(Partnership).where(Partnership.kind == PartnershipKind.SISTER_CITY)
    )
    visits = operations.visits_concerning(db.session, twinning)
    outcomes = operations.outcomes_of(db.session, twinning)
    follow_ups = operations.follow_ups_of(db.session, twinning)
    timeline = build_timeline(
        visits=visits,
        outcomes=outcomes,
        follow_ups=follow_ups,
        stage_changes=twinning.history,
        office_zone=TEHRAN,
        today=date(2027, 2, 10),
    )
    assert [visit.id for visit in visits] == [demo_visit.id]  # not the Basra delegation's
    assert {outcome.kind for outcome in outcomes} == {
        OutcomeKind.SISTER_CITY_STEP,
        OutcomeKind.CULTURAL_EVENT,
    }
    assert {f.title for f in follow_ups} == {
        "Draft the twinning letter of intent for the city council",
        "Programme for the Kazakh–Lori culture week",
    }
    assert sorted(entry_kinds(timeline)) == sorted(
        ["visit"] + ["outcome"] * 2 + ["follow_up"] * 2 + ["stage_change"] * 2
    )
    keys = [entry.sort_key for entry in timeline]
    assert keys == sorted(keys, reverse=True)
    days = [entry.day for entry in timeline]
    assert days == sorted(days, reverse=True)
    # On 10 February 2027 the letter of intent (due 31 January) is overdue; the culture
    # week's programme (due 28 February) is not.
    overdue = {e.item.title: e.overdue for e in timeline if e.kind == EntryKind.FOLLOW_UP}
    assert overdue == {
        "Draft the twinning letter of intent for the city council": True,
        "Programme for the Kazakh–Lori culture week": False,
    }


def test_a_visit_bringing_the_sides_together_is_on_the_timeline_without_any_outcome(
    app, create_visit, demo_visit
):
    twinning = db.session.scalar(
        sa.select(Partnership).where(Partnership.kind == PartnershipKind.SISTER_CITY)
    )
    mayor_comes = create_visit(title="Mayor of Turkistan in Khorramabad", host_city="khorramabad ")
    we_go = create_visit(
        title="Khorramabad council in Turkistan",
        visiting_country="IR",
        host_city="Turkistan",
        timezone="Asia/Almaty",
    )
    elsewhere = create_visit(title="Kazakh traders in Tehran", host_city="Tehran")
    binned = create_visit(title="Cancelled idea", deleted_at=datetime.now(UTC))
    ids = {visit.id for visit in operations.visits_concerning(db.session, twinning)}
    assert {mayor_comes.id, we_go.id, demo_visit.id} <= ids
    assert elsewhere.id not in ids and binned.id not in ids


@pytest.mark.parametrize(
    ("now", "overdue"),
    [
        (datetime(2027, 1, 31, 20, 29, tzinfo=UTC), False),  # 23:59 on the due day in Tehran
        (datetime(2027, 1, 31, 20, 31, tzinfo=UTC), True),  # 00:01 the next day in Tehran
    ],
)
def test_partnership_page_marks_the_letter_of_intent_overdue_by_the_office_day(
    client, signed_in, demo_visit, frozen_clock, now, overdue
):
    frozen_clock(now)
    signed_in(Role.VIEWER)
    twinning = db.session.scalar(
        sa.select(Partnership).where(Partnership.kind == PartnershipKind.SISTER_CITY)
    )
    page = client.get(f"/partnerships/{twinning.id}").text
    letter = page.index("Draft the twinning letter of intent")
    entry = page.rindex('<li class="timeline-entry', 0, letter)
    assert ("timeline-entry--overdue" in page[entry:letter]) is overdue
    assert ("Overdue" in page[entry:letter]) is overdue
