"""The task queue (Huey): a SQLite file in the instance folder by default, Redis when REDIS_URL
is set, and tasks run at once, in the caller, when QUEUE_IMMEDIATE is on (the tests).

One Huey object for the process, as Huey wants it (tasks are registered on it when their
module loads); it is pointed at the running app's storage the first time that app queues
a task (`bind`), so building an app (the migrations, a test's second app) changes nothing.
A task runs in the app context it was queued from when immediate, else in the worker's.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, has_app_context
from huey import Huey
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage
from redis import ConnectionPool

huey = Huey("pishvaz", storage_class=MemoryStorage, utc=True)

_bound: Flask | None = None
_bound_to: tuple | None = None  # the settings the storage was made from


def storage_for(config) -> tuple[type, dict]:
    """The storage class and its arguments for an app's settings."""
    if config.get("REDIS_URL"):
        # A Redis that is gone answers within seconds, so /healthz and a page never hang.
        pool = ConnectionPool.from_url(
            config["REDIS_URL"], socket_connect_timeout=2, socket_timeout=5
        )
        return RedisStorage, {"connection_pool": pool}
    return SqliteStorage, {"filename": config["QUEUE_FILE"]}


def bind(app: Flask) -> Huey:
    """Point the queue at `app`'s storage, and run its tasks in `app`'s context."""
    global _bound, _bound_to
    config = app.config
    name = config["QUEUE_NAME"]
    settings = (id(app), name, config["REDIS_URL"], config["QUEUE_FILE"], immediate(app))
    if settings != _bound_to:
        storage_class, arguments = storage_for(config)
        huey.name = name
        huey.storage_class, huey.storage_kwargs = storage_class, arguments
        huey._immediate = immediate(app)
        # Only a caller that runs tasks at once reads their results; a worker's would pile
        # up in Redis unread.
        huey.results = immediate(app)
        huey.storage = huey.create_storage()
        _bound, _bound_to = app, settings
    return huey


def immediate(app: Flask) -> bool:
    return bool(app.config["QUEUE_IMMEDIATE"])


def the_app() -> Flask:
    """The app behind current_app's proxy, to keep and compare."""
    return current_app._get_current_object()  # type: ignore[attr-defined]


def current_queue() -> Huey:
    """The queue, bound to the app of the current request or command."""
    return bind(the_app())


@contextmanager
def task_context() -> Iterator[Flask]:
    """The app context a task runs in: the caller's when immediate, else a fresh one."""
    if has_app_context():
        yield the_app()
        return
    if _bound is None:
        raise RuntimeError("the queue is bound to no app: start the worker with `flask worker`")
    with _bound.app_context():
        yield _bound


def reachable(app: Flask) -> bool:
    """Whether the queue's storage answers (for /healthz): a count is one cheap query."""
    try:
        bind(app).pending_count()
    except Exception:  # any failure of the storage (refused, timed out, locked) is "not reachable"
        return False
    return True
