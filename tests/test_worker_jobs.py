"""The worker's scheduled jobs: the morning digest of follow-ups (by the office's day), the
removal of abandoned uploads, and the nightly backup, each once an office day."""

import os
import time
from datetime import UTC, date, datetime

import pytest

from planner import queue, worker
from planner.accounts.models import Role
from planner.clock import office_today
from planner.extensions import db
from planner.outcomes.digest import digests
from planner.outcomes.documents import remove_abandoned_uploads
from planner.outcomes.models import FollowUp, FollowUpStatus

# 07:30 in Tehran on 10 December 2026 (UTC+03:30): the digest hour (7) is reached.
MORNING = datetime(2026, 12, 10, 4, 0, tzinfo=UTC)
TODAY = date(2026, 12, 10)


@pytest.fixture
def fresh_queue(app):
    """The (immediate) queue's storage emptied: no day is marked done yet."""
    huey = queue.bind(app)
    huey.flush()
    yield huey
    huey.flush()


@pytest.fixture
def follow_up(visit):
    def _create(owner, due: date, title: str, status=FollowUpStatus.OPEN) -> FollowUp:
        item = FollowUp(title=title, owner=owner, due_date=due, visit=visit, status=status)
        db.session.add(item)
        db.session.commit()
        return item

    return _create


def test_the_morning_digest_lists_each_owners_overdue_and_due_today_follow_ups(
    app, create_staff, follow_up, smtp_server, frozen_clock
):
    frozen_clock(MORNING)
    planner = create_staff(Role.PLANNER, name="Shirin Ahmadi")
    follow_up(planner, date(2026, 12, 8), "Send the minutes to the embassy")
    follow_up(planner, TODAY, "Book the return flight")
    follow_up(planner, date(2026, 12, 11), "Draft the memorandum")  # tomorrow: not yet
    follow_up(planner, date(2026, 12, 1), "Thank the governor", status=FollowUpStatus.DONE)
    relaxed = create_staff(Role.PLANNER)
    follow_up(relaxed, date(2026, 12, 20), "Order the gifts")
    gone = create_staff(Role.PLANNER)
    gone.active = False
    follow_up(gone, date(2026, 12, 9), "Nobody reads this")

    assert worker.morning_digest(app, MORNING) == 1

    (message,) = smtp_server.messages()
    assert message["To"] == f"Shirin Ahmadi <{planner.email}>"
    # The date is isolated (FSI ... PDI), as every value in a letter's sentences is.
    assert message["Subject"] == "Your follow-ups for \u2068Thursday, 10 December 2026\u2069"
    body = message.get_content()
    overdue, due_today = body.index("Overdue"), body.index("Due today")
    assert overdue < body.index("Send the minutes to the embassy") < due_today
    assert due_today < body.index("Book the return flight")
    assert "Draft the memorandum" not in body and "Thank the governor" not in body


def test_the_digest_follows_the_offices_day_not_utcs(app, create_staff, follow_up):
    # 21:00 UTC on 9 December is 00:30 on 10 December in Tehran: "today" is the 10th.
    evening = datetime(2026, 12, 9, 21, 0, tzinfo=UTC)
    planner = create_staff(Role.PLANNER)
    follow_up(planner, date(2026, 12, 10), "Call the chamber")
    today = office_today(app.config["OFFICE_TIMEZONE"], evening)
    assert today == TODAY
    (digest,) = digests(db.session, today)
    assert [f.title for f in digest.due_today] == ["Call the chamber"] and not digest.overdue


def test_a_persian_speaking_owner_gets_the_digest_in_persian(
    app, create_staff, follow_up, smtp_server, frozen_clock
):
    frozen_clock(MORNING)
    planner = create_staff(Role.PLANNER, locale="fa")
    follow_up(planner, date(2026, 12, 8), "ارسال صورت‌جلسه")
    worker.morning_digest(app, MORNING)
    (message,) = smtp_server.messages()
    assert message["Subject"].startswith("پیگیری‌های شما برای")
    assert "ارسال صورت‌جلسه" in message.get_content()


def test_the_digest_job_waits_for_the_hour_and_sends_once_a_day(
    app, create_staff, follow_up, smtp_server, frozen_clock, fresh_queue
):
    planner = create_staff(Role.PLANNER)
    follow_up(planner, date(2026, 12, 8), "Send the minutes")
    frozen_clock(datetime(2026, 12, 10, 3, 0, tzinfo=UTC))  # 06:30 in Tehran: too early
    assert worker.morning_digest_job.call_local() == 0
    frozen_clock(MORNING)
    assert worker.morning_digest_job.call_local() == 1
    frozen_clock(datetime(2026, 12, 10, 4, 15, tzinfo=UTC))
    assert worker.morning_digest_job.call_local() == 0  # done for today
    frozen_clock(datetime(2026, 12, 11, 4, 0, tzinfo=UTC))
    assert worker.morning_digest_job.call_local() == 1
    assert len(smtp_server.envelopes) == 2


def aged(path, seconds: float) -> None:
    path.write_bytes(b"half a memorandum")
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_abandoned_uploads_older_than_an_hour_are_removed_and_nothing_else(app, tmp_path):
    folder = tmp_path / "documents"
    folder.mkdir()
    abandoned = folder / ".0123456789abcdef0123456789abcdef.pdf.partial"
    recent = folder / ".fedcba9876543210fedcba9876543210.pdf.partial"
    stored = folder / "00112233445566778899aabbccddeeff.pdf"
    aged(abandoned, 2 * 3600)
    aged(recent, 10 * 60)  # an upload that may still be being written
    aged(stored, 30 * 24 * 3600)

    app.config["DOCUMENTS_FOLDER"] = str(folder)
    assert worker.abandoned_uploads_job.call_local() == 1
    assert sorted(p.name for p in folder.iterdir()) == sorted([recent.name, stored.name])


def test_removing_abandoned_uploads_in_a_missing_folder_removes_nothing(tmp_path):
    assert remove_abandoned_uploads(str(tmp_path / "none"), now=datetime.now(UTC)) == []


def test_the_nightly_backup_runs_once_a_night_after_its_hour(
    app, frozen_clock, fresh_queue, monkeypatch
):
    taken = []
    monkeypatch.setattr(worker, "take_backup", lambda app: taken.append(app))
    frozen_clock(datetime(2026, 12, 9, 22, 0, tzinfo=UTC))  # 01:30 in Tehran: before 02:00
    worker.nightly_backup_job.call_local()
    assert taken == []
    frozen_clock(datetime(2026, 12, 9, 23, 0, tzinfo=UTC))  # 02:30
    worker.nightly_backup_job.call_local()
    frozen_clock(datetime(2026, 12, 9, 23, 15, tzinfo=UTC))
    worker.nightly_backup_job.call_local()
    assert taken == [app]


@pytest.mark.committed
def test_the_nightly_backup_writes_a_backup_and_keeps_the_newest_copies(app, tmp_path):
    app.config.update(BACKUP_FOLDER=str(tmp_path), BACKUP_KEEP=2)
    for _ in range(3):
        worker.take_backup(app)
    kept = sorted(tmp_path.glob("pishvaz-backup-*.tar.gz"))
    assert len(kept) == 2
