"""A task goes through Redis to a real worker process and comes back.

The worker test fails without a worker (SQLite run, Redis missing): an eager run in the test
process proves nothing about the broker, the worker or its database settings."""

from __future__ import annotations

import pytest
from celery.result import EagerResult

from mds.celery import app
from mds.tasks import ping


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_task_runs_on_a_real_worker(celery_worker: str | None) -> None:
    assert celery_worker is not None, (
        "Aucun worker Celery : ce test a besoin de Redis (REDIS_URL) et d'un worker réel."
    )
    assert not app.conf.task_always_eager
    result = ping.delay()
    assert not isinstance(result, EagerResult)
    assert result.get(timeout=30) == "pong"
    assert app.control.ping(destination=[celery_worker], timeout=2)
    # The worker itself counts the task: it ran there, not in this process.
    stats = app.control.inspect(destination=[celery_worker], timeout=2).stats() or {}
    assert stats[celery_worker]["total"].get(ping.name, 0) >= 1


def test_celery_is_configured_for_safety() -> None:
    conf = app.conf
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_acks_late is True
    assert conf.task_time_limit and conf.task_soft_time_limit
    assert conf.task_soft_time_limit < conf.task_time_limit
