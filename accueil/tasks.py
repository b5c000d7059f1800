"""Celery tasks of the accueil: thin wrappers over services (scheduled by a later issue)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from mds.models import MDS

from . import services


@shared_task(name="accueil.close_day", acks_late=True, max_retries=3, default_retry_delay=60)
def close_day(mds_id: int | None = None, day: str | None = None) -> int:
    """Close the day at one MDS, or at every active MDS. Idempotent: run it twice, same result."""
    when = dt.date.fromisoformat(day) if day else timezone.localdate()
    sites = MDS.objects.filter(is_active=True)
    if mds_id is not None:
        sites = sites.filter(pk=mds_id)
    return sum(services.close_day(mds=mds, day=when) for mds in sites)
