"""Celery tasks of the notifications: the outbox job (``notifications.send``, declared in
``services``) and the periodic reminder selections (thin wrappers over ``reminders``)."""

from __future__ import annotations

from . import services  # noqa: F401  (registers the "notifications.send" outbox job)
