"""The transactional outbox on PostgreSQL, Redis and a real Celery worker.

A job is a row written in the caller's transaction, handed to Celery after commit, run at most
once, and re-dispatched by the sweeper when the broker did not take it.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import transaction
from django.utils import timezone

from accueil import services as accueil
from accueil.models import Passage
from mds.celery import app
from mds.models import MDS, OutboxMessage, OutboxStatus
from mds.outbox import services as outbox
from mds.roles import Role
from mds.tasks import ping
from notifications import services as notifications
from notifications.models import Kind, Receipt, ReceiptStatus
from tests.accueil.factories import motive
from tests.factories import make_member
from tests.jobs_utils import broker_down, wait_until

BOOM_CALLS: list[int] = []


@outbox.job("tests.boom")
def _boom(*, n: int) -> None:
    BOOM_CALLS.append(n)
    raise RuntimeError("secret content that must not reach the row")


@outbox.job("tests.later")
def _later(*, n: int) -> outbox.RetryLater:
    return outbox.RetryLater("fournisseur indisponible")


@pytest.mark.django_db(transaction=True)
def test_a_job_enqueued_in_a_rolled_back_transaction_is_never_recorded() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue(task_name="tests.boom", payload={"n": 1}, dedup_key="rolled-back")
        raise RuntimeError
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_enqueueing_the_same_key_twice_records_one_job() -> None:
    first = outbox.enqueue(task_name="tests.boom", payload={"n": 1}, dedup_key="same")
    second = outbox.enqueue(task_name="tests.boom", payload={"n": 2}, dedup_key="same")
    assert first.pk == second.pk
    assert OutboxMessage.objects.count() == 1


@pytest.mark.django_db
def test_a_payload_that_is_not_json_is_refused_in_the_caller() -> None:
    with pytest.raises(TypeError):
        outbox.enqueue(task_name="tests.boom", payload={"when": dt.date.today()}, dedup_key="x")


@pytest.mark.django_db
def test_a_failing_job_is_retried_with_backoff_then_abandoned_without_its_text() -> None:
    row = outbox.enqueue(task_name="tests.boom", payload={"n": 7}, dedup_key="boom")
    BOOM_CALLS.clear()
    for attempt in range(1, outbox.MAX_RUN_ATTEMPTS + 1):
        before = timezone.now()
        assert outbox.run(row.pk) in {OutboxStatus.PENDING, OutboxStatus.FAILED}
        row.refresh_from_db()
        assert row.run_attempts == attempt
        if attempt < outbox.MAX_RUN_ATTEMPTS:
            assert row.status == OutboxStatus.PENDING
            assert row.next_attempt_at >= before + outbox.backoff(attempt)
    assert row.status == OutboxStatus.FAILED
    assert row.last_error == "RuntimeError"  # the class, never the message
    # abandoned: neither the sweeper nor a late duplicate runs it again (no crash loop)
    assert outbox.sweep(now=timezone.now() + dt.timedelta(days=1)) == 0
    assert outbox.run(row.pk) == OutboxStatus.FAILED
    assert len(BOOM_CALLS) == outbox.MAX_RUN_ATTEMPTS


@pytest.mark.django_db
def test_a_handler_asking_to_retry_keeps_the_row_pending_then_failed() -> None:
    row = outbox.enqueue(task_name="tests.later", payload={"n": 1}, dedup_key="later")
    assert outbox.run(row.pk) == OutboxStatus.PENDING
    row.refresh_from_db()
    assert (row.run_attempts, row.last_error) == (1, "fournisseur indisponible")


def test_backoff_doubles_and_is_capped() -> None:
    delays = [outbox.backoff(n).total_seconds() for n in (1, 2, 3, 4, 20)]
    assert delays == [30, 60, 120, 240, 3600]


def _staff_reminder(user_id: int, key: str) -> None:
    from mds.models import User

    notifications.notify(
        kind=Kind.FOLLOW_UP_DIGEST,
        dedup_key=key,
        context={"count": 1, "url": "https://mds.example/mediation/"},
        user=User.objects.get(pk=user_id),
    )


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_task_delivered_twice_does_its_work_once(celery_worker: str | None, mds_a: MDS) -> None:
    mediator = make_member(Role.MEDIATEUR, mds_a)
    with transaction.atomic():
        _staff_reminder(mediator.pk, "twice")
    row = OutboxMessage.objects.get(dedup_key="notify:twice")
    wait_until(lambda: OutboxMessage.objects.get(pk=row.pk).status == OutboxStatus.DONE)
    # the broker delivers the same job again, twice (a redelivery after a lost ack, a sweep)
    for _ in range(2):
        app.tasks["notifications.send"].delay(outbox_id=row.pk)
    ping.delay().get(timeout=30)  # the solo worker ran everything queued before
    receipt = Receipt.objects.get(dedup_key="twice")
    assert receipt.status == ReceiptStatus.SENT
    assert receipt.attempts == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_broker_down_check_ins_succeed_and_the_sweeper_sends_each_reminder_once(
    celery_worker: str | None, mds_a: MDS
) -> None:
    if celery_worker is None:
        pytest.skip("Sans Redis (ALLOW_SQLITE=1) il n'y a pas de broker à arrêter.")
    agent = make_member(Role.ACCUEIL, mds_a)
    mediator = make_member(Role.MEDIATEUR, mds_a)
    with broker_down():
        for _ in range(50):
            with transaction.atomic():
                result = accueil.check_in(
                    mds=mds_a, agent=agent, motive=motive(), client_token=uuid.uuid4()
                )
                _staff_reminder(mediator.pk, f"checkin:{result.passage.pk}")
            assert result.passage.pk
    assert Passage.objects.count() == 50
    rows = OutboxMessage.objects.all()
    assert rows.count() == 50
    assert set(rows.values_list("status", flat=True)) == {OutboxStatus.PENDING}
    # one refused hand-over opened the breaker: the other 49 commits did not even try
    assert sum(rows.values_list("dispatch_attempts", flat=True)) == 1
    assert Receipt.objects.filter(status=ReceiptStatus.QUEUED).count() == 50

    # broker back: the sweeper (run by beat every minute) hands the 50 over
    later = timezone.now() + dt.timedelta(minutes=5)
    assert outbox.sweep(now=later) == 50
    wait_until(lambda: Receipt.objects.filter(status=ReceiptStatus.SENT).count() == 50)
    wait_until(lambda: OutboxMessage.objects.filter(status=OutboxStatus.DONE).count() == 50)
    assert set(Receipt.objects.values_list("attempts", flat=True)) == {1}
    assert outbox.sweep(now=later + dt.timedelta(hours=2)) == 0  # nothing left to hand over


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_sweeper_hands_over_again_a_job_the_broker_lost(
    celery_worker: str | None, mds_a: MDS
) -> None:
    if celery_worker is None:
        pytest.skip("Sans Redis (ALLOW_SQLITE=1) il n'y a pas de broker à arrêter.")
    mediator = make_member(Role.MEDIATEUR, mds_a)
    with broker_down():
        _staff_reminder(mediator.pk, "lost")
    # as if handed to a broker that then lost it (worker killed, Redis restarted empty)
    long_ago = timezone.now() - dt.timedelta(hours=2)
    OutboxMessage.objects.update(
        status=OutboxStatus.DISPATCHED, dispatched_at=long_ago, next_attempt_at=long_ago
    )
    assert outbox.sweep() == 1
    wait_until(lambda: OutboxMessage.objects.get().status == OutboxStatus.DONE)
    assert Receipt.objects.get().status == ReceiptStatus.SENT


@pytest.mark.django_db
def test_backlog_counts_what_waits_and_what_failed() -> None:
    outbox.enqueue(task_name="tests.boom", payload={"n": 1}, dedup_key="a")
    failed = outbox.enqueue(task_name="tests.boom", payload={"n": 1}, dedup_key="b")
    OutboxMessage.objects.filter(pk=failed.pk).update(status=OutboxStatus.FAILED)
    backlog = outbox.backlog()
    assert (backlog.pending, backlog.dispatched, backlog.failed) == (1, 0, 1)
    assert backlog.oldest_pending is not None
