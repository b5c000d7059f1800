"""Retention purges: a registry filled by the apps that own the data, and one runner.

``mds`` is the bottom layer: it does not know the tables. Each app (or the module wiring them,
``notifications.purges`` today) registers a :class:`Purge` from its ``AppConfig.ready()``:

- ``run_batch(now, size, after)`` purges at most ``size`` rows in its own short transaction
  and returns ``(done, cursor)``; the runner calls it again with ``after=cursor`` until the
  cursor is ``None``. A keyset purge returns the last primary key it looked at, so each batch
  reads forward from there instead of rescanning what is already purged (1 M rows: minutes
  become seconds); a simple purge wraps a ``(now, size) -> done`` function with :func:`simple`.
  A purge killed at any point has committed whole batches only, and a rerun starts again from
  the beginning: same end state.
- ``count_due(now)`` says how many rows a run would purge (``--dry-run``).

The runner records a :class:`PurgeRun` per category (counts, never contents) and hands the
count to the registered journal reporter (the audit journal lives in ``rgpd``).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from .models import PurgeRun

logger = logging.getLogger(__name__)

DEFAULT_BATCH = 1000
#: safety stop: a purge that still finds rows after this many batches resumes next run
MAX_BATCHES = 10_000


BatchFn = Callable[[dt.datetime, int, int], tuple[int, int | None]]


@dataclass(frozen=True)
class Purge:
    category: str
    label: str
    run_batch: BatchFn
    count_due: Callable[[dt.datetime], int]
    #: rows per batch (one short transaction) when the caller does not say: a one-statement
    #: purge of a big table takes bigger batches than one walking each person's data
    batch_size: int = DEFAULT_BATCH


def simple(batch: Callable[[dt.datetime, int], int]) -> BatchFn:
    """A purge that finds its next rows by itself: go on while it purges something."""

    def run(now: dt.datetime, size: int, after: int) -> tuple[int, int | None]:
        done = batch(now, size)
        return done, (after if done else None)

    return run


_PURGES: dict[str, Purge] = {}
_reporters: list[Callable[[str, int], None]] = []


def register(purge: Purge) -> None:
    _PURGES[purge.category] = purge


def add_reporter(reporter: Callable[[str, int], None]) -> None:
    """``reporter(category, count)`` is called after each real run with a non-zero count."""
    if reporter not in _reporters:
        _reporters.append(reporter)


def registered() -> list[Purge]:
    return list(_PURGES.values())


@dataclass(frozen=True)
class Outcome:
    category: str
    label: str
    count: int
    dry_run: bool
    error: str = ""


def run_one(
    purge: Purge,
    *,
    now: dt.datetime | None = None,
    dry_run: bool = False,
    batch_size: int | None = None,
) -> Outcome:
    moment = now or timezone.now()
    size = batch_size or purge.batch_size
    record = PurgeRun.objects.create(category=purge.category, dry_run=dry_run)
    total = batches = 0
    error = ""
    try:
        if dry_run:
            total = purge.count_due(moment)
        else:
            cursor: int | None = 0
            pause = float(getattr(settings, "RETENTION_PAUSE_RATIO", 0.0))
            while cursor is not None and batches < MAX_BATCHES:
                started = time.monotonic()
                done, cursor = purge.run_batch(moment, size, cursor)
                if cursor is not None and pause > 0:
                    # yield the database to the check-ins between batches (duty cycle)
                    time.sleep(pause * (time.monotonic() - started))
                batches += 1
                total += done
                # progress is visible (and kept) even if the process is killed mid-purge
                PurgeRun.objects.filter(pk=record.pk).update(count=total, batches=batches)
    except Exception as exc:  # one purge failing does not stop the others
        logger.exception("retention purge %s failed", purge.category)
        error = type(exc).__name__
    PurgeRun.objects.filter(pk=record.pk).update(
        count=total, batches=batches, finished_at=timezone.now(), error=error
    )
    if total and not dry_run:
        for reporter in _reporters:
            reporter(purge.category, total)
    return Outcome(purge.category, purge.label, total, dry_run, error)


def run_all(
    *,
    now: dt.datetime | None = None,
    dry_run: bool = False,
    batch_size: int | None = None,
    only: list[str] | None = None,
) -> list[Outcome]:
    return [
        run_one(purge, now=now, dry_run=dry_run, batch_size=batch_size)
        for purge in registered()
        if only is None or purge.category in only
    ]


def last_runs() -> list[PurgeRun]:
    """The last real run of each registered category (for the staff page)."""
    runs = []
    for purge in registered():
        run = (
            PurgeRun.objects.filter(category=purge.category, dry_run=False)
            .order_by("-started_at")
            .first()
        )
        if run is not None:
            runs.append(run)
    return runs
