"""Tasks of the project package. ``ping`` lets /healthz and the tests check a real worker."""

from celery import shared_task


@shared_task(name="mds.ping")
def ping() -> str:
    return "pong"


# Registered with the worker through this module (Celery autodiscovers ``<app>.tasks``).
from .outbox import tasks as outbox_tasks  # noqa: E402, F401
