"""The background worker: the queue's consumer (`flask worker`) and the scheduled jobs.

E-mail tasks live with the mail (calendars/mail/tasks.py); the jobs here run on a clock:
the morning digest of follow-ups, the removal of abandoned uploads, the nightly backup.
The digest and the backup are "once an office day": the job runs every quarter of an hour
and does its work the first time it finds the hour reached, the day marked in the
queue's storage, so two workers (or a restarted one) never do it twice.

Whatever a task changes in the worker is recorded in the audit trail as the worker's, with
no user (`_recorded_as_the_worker`).
"""

import logging
from datetime import datetime

from flask import Flask
from huey import crontab

from planner import backups
from planner.audit.models import Source
from planner.audit.trail import Actor, set_actor
from planner.calendars.mail import tasks as mail_tasks
from planner.calendars.mail.letters import MailSettings
from planner.clock import office_today, utc_now
from planner.extensions import db
from planner.outcomes.digest import send_digests
from planner.outcomes.documents import remove_abandoned_uploads
from planner.queue import bind, huey, task_context
from planner.timefmt import zone

log = logging.getLogger(__name__)

WORKER = Actor(source=Source.WORKER)


@huey.pre_execute()
def _recorded_as_the_worker(_task) -> None:
    """Before each task the consumer runs: its changes are the worker's in the trail. The
    consumer's threads run nothing but tasks, so the actor stays set between them. A task
    run at once (QUEUE_IMMEDIATE) is part of the request or command that queued it, and its
    changes are that one's."""
    if not huey.immediate:
        set_actor(WORKER)


def hour_reached(now: datetime, zone_name: str, hour: int) -> bool:
    """Whether the office's clock has reached `hour` today."""
    return now.astimezone(zone(zone_name)).hour >= hour


def first_time_today(job: str, now: datetime, zone_name: str) -> bool:
    """True once per office day per job, whichever worker asks first."""
    day = office_today(zone_name, now).isoformat()
    return bool(huey.put_if_empty(f"pishvaz:{job}:{day}", b"done"))


def morning_digest(app: Flask, now: datetime) -> int:
    """Each owner's overdue and due-today follow-ups, by e-mail; how many digests."""
    sent = send_digests(
        db.session,
        MailSettings.from_config(app.config),
        office_today(app.config["OFFICE_TIMEZONE"], now),
        now,
    )
    db.session.rollback()  # read only
    return sent


def take_backup(app: Flask) -> None:
    """The nightly backup (`flask backup` does the same by hand), keeping BACKUP_KEEP copies."""
    config = app.config
    path = backups.backup(config, config["BACKUP_FOLDER"], keep=config["BACKUP_KEEP"])
    log.info("nightly backup written to %s", path)


@huey.periodic_task(crontab(minute="*/15"))
def morning_digest_job() -> int:
    with task_context() as app:
        now, zone_name = utc_now(), app.config["OFFICE_TIMEZONE"]
        if not hour_reached(now, zone_name, app.config["DIGEST_HOUR"]):
            return 0
        if not first_time_today("digest", now, zone_name):
            return 0
        return morning_digest(app, now)


@huey.periodic_task(crontab(minute="5"))
def abandoned_uploads_job() -> int:
    with task_context() as app:
        removed = remove_abandoned_uploads(app.config["DOCUMENTS_FOLDER"], now=utc_now())
        for path in removed:
            log.info("removed abandoned upload %s", path.name)
        return len(removed)


@huey.periodic_task(crontab(minute="*/15"))
def nightly_backup_job() -> None:
    with task_context() as app:
        now, zone_name = utc_now(), app.config["OFFICE_TIMEZONE"]
        if hour_reached(now, zone_name, app.config["BACKUP_HOUR"]) and first_time_today(
            "backup", now, zone_name
        ):
            take_backup(app)


@huey.on_startup()
def _take_up_abandoned_letters() -> None:
    """A worker that starts (after a crash, say) queues the letters no one is sending."""
    mail_tasks.sweep_mail.call_local()


def run(app: Flask, *, workers: int = 2) -> None:
    """Run the consumer until it is stopped (SIGINT or SIGTERM): threads, periodic jobs on."""
    queue = bind(app)
    if queue.immediate:
        raise RuntimeError("QUEUE_IMMEDIATE is on: tasks run in the web process, not here")
    queue.create_consumer(workers=workers, worker_type="thread", periodic=True).run()
