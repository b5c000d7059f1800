"""The staff page « Tâches de fond »: schedule, backlog, failures, last purge per category."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mds.jobs import purges
from mds.models import MDS, OutboxMessage, OutboxStatus
from mds.outbox import services as outbox
from mds.roles import Role

URL = "/administration/taches/"
ROOT = Path(__file__).resolve().parents[2]


def _page(client: Client) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


@pytest.mark.django_db
def test_the_page_shows_schedule_backlog_failures_and_purges(
    client_as: Callable[..., Client], mds_a: MDS
) -> None:
    client = client_as(Role.ADMIN)
    call_command("setup_periodic_tasks", stdout=None)
    outbox.enqueue(task_name="notifications.send", payload={"receipt_id": 1}, dedup_key="a")
    failed = outbox.enqueue(
        task_name="notifications.send", payload={"receipt_id": 2}, dedup_key="b"
    )
    OutboxMessage.objects.filter(pk=failed.pk).update(
        status=OutboxStatus.FAILED, last_error="TransientError", run_attempts=5
    )
    purges.run_all(only=["passage_aliases"])
    _page(client)  # warm the per-process caches (memberships, opening hours)
    html, first_count = _page(client)
    assert "mds:outbox-sweep" in html and "rgpd.purge_expired_secrets" in html
    assert "mds:close-day:mds-a:" in html
    assert "À confier au broker : <strong>1</strong>" in html
    assert "Abandonnées après plusieurs échecs : <strong>1</strong>" in html
    assert "TransientError" in html
    assert "passage_aliases" in html
    # more rows, same number of queries
    for n in range(10):
        outbox.enqueue(task_name="notifications.send", payload={"receipt_id": n}, dedup_key=f"x{n}")
    purges.run_all()
    _html, second_count = _page(client)
    assert second_count == first_count


@pytest.mark.django_db
def test_the_dpo_sees_the_page_too(client_as: Callable[..., Client]) -> None:
    assert client_as(Role.DPO).get(URL).status_code == 200


def test_make_run_and_the_compose_migrate_step_write_the_schedule() -> None:
    makefile = (ROOT / "Makefile").read_text()
    run_target = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "manage.py setup_periodic_tasks" in run_target
    compose = (ROOT / "docker-compose.yml").read_text()
    migrate = compose.split("\n  migrate:", 1)[1].split("\n\n", 1)[0]
    assert "manage.py migrate --noinput && python manage.py setup_periodic_tasks" in migrate
