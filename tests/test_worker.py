"""The worker with a real queue, on SQLite storage and on Redis: a letter queued by a change is
sent once by a `flask worker` process, a worker killed while it holds a letter leaves it to
the next, a change that rolls back leaves nothing to send, and what the worker changes is
recorded in the audit trail as the worker's.

Elsewhere the suite runs the queue in immediate mode (conftest.make_app): there the letter
is sent "by the worker" inside the request. Here the queue is the one production has.
"""

import asyncio
import importlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa

from planner import queue
from planner.accounts.models import Role
from planner.audit.models import Source
from planner.audit.trail import Actor, acting_as, current_actor
from planner.calendars.mail import outbox, plans
from planner.calendars.mail.letters import MailSettings
from planner.calendars.mail.tasks import queue_letters, sweep_mail
from planner.calendars.models import MailMessage, MailStatus
from planner.clock import utc_now
from planner.extensions import db
from planner.visits.models import Visit
from tests.conftest import LETTERED_ADDRESS
from tests.smtp import Inbox, listening
from tests.test_audit_trail import entries_about

ROOT = Path(__file__).resolve().parent.parent
AMBASSADOR = LETTERED_ADDRESS

pytestmark = pytest.mark.committed  # the worker is another process: it must see the letters


def redis_url() -> str:
    """This suite's Redis database (2 unless TEST_REDIS_URL says otherwise); a test that
    needs it fails when it is not there, unless PISHVAZ_NO_REDIS=1 says to skip."""
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/2")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        if os.environ.get("PISHVAZ_NO_REDIS") == "1":
            pytest.skip(f"no Redis at {url} (PISHVAZ_NO_REDIS=1)")
        pytest.fail(f"Redis is not reachable at {url}: {error}; start it or set PISHVAZ_NO_REDIS=1")
    return url


@pytest.fixture(params=["sqlite", "redis"])
def real_queue(request, app, tmp_path):
    """The app's queue on real storage (a SQLite file, or Redis), emptied before and after;
    the settings a worker process needs to share it."""
    name = f"pishvaz-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    if request.param == "redis":
        settings = {"REDIS_URL": redis_url(), "QUEUE_FILE": ""}
    else:
        settings = {"REDIS_URL": "", "QUEUE_FILE": str(tmp_path / "queue.sqlite3")}
    app.config.update(QUEUE_IMMEDIATE=False, QUEUE_NAME=name, **settings)
    huey = queue.bind(app)
    huey.flush()
    yield settings | {"QUEUE_NAME": name}
    huey.flush()


class StallingInbox(Inbox):
    """An inbox whose first letter hangs in DATA until released, as a slow server would:
    the sender has claimed it and is sending it when the test kills the sender."""

    def __init__(self):
        super().__init__()
        self.stalled = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        if not self.stalled.is_set():
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Try again later"  # its sender is gone anyway
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def stalling_inbox(app):
    inbox = StallingInbox()
    with listening(inbox, app):
        yield inbox
        inbox.release.set()


class Worker:
    """`flask worker` in its own process, on the test's database, queue and SMTP server."""

    def __init__(self, app, databases, queue_settings: dict, log: Path, **settings):
        environment = {
            key: value
            for key, value in os.environ.items()
            if key not in ("REDIS_URL", "QUEUE_FILE", "QUEUE_IMMEDIATE", "DATABASE_URL")
        }
        environment.update(
            FLASK_APP="app",
            DATABASE_URL=databases.database_url,
            SECRET_KEY=app.config["SECRET_KEY"],
            SMTP_HOST=app.config["SMTP_HOST"],
            SMTP_PORT=str(app.config["SMTP_PORT"]),
            MAIL_SENDER=app.config["MAIL_SENDER"],
            OFFICE_TIMEZONE=app.config["OFFICE_TIMEZONE"],
            **{key: str(value) for key, value in queue_settings.items() if value},
            **{key: str(value) for key, value in settings.items()},
        )
        self.log = log
        with open(log, "ab") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "flask", "worker", "--threads", "2"],
                cwd=ROOT,
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # huey's graceful stop
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()


@pytest.fixture
def workers(app, databases, real_queue, tmp_path):
    """start(**settings) -> a running worker; every one is stopped at the end."""
    started: list[Worker] = []

    def start(**settings) -> Worker:
        log = tmp_path / f"worker-{len(started)}.log"
        worker = Worker(app, databases, real_queue, log, **settings)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def wait_for(condition, what: str, workers_started=(), timeout: float = 60):
    """Poll until `condition()` is true; fail with the workers' logs after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    logs = "\n".join(worker.log.read_text() for worker in workers_started)
    pytest.fail(f"gave up waiting for {what}\n{logs}")


def queue_programme(app, visit) -> list[int]:
    """The programme's letters written to the mail log and committed, as a page would."""
    plan = plans.plan_programme(db.session, visit)
    letters = outbox.queue_messages(
        db.session, plan, MailSettings.from_config(app.config), acting=None, now=utc_now()
    )
    db.session.commit()
    return [letter.id for letter in letters]


def statuses() -> list[MailStatus]:
    db.session.rollback()  # see what the worker committed
    return list(db.session.scalars(sa.select(MailMessage.status).order_by(MailMessage.id)))


def fingerprint(page: str) -> str:
    return re.search(r'name="fingerprint" value="([0-9a-f]+)"', page).group(1)


def test_the_page_queues_the_programme_and_the_worker_sends_it_once(
    app, client, signed_in, lettered_visit, real_queue, smtp_server, workers
):
    signed_in(Role.PLANNER)
    url = f"/visits/{lettered_visit.id}/mail/programme"
    preview = client.get(url)
    response = client.post(
        url, data={"fingerprint": fingerprint(preview.text)}, follow_redirects=True
    )
    assert "1 message queued: it goes out in a moment." in response.text
    assert statuses() == [MailStatus.PENDING]
    assert queue.huey.pending_count() == 1
    assert smtp_server.envelopes == []  # nothing is sent by the web process

    worker = workers()
    wait_for(lambda: statuses() == [MailStatus.SENT], "the letter to be sent", [worker])
    worker.stop()
    assert [m.envelope_to for m in smtp_server.received()] == [[AMBASSADOR]]
    assert queue.huey.pending_count() == 0


def test_a_worker_killed_while_sending_leaves_the_letter_to_the_next_which_sends_it_once(
    app, lettered_visit, real_queue, stalling_inbox, workers
):
    (letter_id,) = queue_programme(app, lettered_visit)
    queue_letters([letter_id])

    first = workers(MAIL_CLAIM_TIMEOUT_SECONDS=2)
    wait_for(stalling_inbox.stalled.is_set, "the first worker to start sending", [first])
    assert statuses() == [MailStatus.SENDING]  # claimed, and the claim committed
    first.kill()
    stalling_inbox.release.set()
    assert stalling_inbox.envelopes == []

    # Its claim is older than the timeout: the next worker takes the letter up as it starts
    # (each of its two threads tries; the claim lets one of them send).
    time.sleep(2.5)
    second = workers(MAIL_CLAIM_TIMEOUT_SECONDS=2)
    wait_for(lambda: statuses() == [MailStatus.SENT], "the letter to be sent", [first, second])
    second.stop()
    assert [m.envelope_to for m in stalling_inbox.received()] == [[AMBASSADOR]]
    assert queue.huey.pending_count() == 0


def test_a_change_that_rolls_back_queues_no_letter_and_no_task(
    app, client, signed_in, lettered_visit, real_queue, monkeypatch
):
    signed_in(Role.PLANNER)
    url = f"/visits/{lettered_visit.id}/mail/programme"
    preview = client.get(url)

    def fail_after_queuing(*args, **kwargs):
        raise RuntimeError("the request fails after the letters were written")

    monkeypatch.setattr("planner.calendars.mail_views.send_after_commit", fail_after_queuing)
    with pytest.raises(RuntimeError):
        client.post(url, data={"fingerprint": fingerprint(preview.text)})

    assert statuses() == []
    assert queue.huey.pending_count() == 0
    assert sweep_mail.call_local() == 0  # and nothing for a later sweep to find


@queue.huey.task()
def rename_visit(visit_id: int, title: str) -> None:
    """A task that changes an audited record, as a job of the worker's might."""
    with queue.task_context():
        db.session.get(Visit, visit_id).title = title
        db.session.commit()


def run_as_the_worker(task) -> None:
    """What the consumer does with a task it takes from the queue: execute it in a thread of
    its own, outside any app context or request (worker.run, huey's Worker.process_task).
    The consumer's process has imported planner.worker (`flask worker` runs it), whose
    hooks say who acts: so has this test, whatever other tests ran before it."""
    importlib.import_module("planner.worker")
    thread = threading.Thread(target=queue.huey.execute, args=(task,))
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive()


def test_a_letter_the_worker_sends_is_written_as_the_worker_s_with_no_user(
    app, lettered_visit, real_queue, smtp_server
):
    queue_letters(queue_programme(app, lettered_visit))
    actors = []

    def note_actor(_session, _context) -> None:
        actors.append(current_actor())

    sa.event.listen(sa.orm.Session, "after_flush", note_actor)
    try:
        with acting_as(Actor(user_id=1, source=Source.PAGE)):  # the test's; not the worker's
            run_as_the_worker(queue.huey.dequeue())
    finally:
        sa.event.remove(sa.orm.Session, "after_flush", note_actor)
    assert statuses() == [MailStatus.SENT] and len(smtp_server.envelopes) == 1
    assert actors and set(actors) == {Actor(source=Source.WORKER)}  # the claim and the "sent"


def test_a_record_the_worker_changes_is_recorded_with_source_worker_and_no_user(
    app, visit, real_queue
):
    run_as_the_worker(rename_visit.s(visit.id, "Renamed by the worker"))
    db.session.rollback()
    change = entries_about("visits", visit.id)[-1]
    assert change.changes["title"][1] == "Renamed by the worker"
    assert (change.source, change.user_id) == ("worker", None)


def test_a_task_run_at_once_is_recorded_as_the_request_that_ran_it(app, visit, create_staff):
    planner = create_staff(Role.PLANNER)
    assert queue.bind(app).immediate
    with acting_as(Actor(user_id=planner.id, source=Source.PAGE)):
        rename_visit(visit.id, "Renamed in the request")
    change = entries_about("visits", visit.id)[-1]
    assert (change.source, change.user_id) == ("page", planner.id)
