"""Logs: one line per event (JSON lines with LOG_FORMAT=json), each with its request's id,
and feed tokens masked wherever a URL is logged.

The request id is the proxy's X-Request-ID when it sent a sane one, else a new one; it is
echoed in the response, so a user's "it failed" can be matched to its log lines. A base
module: gunicorn's side of it (its access log) is in planner/serving.py.
"""

import logging
import re
import sys
import uuid

from flask import Flask, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter
from werkzeug.datastructures import Headers

REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_ENVIRON = "HTTP_X_REQUEST_ID"  # the header as WSGI names it
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}")
# /feeds/<token>.ics: the token opens someone's calendar, so it never reaches a log.
_FEED_TOKEN = re.compile(r"(/feeds/)[^/?#\s\"']+?(\.ics)?(?=[/?#\s\"']|$)")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
JSON_FIELDS = ("asctime", "levelname", "name", "request_id", "message")
_CONFIGURED = "_pishvaz_logging"


def mask_feed_tokens(text: str) -> str:
    """The text with every feed token in a URL replaced by ***."""
    return _FEED_TOKEN.sub(lambda match: f"{match[1]}***{match[2] or ''}", text)


def request_id_from(header: str | None) -> str:
    """The proxy's id when it is sane (short, no spaces or control characters), else a new one."""
    if header and _SANE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def echo_request_id(headers: Headers, request_id: str) -> None:
    """The answer says which request it was: the app's after_request hook and the feed
    fast path (planner/calendars/fastpath.py) both call this."""
    headers[REQUEST_ID_HEADER] = request_id


def current_request_id() -> str:
    if has_request_context():
        return g.get("request_id", "-")
    return "-"


class RequestId(logging.Filter):
    """Gives every record a request_id: the request's, or "-" outside one."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


class MaskFeedTokens(logging.Filter):
    """Writes the record's message out with feed tokens masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_feed_tokens(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


class OneLineFormatter(logging.Formatter):
    """Plain text, one line per event: a traceback's line breaks are written as \\n."""

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).replace("\r", "").replace("\n", "\\n")


def formatter(log_format: str) -> logging.Formatter:
    if log_format == "json":
        return JsonFormatter(list(JSON_FIELDS), rename_fields={"levelname": "level"})
    return OneLineFormatter(TEXT_FORMAT)


def handler(log_format: str, stream=None) -> logging.Handler:
    """A handler to standard error writing `log_format` lines, request ids and tokens masked."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter(log_format))
    handler.addFilter(RequestId())
    handler.addFilter(MaskFeedTokens())
    return handler


def init_app(app: Flask) -> None:
    @app.before_request
    def _request_id() -> None:
        g.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))

    @app.after_request
    def _echo_request_id(response):
        echo_request_id(response.headers, current_request_id())
        return response

    # The process's logs, once per process, and not under the tests (pytest keeps its own).
    root = logging.getLogger()
    if app.testing or getattr(root, _CONFIGURED, False):
        return
    setattr(root, _CONFIGURED, True)
    root.handlers[:] = [handler(app.config["LOG_FORMAT"])]
    root.setLevel(logging.INFO)
    # The development server logs each request's line, feed URLs included.
    logging.getLogger("werkzeug").addFilter(MaskFeedTokens())
