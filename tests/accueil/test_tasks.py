"""The day-close task runs on a real Celery worker (Redis broker, test database)."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from accueil import services
from accueil.models import Passage, Status
from accueil.tasks import close_day
from mds.models import MDS
from mds.roles import Role
from tests.accueil.factories import motive
from tests.factories import make_member


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_close_day_task_marks_the_still_waiting_as_left_on_a_worker(
    celery_worker: str | None, mds_a: MDS, mds_b: MDS
) -> None:
    for mds in (mds_a, mds_b):
        agent = make_member(Role.ACCUEIL, mds)
        services.check_in(mds=mds, agent=agent, motive=motive(), client_token=uuid.uuid4())
    result = close_day.delay(day=timezone.localdate().isoformat())
    assert result.get(timeout=30) == 2
    assert set(Passage.objects.values_list("status", flat=True)) == {Status.LEFT}
    assert close_day.delay(mds_id=mds_a.pk).get(timeout=30) == 0  # idempotent
