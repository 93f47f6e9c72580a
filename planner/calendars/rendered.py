"""Rendered calendars kept in memory, keyed by their ETag: an unchanged 200 is a copy.

The key is the ETag itself, which names the owner, their feed generation, their calendar
versions, the language, the day and the settings (planner/calendars/feeds.py): a change
to any of them is a new key, so nothing here is ever invalidated, only forgotten when it
is the least recently used.

In process, not a table: a feed poll then writes nothing, so it never commits and never
waits for SQLite's one writer, and old versions need no clean-up job. The price is that
each gunicorn worker builds a version once for itself, and that a restart starts empty,
both cheap next to a poll every few minutes from every subscriber. A database restored
from a backup can rewind versions to numbers already used: restart the workers after it.
The DTSTAMP inside stays the time the copy was built, which RFC 5545 allows for a
published calendar (it says when the object was created, not when it was sent).
"""

import threading
from collections import OrderedDict

MAX_ENTRIES = 512
MAX_BYTES = 16 * 1024 * 1024  # FEED_CACHE_MB's default; create_app sets the app's


class RenderedCalendars:
    """A bounded least-recently-used map of ETag -> calendar bytes, safe across threads."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            body = self._entries.get(key)
            if body is not None:
                self._entries.move_to_end(key)
            return body

    def put(self, key: str, body: bytes) -> None:
        if len(body) > self.max_bytes:
            return
        with self._lock:
            previous = self._entries.pop(key, None)
            if previous is not None:
                self._bytes -= len(previous)
            self._entries[key] = body
            self._bytes += len(body)
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= len(dropped)

    def limit(self, max_bytes: int) -> None:
        """Keep at most `max_bytes` from now on, forgetting the least recently used."""
        with self._lock:
            self.max_bytes = max_bytes
            while self._entries and self._bytes > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)


# The process's one store, shared by every request of this worker.
calendars = RenderedCalendars()
