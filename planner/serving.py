"""gunicorn's logs made like the app's: one line per event, JSON with LOG_FORMAT=json, feed
tokens masked in the access log. gunicorn.conf.py names GunicornLogger as its logger_class.
And ReturnFreedMemory, which gunicorn.conf.py runs after each request.
"""

import ctypes
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


class ReturnFreedMemory:
    """Gives the C heap's free pages back to the system after a request that grew the worker.

    A large answer (a 9 MB staff feed, a 1.4 MB visit page) is built from many buffers that
    are freed once it is sent, but glibc keeps the freed pages of its heap for later, so the
    worker stays at its largest. malloc_trim(0) returns them (13 MB after the bench's
    requests). It is called only when the resident size has grown by `grown_mb` since the
    last call: reading it costs a microsecond, a trim with much to return a few
    milliseconds. Python's own small-object arenas are not affected. Without glibc (musl)
    there is no malloc_trim, and nothing is done.
    """

    def __init__(self, grown_mb: int) -> None:
        self.grown_pages = grown_mb * 2**20 // os.sysconf("SC_PAGE_SIZE")
        # The C library's symbols, as the interpreter was linked with them.
        self._trim = getattr(ctypes.CDLL(None), "malloc_trim", None)
        self._statm: int | None = None  # opened in the worker, after the fork
        self._least = 0  # resident pages after the last trim, or fewer seen since

    def resident_pages(self) -> int:
        if self._statm is None:
            self._statm = os.open("/proc/self/statm", os.O_RDONLY)
        return int(os.pread(self._statm, 64, 0).split()[1])

    def __call__(self) -> None:
        if self._trim is None or self.grown_pages <= 0:
            return
        pages = self.resident_pages()
        if pages - self._least >= self.grown_pages:
            self._trim(0)
            self._least = self.resident_pages()
        else:
            self._least = min(self._least, pages)
