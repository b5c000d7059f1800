"""Which reminders are due, and that each goes out once even when its task runs twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from mds.models import MDS, OutboxMessage
from mds.outbox import services as outbox
from mds.roles import Role
from mds.tasks import ping
from notifications import reminders, tasks
from notifications.models import Kind, Receipt, ReceiptStatus
from tests.accompagnement.factories import MediationSessionFactory, ref
from tests.factories import make_member
from tests.jobs_utils import wait_until
from tests.notifications.factories import person
from tests.rgpd.factories import make_credential, make_document

TODAY = dt.date(2026, 11, 24)  # a Tuesday


def _session(
    mds: MDS,
    usager: Any,
    *,
    next_appointment: dt.date | None,
    outcome: str = "a_poursuivre",
    **kw: Any,
) -> Any:
    from accompagnement.models import Outcome

    return MediationSessionFactory(
        mds=mds,
        usager=usager,
        date=TODAY - dt.timedelta(days=7),
        next_appointment=next_appointment,
        outcome=ref(Outcome, outcome),
        **kw,
    )


def _run_all_jobs() -> None:
    for row in OutboxMessage.objects.order_by("pk"):
        outbox.run(row.pk)


@pytest.mark.django_db
def test_appointment_reminders_go_the_day_before_to_people_with_a_contact(
    mds_a: MDS, memory_outbox: list[Any]
) -> None:
    mediator = make_member(Role.MEDIATEUR, mds_a)
    tomorrow = TODAY + dt.timedelta(days=1)
    due = person(mds_a)
    _session(mds_a, due, next_appointment=tomorrow, mediator=mediator)
    _session(mds_a, due, next_appointment=tomorrow, mediator=mediator)  # same day: one reminder
    _session(
        mds_a, person(mds_a), next_appointment=tomorrow + dt.timedelta(days=1), mediator=mediator
    )
    _session(mds_a, person(mds_a), next_appointment=tomorrow, outcome="fait", mediator=mediator)
    from accompagnement.models import Usager

    no_contact = Usager.objects.create(mds=mds_a, display_name="Sans contact")
    _session(mds_a, no_contact, next_appointment=tomorrow, mediator=mediator)
    assert reminders.appointment_reminders(today=TODAY) == 1
    assert reminders.appointment_reminders(today=TODAY) == 1  # a rerun queues nothing new
    receipt = Receipt.objects.get()
    assert (receipt.kind, receipt.usager_id) == (Kind.APPOINTMENT, due.pk)
    _run_all_jobs()
    assert len(memory_outbox) == 1
    assert f"{tomorrow:%d/%m/%Y}" in memory_outbox[0].body
    assert mds_a.name in memory_outbox[0].body


@pytest.mark.django_db
def test_vault_items_expiring_within_24_hours_warn_the_mediator_who_stored_them(mds_a: MDS) -> None:
    from django.core import mail

    mediator = make_member(Role.MEDIATEUR, mds_a)
    usager = person(mds_a)
    now = timezone.now()
    soon = make_credential(usager, expires_at=now + dt.timedelta(hours=23))
    make_credential(usager, expires_at=now + dt.timedelta(hours=25))  # not yet
    handed = make_credential(usager, expires_at=now + dt.timedelta(hours=2))
    document = make_document(usager, expires_at=now + dt.timedelta(hours=1))
    for item in (soon, handed, document):
        type(item).objects.filter(pk=item.pk).update(created_by=mediator)
    type(handed).objects.filter(pk=handed.pk).update(handed_over_at=now)  # handed over: no warning
    assert reminders.vault_expiry_warnings(now=now) == 2
    assert reminders.vault_expiry_warnings(now=now) == 2
    assert Receipt.objects.count() == 2
    _run_all_jobs()
    assert len(mail.outbox) == 2
    assert {m.to[0] for m in mail.outbox} == {mediator.email}
    body = " ".join(m.body for m in mail.outbox)
    assert "MotDePasse" not in body and "jean.caf" not in body
    assert f"/coffre/personne/{usager.pk}/" in body


@pytest.mark.django_db
def test_the_morning_digest_counts_each_mediators_follow_ups(mds_a: MDS) -> None:
    from django.core import mail

    busy = make_member(Role.MEDIATEUR, mds_a)
    idle = make_member(Role.MEDIATEUR, mds_a)
    for _ in range(2):
        _session(mds_a, None, next_appointment=TODAY, mediator=busy)
    _session(mds_a, None, next_appointment=TODAY, mediator=idle, outcome="fait")
    assert reminders.follow_up_digests(today=TODAY) == 1
    _run_all_jobs()
    [email] = mail.outbox
    assert email.to == [busy.email]
    assert "2 suivi(s)" in email.body


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_reminder_is_sent_exactly_once_even_if_its_task_is_delivered_twice(
    celery_worker: str | None, mds_a: MDS
) -> None:
    mediator = make_member(Role.MEDIATEUR, mds_a)
    usager = person(mds_a)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    _session(mds_a, usager, next_appointment=tomorrow, mediator=mediator)
    # beat's task delivered twice (a lost ack, a second beat): two runs on the real worker
    first = tasks.appointment_reminders.delay()
    second = tasks.appointment_reminders.delay()
    assert first.get(timeout=30) == second.get(timeout=30) == 1
    wait_until(lambda: Receipt.objects.filter(status=ReceiptStatus.SENT).exists())
    ping.delay().get(timeout=30)
    receipt = Receipt.objects.get()
    assert (receipt.status, receipt.attempts) == (ReceiptStatus.SENT, 1)
    assert OutboxMessage.objects.count() == 1


@pytest.mark.django_db
def test_the_periodic_tasks_queue_through_the_outbox(mds_a: MDS) -> None:
    mediator = make_member(Role.MEDIATEUR, mds_a)
    _session(
        mds_a,
        person(mds_a),
        next_appointment=timezone.localdate() + dt.timedelta(days=1),
        mediator=mediator,
    )
    assert tasks.appointment_reminders() == 1
    assert tasks.vault_expiry_warnings() == 0
    assert tasks.follow_up_digests() == 0  # the next date is tomorrow: not due yet
    assert OutboxMessage.objects.filter(task_name="notifications.send").count() == 1
