"""gunicorn's logs made like the app's: one line per event, JSON with LOG_FORMAT=json, feed
tokens masked in the access log. gunicorn.conf.py names GunicornLogger as its logger_class.
"""

import os

from gunicorn import glogging

from planner import logs

# The access log's line: who, what, the answer, how long (microseconds), and the request id
# the app echoed, to match it with the app's own lines.
ACCESS_LOG_FORMAT = '%(h)s "%(r)s" %(s)s %(B)s %(D)sus "%(a)s" request_id=%({x-request-id}o)s'


class GunicornLogger(glogging.Logger):
    def setup(self, cfg) -> None:
        super().setup(cfg)
        log_format = os.environ.get("LOG_FORMAT", "text").lower()
        for logger in (self.error_log, self.access_log):
            for handler in logger.handlers:
                handler.setFormatter(logs.formatter(log_format))
                handler.addFilter(logs.RequestId())
        # On the logger, so that every handler (a file, syslog) gets the masked line.
        self.access_log.addFilter(logs.MaskFeedTokens())
