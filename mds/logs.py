"""Logging filter: one concise line per request that fails because the database is down.

During a 10 s PostgreSQL restart every request fails the same way; a full traceback each time
(~8.6 kB) buries the logs (2.35 MB). The first failure of an outage keeps its traceback (it says
where and why); the next ones, until ``QUIET_SECONDS`` pass without such a failure, become one
line: the error type, its first line, the request path.
"""

from __future__ import annotations

import logging
import threading
import time

from django.db.utils import InterfaceError, OperationalError

QUIET_SECONDS = 60.0
_lock = threading.Lock()
_last_failure: list[float] = []  # monotonic time of the last database failure logged


def _is_database_outage(record: logging.LogRecord) -> bool:
    exc = record.exc_info[1] if record.exc_info else None
    return isinstance(exc, OperationalError | InterfaceError)


class DatabaseOutageFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not _is_database_outage(record):
            return True
        assert record.exc_info is not None
        now = time.monotonic()
        with _lock:
            first = not _last_failure or now - _last_failure[0] > QUIET_SECONDS
            _last_failure[:] = [now]
        if first:
            return True
        exc = record.exc_info[1]
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        path = getattr(getattr(record, "request", None), "path", "")
        record.msg = "Base de données indisponible (%s : %s) — %s"
        record.args = (type(exc).__name__, detail, path)
        record.exc_info = None
        record.exc_text = None
        return True
