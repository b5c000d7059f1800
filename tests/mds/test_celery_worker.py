"""A task goes through Redis to a real worker process and comes back."""

from __future__ import annotations

import pytest
from django.conf import settings

from mds.celery import app
from mds.tasks import ping


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_task_runs_on_a_real_worker(celery_worker: str | None) -> None:
    assert ping.delay().get(timeout=30) == "pong"
    if settings.REDIS_URL:
        assert celery_worker is not None
        assert app.control.ping(destination=[celery_worker], timeout=2)


def test_celery_is_configured_for_safety() -> None:
    conf = app.conf
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_acks_late is True
    assert conf.task_time_limit and conf.task_soft_time_limit
    assert conf.task_soft_time_limit < conf.task_time_limit
