"""Helpers of the background-job tests: a broker that is down, waiting for the real worker."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from mds.celery import app
from mds.outbox import services as outbox


def closed_port() -> int:
    """A local port nobody listens on (bound then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def broker_down() -> Iterator[None]:
    """Point this process's Celery at a closed port (the shared Redis keeps running)."""
    previous = app.conf.broker_url
    app.conf.broker_url = f"redis://127.0.0.1:{closed_port()}/0"
    app._pool = None  # the producer pool is built from the URL: rebuild it on next use
    outbox.reset_breaker()
    try:
        yield
    finally:
        app.conf.broker_url = previous
        app._pool = None
        outbox.reset_breaker()


def wait_until(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("condition not met in time")
