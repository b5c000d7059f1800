"""Tasks of the project package. ``ping`` lets /healthz and the tests check a real worker."""

from celery import shared_task


@shared_task(name="mds.ping")
def ping() -> str:
    return "pong"


# Registered with the worker through this module (Celery autodiscovers ``<app>.tasks``).
from .outbox import tasks as outbox_tasks  # noqa: E402, F401


@shared_task(name="mds.run_retention", acks_late=True)
def run_retention() -> dict[str, int]:
    """Every registered retention purge, in batches (see ``mds.jobs.purges``)."""
    from .jobs import purges

    return {outcome.category: outcome.count for outcome in purges.run_all()}
