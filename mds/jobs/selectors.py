"""Reads of the staff page « Tâches de fond »: schedule, recent runs, failures, backlog."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django_celery_beat.models import PeriodicTask

from mds.outbox.models import OutboxMessage, OutboxStatus
from mds.outbox.services import Backlog, backlog

from . import purges
from .models import PurgeRun

RECENT = 20


@dataclass(frozen=True)
class JobsOverview:
    schedule: list[PeriodicTask]
    backlog: Backlog
    failed_jobs: list[OutboxMessage]
    recent_jobs: list[OutboxMessage]
    last_purges: list[PurgeRun]
    recent_purges: list[PurgeRun]
    purge_labels: dict[str, str]


def jobs_overview() -> JobsOverview:
    """Everything the page shows, in a fixed number of queries whatever the volume."""
    schedule = list(PeriodicTask.objects.select_related("interval", "crontab").order_by("name"))
    failed = list(
        OutboxMessage.objects.filter(status=OutboxStatus.FAILED).order_by("-created_at")[:RECENT]
    )
    recent = list(
        OutboxMessage.objects.filter(status=OutboxStatus.DONE).order_by("-done_at")[:RECENT]
    )
    categories = [purge.category for purge in purges.registered()]
    last: dict[str, Any] = {}
    # one query: the latest real run of each category (DISTINCT ON on PostgreSQL would do it
    # too; this stays portable to the SQLite fallback and reads at most a few hundred rows)
    for run in PurgeRun.objects.filter(dry_run=False, category__in=categories).order_by(
        "-started_at"
    )[: 50 * max(len(categories), 1)]:
        last.setdefault(run.category, run)
    return JobsOverview(
        schedule=schedule,
        backlog=backlog(),
        failed_jobs=failed,
        recent_jobs=recent,
        last_purges=[last[c] for c in categories if c in last],
        recent_purges=list(PurgeRun.objects.order_by("-started_at")[:RECENT]),
        purge_labels={purge.category: purge.label for purge in purges.registered()},
    )
