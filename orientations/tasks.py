"""Thin Celery wrappers over the services; the jobs issue schedules them (celery beat)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="orientations.expire_overdue")
def expire_overdue() -> list[int]:
    return services.expire_overdue()


@shared_task(name="orientations.select_reminders")
def select_reminders() -> dict[str, list[int]]:
    report = services.select_reminders()
    return {"reminded": report.reminded, "escalated": report.escalated}
