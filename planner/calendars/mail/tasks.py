"""The worker's e-mail tasks: send one letter, and take up letters no sender is working on.

A page queues `send_mail` for each letter once its change is committed; the worker claims
the letter, sends it and commits. A letter that fails is tried again later, each time
waiting twice as long, MAIL_RETRIES times; after that it waits in the mail log for a
planner's "Send again". `sweep_mail` (every minute, and when the worker starts) queues
the letters whose task was lost: a web process that died before queuing, a worker killed
while it held the letter.
"""

from datetime import timedelta

from flask import current_app
from huey import crontab

from planner.calendars.mail import outbox
from planner.calendars.mail.letters import MailSettings
from planner.clock import utc_now
from planner.extensions import db
from planner.queue import current_queue, huey, task_context

FIRST_RETRY = timedelta(minutes=1)
LAST_RETRY = timedelta(hours=2)


def retry_delay(attempt: int) -> timedelta:
    """How long to wait before the next attempt: 1, 2, 4, 8... minutes, at most two hours."""
    return min(FIRST_RETRY * 2 ** (attempt - 1), LAST_RETRY)


@huey.task()
def send_mail(message_id: int, attempt: int = 1) -> outbox.SendReport:
    """Send one letter of the mail log, unless another sender has it or it went out."""
    with task_context() as app:
        queue = current_queue()
        # Run at once, the task is part of the request that queued it, which commits after.
        commit = (lambda: None) if queue.immediate else db.session.commit
        report = outbox.send_pending(
            db.session,
            MailSettings.from_config(app.config),
            messages=outbox.messages_by_id(db.session, [message_id]),
            now=utc_now(),
            claim_timeout=outbox.claim_timeout(app.config),
            after_claim=commit,
        )
        commit()
        if report.failed and attempt <= app.config["MAIL_RETRIES"] and not queue.immediate:
            delay = retry_delay(attempt).total_seconds()
            send_mail.schedule((message_id, attempt + 1), delay=delay)
        return report


def queue_letters(message_ids: list[int]) -> outbox.SendReport:
    """Hand committed letters to the worker. When the queue runs tasks at once (tests, or
    QUEUE_IMMEDIATE), they are sent now and the report says how it went."""
    queue = current_queue()
    if not queue.immediate:
        for message_id in message_ids:
            send_mail(message_id)
        return outbox.SendReport(queued=len(message_ids))
    reports = [send_mail(message_id).get() for message_id in message_ids]
    errors = [report.error for report in reports if report.error]
    return outbox.SendReport(
        sent=sum(report.sent for report in reports),
        failed=sum(report.failed for report in reports),
        error=errors[0] if errors else None,
    )


@huey.periodic_task(crontab(minute="*"))
def sweep_mail() -> int:
    """Queue every letter that no sender is working on; how many."""
    with task_context():
        abandoned = outbox.abandoned_messages(
            db.session, now=utc_now(), timeout=outbox.claim_timeout(current_app.config)
        )
        db.session.rollback()
    for message_id in abandoned:
        send_mail(message_id)
    return len(abandoned)
