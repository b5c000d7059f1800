"""The transactional outbox: jobs are recorded in the caller's transaction, dispatched after
commit, re-dispatched by a sweeper when the broker did not take them, and run at most once.

Why an outbox: a check-in, a session or a referral must never fail because Redis is down, and a
reminder must never be lost because it was. So the job is first a row in PostgreSQL, written in
the same transaction as the change that causes it (rolled back together, committed together).

- :func:`enqueue` writes the row (``dedup_key`` unique: enqueueing twice is enqueueing once) and
  registers a hand-over to Celery with ``transaction.on_commit``. A broker that refuses the
  message is noted on the row and never raised to the caller.
- :func:`job` declares the handler of a task name. The Celery task it creates locks the row,
  skips it when already done (a message delivered twice does its work once), runs the handler
  in the same transaction and marks the row done. A handler may return :class:`RetryLater` to
  commit what it did (a receipt saying "attempt 2 failed") and ask to be run again later.
- :func:`sweep` (every minute, see ``mds/schedule.py``) re-dispatches rows still pending whose
  time has come, and rows handed over long ago but never done (worker killed, Redis restarted
  without its data), with an exponential backoff.
- Past ``MAX_RUN_ATTEMPTS`` failed runs a row is FAILED and left for the staff page: no crash
  loop. A broker that stays down is retried forever (capped backoff): the work is not lost.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from celery import shared_task
from django.db import transaction
from django.db.models import Count, Min
from django.utils import timezone

from .models import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

#: failed runs of a job before it is abandoned (FAILED) and shown on the staff page
MAX_RUN_ATTEMPTS = 5
#: first retry delay, doubled each time, capped
BACKOFF_BASE = dt.timedelta(seconds=30)
BACKOFF_MAX = dt.timedelta(hours=1)
#: a row handed to the broker but not done after this long is handed over again (the Redis
#: visibility timeout is one hour: a message a killed worker held is redelivered by then anyway;
#: this catches the message Redis itself lost)
STALE_AFTER = dt.timedelta(hours=1)
#: rows the sweeper hands over per run (it runs every minute)
SWEEP_BATCH = 500


@dataclass(frozen=True)
class RetryLater:
    """Returned by a handler: keep what I wrote, run me again later (counts as a failed run)."""

    reason: str


Handler = Callable[..., RetryLater | None]
_HANDLERS: dict[str, Handler] = {}


def backoff(attempts: int) -> dt.timedelta:
    """Delay before the next try after ``attempts`` failures (30 s, 1 min, 2 min… ≤ 1 h)."""
    if attempts <= 0:
        return dt.timedelta(0)
    return min(BACKOFF_BASE * (2 ** (attempts - 1)), BACKOFF_MAX)


def enqueue(*, task_name: str, payload: dict[str, Any], dedup_key: str) -> OutboxMessage:
    """Record a job in the current transaction; hand it to Celery once the transaction commits.

    Enqueueing the same ``dedup_key`` again returns the existing row and dispatches nothing.
    ``payload`` must be JSON (ids, dates as ISO strings), never a secret or a message text.
    """
    json.dumps(payload)  # fail now, in the caller, rather than in the worker
    message, created = OutboxMessage.objects.get_or_create(
        dedup_key=dedup_key, defaults={"task_name": task_name, "payload": payload}
    )
    if created:
        transaction.on_commit(partial(_on_commit_dispatch, message.pk), robust=True)
    return message


#: after a refused hand-over, callers' commits skip the broker for this long (the sweeper
#: takes over): a check-in never waits on a dead Redis more than once per window and process
BREAKER_WINDOW = 30.0
BROKER_PROBE_TIMEOUT = 0.3
_broker_down_until = 0.0


def _broker_reachable() -> bool:
    """A TCP connect to the broker, bounded by ``BROKER_PROBE_TIMEOUT``.

    redis-py retries a refused connection three times with backoff (about 2 s) and kombu does
    not let us turn that off; this probe answers in milliseconds when Redis is down.
    """
    from mds.celery import app

    conn = app.connection_for_write()
    if conn.transport_cls not in ("redis", "rediss"):
        return True
    try:
        with socket.create_connection(
            (conn.hostname or "127.0.0.1", conn.port or 6379), timeout=BROKER_PROBE_TIMEOUT
        ):
            return True
    except OSError:
        return False


def reset_breaker() -> None:
    global _broker_down_until
    _broker_down_until = 0.0


def _on_commit_dispatch(message_id: int) -> None:
    if time.monotonic() < _broker_down_until:
        return  # broker known down: the row stays pending, the sweeper hands it over
    dispatch(message_id)


def dispatch(message_id: int) -> bool:
    """Hand one row to the broker. Never raises: a refusal is noted for the sweeper."""
    global _broker_down_until
    from mds.celery import app

    message = (
        OutboxMessage.objects.filter(
            pk=message_id, status__in=(OutboxStatus.PENDING, OutboxStatus.DISPATCHED)
        )
        .only("pk", "task_name", "dispatch_attempts")
        .first()
    )
    if message is None:
        return False
    now = timezone.now()
    try:
        if app.conf.task_always_eager:
            # No broker (``make run`` without Redis): run it here, like Celery's eager mode.
            app.loader.import_default_modules()  # the apps' tasks modules (once per process)
            app.tasks[message.task_name].apply(kwargs={"outbox_id": message.pk})
        else:
            if not _broker_reachable():
                raise ConnectionRefusedError("broker unreachable")
            app.send_task(message.task_name, kwargs={"outbox_id": message.pk}, retry=False)
    except Exception as exc:  # the broker is down or refused: the sweeper will try again
        attempts = message.dispatch_attempts + 1
        OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.PENDING).update(
            dispatch_attempts=attempts,
            next_attempt_at=now + backoff(attempts),
            last_error=f"broker: {type(exc).__name__}"[:300],
        )
        logger.warning("outbox: broker refused job %s (%s)", message.pk, type(exc).__name__)
        _broker_down_until = time.monotonic() + BREAKER_WINDOW
        return False
    # Only a row not already done by a fast worker is marked "dispatched".
    OutboxMessage.objects.filter(
        pk=message.pk, status__in=(OutboxStatus.PENDING, OutboxStatus.DISPATCHED)
    ).update(
        status=OutboxStatus.DISPATCHED,
        dispatch_attempts=message.dispatch_attempts + 1,
        dispatched_at=now,
        next_attempt_at=now + STALE_AFTER,
    )
    return True


def sweep(*, now: dt.datetime | None = None, limit: int = SWEEP_BATCH) -> int:
    """Re-dispatch the rows whose time has come; returns how many were handed over.

    Rows are claimed (next try pushed back) under ``SKIP LOCKED`` so two sweepers, or a sweeper
    and a worker running the job, never wait on each other nor hand the same row twice.
    """
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(
                status__in=(OutboxStatus.PENDING, OutboxStatus.DISPATCHED),
                next_attempt_at__lte=now,
            )
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        OutboxMessage.objects.filter(pk__in=due).update(next_attempt_at=now + BACKOFF_BASE)
    handed = 0
    for pk in due:
        if not dispatch(pk):
            break  # broker down: the rest stays claimed for BACKOFF_BASE, then retried
        handed += 1
    return handed


def _failed_run(message: OutboxMessage, reason: str) -> None:
    message.run_attempts += 1
    message.last_error = reason[:300]
    if message.run_attempts >= MAX_RUN_ATTEMPTS:
        message.status = OutboxStatus.FAILED
    else:
        message.status = OutboxStatus.PENDING
        message.next_attempt_at = timezone.now() + backoff(message.run_attempts)
    message.save(update_fields=["run_attempts", "last_error", "status", "next_attempt_at"])


def run(outbox_id: int) -> str:
    """Run the job of one row at most once; returns the row's status afterwards."""
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.select_for_update().filter(pk=outbox_id).first()
            if message is None:
                return "missing"
            if message.status in (OutboxStatus.DONE, OutboxStatus.FAILED):
                return str(message.status)  # delivered twice: the work is already done
            handler = _HANDLERS[message.task_name]
            result = handler(**message.payload)
            if isinstance(result, RetryLater):
                _failed_run(message, result.reason)
            else:
                message.status = OutboxStatus.DONE
                message.done_at = timezone.now()
                message.last_error = ""
                message.save(update_fields=["status", "done_at", "last_error"])
            return str(message.status)
    except Exception as exc:
        # Rolled back: note the failure in a fresh transaction. The class name only: an
        # exception's text may quote data, and this column is shown to staff.
        logger.exception("outbox: job %s failed", outbox_id)
        with transaction.atomic():
            message = OutboxMessage.objects.select_for_update().get(pk=outbox_id)
            _failed_run(message, f"{type(exc).__name__}")
            return str(message.status)


def job(name: str) -> Callable[[Handler], Handler]:
    """Declare the handler of an outbox task: ``@job("notifications.send")``.

    The handler takes the payload as keyword arguments and runs inside the row's transaction.
    """

    def register(handler: Handler) -> Handler:
        _HANDLERS[name] = handler

        def outbox_task(outbox_id: int) -> str:
            return run(outbox_id)

        shared_task(name=name, acks_late=True, ignore_result=True)(outbox_task)
        return handler

    return register


@dataclass(frozen=True)
class Backlog:
    pending: int
    dispatched: int
    failed: int
    oldest_pending: dt.datetime | None


def backlog() -> Backlog:
    """Counts for the staff page: what waits, what the broker holds, what was abandoned."""
    counts = dict(
        OutboxMessage.objects.exclude(status=OutboxStatus.DONE)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    oldest = OutboxMessage.objects.filter(
        status__in=(OutboxStatus.PENDING, OutboxStatus.DISPATCHED)
    ).aggregate(oldest=Min("created_at"))["oldest"]
    return Backlog(
        pending=counts.get(OutboxStatus.PENDING, 0),
        dispatched=counts.get(OutboxStatus.DISPATCHED, 0),
        failed=counts.get(OutboxStatus.FAILED, 0),
        oldest_pending=oldest,
    )
