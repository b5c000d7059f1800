"""Celery task of the outbox: the sweeper (scheduled every minute by ``mds/schedule.py``)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="mds.outbox.sweep", acks_late=True, ignore_result=True)
def sweep() -> int:
    return services.sweep()
