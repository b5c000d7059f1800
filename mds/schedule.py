"""The schedule of the periodic jobs, in code (reviewed, versioned); the one source of truth.

``python manage.py setup_periodic_tasks`` writes it into django-celery-beat's tables (which
``celery beat`` reads): it creates or updates every entry listed here, and removes the entries
it created before that this module no longer lists. Entries made by hand in the admin (names
not starting with ``MANAGED_PREFIX``) are left alone. ``make run`` and the docker-compose
``migrate`` step run it; saving an MDS or its opening hours re-runs it (see ``mds.apps``).

Task names are strings on purpose: ``mds`` is the bottom layer and never imports the apps whose
tasks it schedules. ``tests/jobs/test_schedule.py`` checks each name is a registered task.
Times are local (``TIME_ZONE``, Europe/Paris). To change a default: edit this file, commit,
deploy (docs/jobs.md lists every job).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction

MANAGED_PREFIX = "mds:"
#: the day is closed this long after the MDS's last closing time of the weekday (the desk
#: finishes with the people being received; the close only marks those still waiting)
DAY_CLOSE_GRACE = dt.timedelta(minutes=30)
#: an MDS without opening hours is closed at this time every day
DEFAULT_CLOSING_TIME = dt.time(19, 0)


@dataclass(frozen=True)
class Entry:
    """One periodic job: ``every_seconds`` or a crontab (local time), never both."""

    name: str
    task: str
    description: str
    every_seconds: int | None = None
    minute: str = "0"
    hour: str = "*"
    day_of_week: str = "*"
    kwargs: dict[str, Any] = field(default_factory=dict)


#: The jobs every deployment runs (the per-MDS day closes are added by :func:`entries`).
SCHEDULE: tuple[Entry, ...] = (
    Entry(
        name="mds:outbox-sweep",
        task="mds.outbox.sweep",
        description="Re-dispatch the outbox rows the broker did not take (every minute).",
        every_seconds=60,
    ),
    Entry(
        name="mds:purge-expired-secrets",
        task="rgpd.purge_expired_secrets",
        description="Crypto-shred expired vault credentials and documents (every 15 minutes).",
        every_seconds=15 * 60,
    ),
    Entry(
        name="mds:retention",
        task="mds.run_retention",
        description="Every retention purge, in batches (daily 02:30).",
        minute="30",
        hour="2",
    ),
    Entry(
        name="mds:rotate-journal",
        task="rgpd.rotate_journal",
        description="Rotate the audit journal past JOURNAL_RETENTION_MONTHS (daily 03:30).",
        minute="30",
        hour="3",
    ),
    Entry(
        name="mds:export-journal-head",
        task="rgpd.export_journal_head",
        description="Verify the journal chain and log its signed head outside the DB (03:45).",
        minute="45",
        hour="3",
    ),
    Entry(
        name="mds:appointment-reminders",
        task="notifications.appointment_reminders",
        description="Appointment J-1 reminders to consenting people (daily 10:00).",
        minute="0",
        hour="10",
    ),
    Entry(
        name="mds:vault-expiry-warnings",
        task="notifications.vault_expiry_warnings",
        description="Warn the mediator of vault items destroyed within 24 h (hourly, :05).",
        minute="5",
        hour="*",
    ),
    Entry(
        name="mds:follow-up-digest",
        task="notifications.follow_up_digests",
        description="Morning digest of follow-ups due, per mediator (Mon-Fri 07:30).",
        minute="30",
        hour="7",
        day_of_week="1-5",
    ),
    Entry(
        name="mds:referrals-expire",
        task="orientations.expire_overdue",
        description="Expire referrals unanswered after the MDS's working-day limit (daily 06:30).",
        minute="30",
        hour="6",
    ),
    Entry(
        name="mds:referrals-remind",
        task="orientations.select_reminders",
        description="Mark referrals unseen after N working days, escalate after M (Mon-Fri 07:15).",
        minute="15",
        hour="7",
        day_of_week="1-5",
    ),
)


def day_close_entries() -> list[Entry]:
    """One entry per active MDS and closing time: each MDS closes at its own hour."""
    from .models import MDS, OpeningPeriod

    last_close: dict[tuple[int, int], dt.time] = {}
    for mds_id, weekday, closes in OpeningPeriod.objects.filter(mds__is_active=True).values_list(
        "mds_id", "weekday", "closes_at"
    ):
        key = (mds_id, weekday)
        last_close[key] = max(closes, last_close.get(key, closes))
    by_time: dict[tuple[int, dt.time], list[int]] = defaultdict(list)
    for (mds_id, weekday), closes in last_close.items():
        moment = (dt.datetime.combine(dt.date(2000, 1, 1), closes) + DAY_CLOSE_GRACE).time()
        by_time[(mds_id, moment)].append(weekday)
    entries = []
    for site in MDS.objects.filter(is_active=True).order_by("code"):
        times = sorted((m, days) for (mds_id, m), days in by_time.items() if mds_id == site.pk)
        if not times:
            times = [(DEFAULT_CLOSING_TIME, list(range(7)))]
        for moment, weekdays in times:
            # crontab counts days from Sunday = 0; Python's weekday() from Monday = 0
            cron_days = ",".join(str((d + 1) % 7) for d in sorted(weekdays))
            entries.append(
                Entry(
                    name=f"mds:close-day:{site.code}:{moment:%H%M}",
                    task="accueil.close_day",
                    description=f"Close the day at {site.name} ({moment:%H:%M}).",
                    minute=str(moment.minute),
                    hour=str(moment.hour),
                    day_of_week=cron_days,
                    kwargs={"mds_id": site.pk},
                )
            )
    return entries


def entries() -> list[Entry]:
    return [*SCHEDULE, *day_close_entries()]


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


@transaction.atomic
def sync() -> SyncReport:
    """Make django-celery-beat's managed entries match :func:`entries` (idempotent)."""
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    report = SyncReport()
    wanted = entries()
    for entry in wanted:
        schedule: dict[str, Any]
        if entry.every_seconds is not None:
            interval, _ = IntervalSchedule.objects.get_or_create(
                every=entry.every_seconds, period=IntervalSchedule.SECONDS
            )
            schedule = {"interval": interval, "crontab": None}
        else:
            crontab, _ = CrontabSchedule.objects.get_or_create(
                minute=entry.minute,
                hour=entry.hour,
                day_of_week=entry.day_of_week,
                day_of_month="*",
                month_of_year="*",
                timezone=settings.TIME_ZONE,
            )
            schedule = {"interval": None, "crontab": crontab}
        values = {
            "task": entry.task,
            "kwargs": json.dumps(entry.kwargs, sort_keys=True),
            "description": entry.description,
            **schedule,
        }
        task = PeriodicTask.objects.filter(name=entry.name).first()
        if task is None:
            PeriodicTask.objects.create(name=entry.name, enabled=True, **values)
            report.created.append(entry.name)
            continue
        changed = [key for key, value in values.items() if getattr(task, key) != value]
        if changed:
            for key in changed:
                setattr(task, key, values[key])
            task.save()  # save(), not update(): beat notices changes through its signals
            report.updated.append(entry.name)
        else:
            report.unchanged.append(entry.name)
    names = {entry.name for entry in wanted}
    for task in PeriodicTask.objects.filter(name__startswith=MANAGED_PREFIX).exclude(
        name__in=names
    ):
        report.removed.append(task.name)
        task.delete()
    return report
