"""gunicorn's settings for Pishvaz: `gunicorn app:app` reads this file from the project folder.

Each setting can still be given on the command line; the environment sets the common ones.
"""

import os

from planner.serving import ACCESS_LOG_FORMAT

bind = os.environ.get("BIND", "127.0.0.1:8000")
# gunicorn reads WEB_CONCURRENCY itself too; written here so that the default is ours.
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
worker_class = "sync"
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = 30
# Each worker builds its own app (and its own database connections) after the fork.
preload_app = False
accesslog = "-"
errorlog = "-"
access_log_format = ACCESS_LOG_FORMAT
logger_class = "planner.serving.GunicornLogger"
# Only the proxy in front may say which scheme and client a request came from.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn 27's control socket lives in $HOME: two servers on one machine (or the tests)
# would share it, and nothing here uses it.
control_socket_disable = True
