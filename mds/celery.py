"""Celery app: Redis broker, JSON only, late acks, time limits (see ``CELERY_*`` settings)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mds.settings.dev")

app = Celery("mds")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
