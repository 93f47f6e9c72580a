"""gunicorn's settings for Pishvaz: `gunicorn app:app` reads this file from the project folder.

Each setting can still be given on the command line; the environment sets the common ones.
"""

import gc
import os

from planner.serving import ACCESS_LOG_FORMAT, ReturnFreedMemory

bind = os.environ.get("BIND", "127.0.0.1:8000")
# gunicorn reads WEB_CONCURRENCY itself too; written here so that the default is ours.
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
worker_class = "sync"
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = 30
# The master builds the app once and forks the workers from it: the modules, templates and
# everything create_app makes are shared pages, copied only when a worker writes to them.
# After the bench's requests a worker holds 75-79 MB of its own (USS) instead of 110-114, and
# starts in milliseconds. What must not be shared, the database connections, is dropped in
# post_fork. The price: a code change needs a restart of the master, not a HUP.
preload_app = True
# Python's documented recipe for sharing after a fork (gc.freeze): no collection in the
# master while the app is built leaves no freed holes in its pages, the objects it made are
# frozen before each fork so that a worker's collections never write to them, and each
# worker collects as usual.
gc.disable()
accesslog = "-"
errorlog = "-"
access_log_format = ACCESS_LOG_FORMAT
logger_class = "planner.serving.GunicornLogger"
# Only the proxy in front may say which scheme and client a request came from.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn 27's control socket lives in $HOME: two servers on one machine (or the tests)
# would share it, and nothing here uses it.
control_socket_disable = True


# After a request that grew the worker by WEB_TRIM_AFTER_MB (8), the C heap's freed pages go
# back to the system (planner/serving.py); 0 turns it off.
return_freed_memory = ReturnFreedMemory(int(os.environ.get("WEB_TRIM_AFTER_MB", "8")))


def post_request(worker, req, environ, resp):
    return_freed_memory()


def pre_fork(server, worker):
    gc.freeze()


def post_fork(server, worker):
    gc.enable()
    # SQLAlchemy's pattern for a fork: the copied pool forgets the master's connections
    # (close=False leaves them to the master) and each worker opens its own. (bench/bare.py,
    # served with these settings too, has no database.)
    app = server.app.wsgi()
    if "sqlalchemy" not in getattr(app, "extensions", {}):
        return
    # Here, not at the top: bench/bare.py's master should not hold SQLAlchemy for nothing.
    from planner.extensions import db

    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
