"""Celery tasks of the notifications: the outbox job ``notifications.send`` (declared in
``services``) and the periodic selections, thin wrappers over ``reminders``."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction

from . import reminders
from . import services as services  # registers the "notifications.send" outbox job


@shared_task(name="notifications.appointment_reminders", acks_late=True)
def appointment_reminders() -> int:
    with transaction.atomic():
        return reminders.appointment_reminders()


@shared_task(name="notifications.vault_expiry_warnings", acks_late=True)
def vault_expiry_warnings() -> int:
    with transaction.atomic():
        return reminders.vault_expiry_warnings()


@shared_task(name="notifications.follow_up_digests", acks_late=True)
def follow_up_digests() -> int:
    with transaction.atomic():
        return reminders.follow_up_digests()
