"""Sending one message: backends, receipts, consent, language, bad input, bounded retries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from mds.models import MDS, OutboxMessage, OutboxStatus
from mds.outbox import services as outbox
from mds.roles import Role
from notifications import services
from notifications.models import Channel, Kind, Receipt, ReceiptStatus
from rgpd.models import Consent
from tests.factories import make_member
from tests.notifications.conftest import FakeSmsProvider
from tests.notifications.factories import person

CONTEXT = {"date": "30/11/2026", "mds": "MDS A"}


def _reminder(usager: Any, key: str = "rdv-1", context: dict[str, Any] | None = None) -> Receipt:
    return services.notify(
        kind=Kind.APPOINTMENT,
        dedup_key=key,
        context=CONTEXT if context is None else context,
        usager=usager,
        mds=usager.mds,
    )


def _deliver(receipt: Receipt) -> Receipt:
    """What the worker does with the job (the worker tests run it through Redis)."""
    row = OutboxMessage.objects.get(dedup_key=f"notify:{receipt.dedup_key}")
    outbox.run(row.pk)
    receipt.refresh_from_db()
    return receipt


@pytest.mark.django_db
def test_a_reminder_with_consent_is_sent_once_and_receipted(
    mds_a: MDS, memory_outbox: list[Any]
) -> None:
    receipt = _deliver(_reminder(person(mds_a)))
    assert receipt.status == ReceiptStatus.SENT
    assert (receipt.attempts, receipt.channel, receipt.error) == (1, Channel.SMS, "")
    assert receipt.to_masked == "+33…78"
    [message] = memory_outbox
    assert message.to == "+33612345678"
    assert message.body.startswith("Rappel : rendez-vous demain 30/11/2026 à la MDS A.")
    # delivered again (a redelivered task): nothing more is sent
    assert _deliver(receipt).attempts == 1
    assert len(memory_outbox) == 1


@pytest.mark.django_db
def test_queueing_the_same_reminder_twice_makes_one_receipt_and_one_job(mds_a: MDS) -> None:
    usager = person(mds_a)
    first, second = _reminder(usager), _reminder(usager)
    assert first.pk == second.pk
    assert Receipt.objects.count() == OutboxMessage.objects.count() == 1


@pytest.mark.parametrize(
    ("language", "start"),
    [
        ("fr", "Rappel : rendez-vous demain"),
        ("en", "Reminder: appointment tomorrow"),
        ("ar", "تذكير"),
    ],
)
@pytest.mark.django_db
def test_the_message_is_in_the_persons_language(
    mds_a: MDS, memory_outbox: list[Any], language: str, start: str
) -> None:
    receipt = _deliver(_reminder(person(mds_a, language=language)))
    assert receipt.language == language
    assert memory_outbox[0].body.startswith(start)
    assert "30/11/2026" in memory_outbox[0].body


@pytest.mark.django_db
def test_no_consent_means_no_reminder_and_the_receipt_says_why(
    mds_a: MDS, memory_outbox: list[Any]
) -> None:
    receipt = _deliver(_reminder(person(mds_a, consent=False)))
    assert receipt.status == ReceiptStatus.SKIPPED
    assert "Pas de consentement" in receipt.error
    assert receipt.attempts == 0
    assert memory_outbox == []


@pytest.mark.django_db
def test_a_consent_withdrawn_after_queueing_stops_the_reminder(
    mds_a: MDS, memory_outbox: list[Any]
) -> None:
    usager = person(mds_a)
    receipt = _reminder(usager)
    Consent.objects.filter(usager=usager).update(withdrawn_at=timezone.now())
    assert _deliver(receipt).status == ReceiptStatus.SKIPPED
    assert memory_outbox == []


@pytest.mark.django_db
def test_an_expired_consent_stops_the_reminder(mds_a: MDS, memory_outbox: list[Any]) -> None:
    yesterday = timezone.now() - dt.timedelta(days=1)
    receipt = _deliver(_reminder(person(mds_a, consent_expires_at=yesterday)))
    assert receipt.status == ReceiptStatus.SKIPPED


@pytest.mark.parametrize(
    ("contact", "error"),
    [
        ({"phone": "06 12 34"}, "Numéro de téléphone invalide."),
        ({"phone": "+33612345678999999"}, "Numéro de téléphone invalide."),
        ({"channel": Channel.EMAIL, "email": "amina@"}, "Adresse de courriel invalide."),
        ({"channel": Channel.EMAIL, "email": ""}, "Adresse de courriel invalide."),
    ],
)
@pytest.mark.django_db
def test_an_invalid_address_fails_cleanly_without_retry(
    mds_a: MDS, memory_outbox: list[Any], contact: dict[str, str], error: str
) -> None:
    receipt = _deliver(_reminder(person(mds_a, **contact)))
    assert (receipt.status, receipt.error) == (ReceiptStatus.FAILED, error)
    row = OutboxMessage.objects.get()
    assert row.status == OutboxStatus.DONE  # a permanent failure is not retried
    assert memory_outbox == []


@pytest.mark.django_db
def test_a_template_variable_missing_fails_cleanly_without_retry(
    mds_a: MDS, memory_outbox: list[Any]
) -> None:
    receipt = _deliver(_reminder(person(mds_a), context={"mds": "MDS A"}))
    assert receipt.status == ReceiptStatus.FAILED
    assert receipt.error == "Variable manquante dans le modèle : date"
    assert OutboxMessage.objects.get().status == OutboxStatus.DONE
    assert memory_outbox == []


@pytest.mark.django_db
def test_a_staff_message_goes_by_email_through_django_mail(mds_a: MDS) -> None:
    mediator = make_member(Role.MEDIATEUR, mds_a)
    receipt = services.notify(
        kind=Kind.FOLLOW_UP_DIGEST,
        dedup_key="digest",
        context={"count": 3, "url": "https://mds.example/mediation/"},
        user=mediator,
        mds=mds_a,
    )
    assert _deliver(receipt).status == ReceiptStatus.SENT
    [email] = mail.outbox
    assert email.to == [mediator.email]
    assert email.subject == "Suivis à relancer aujourd'hui"
    assert "3 suivi(s)" in email.body


@pytest.mark.django_db
def test_the_http_sms_adapter_posts_to_the_provider(
    mds_a: MDS, sms_provider: FakeSmsProvider
) -> None:
    receipt = _deliver(_reminder(person(mds_a)))
    assert receipt.status == ReceiptStatus.SENT
    [request] = sms_provider.requests
    assert request["authorization"] == "Bearer test-token"
    assert request["json"]["to"] == "+33612345678"
    assert request["json"]["text"].startswith("Rappel : rendez-vous demain")


@pytest.mark.django_db
def test_a_number_the_provider_refuses_fails_at_once(
    mds_a: MDS, sms_provider: FakeSmsProvider
) -> None:
    sms_provider.statuses = [400]
    receipt = _deliver(_reminder(person(mds_a)))
    assert (receipt.status, receipt.attempts) == (ReceiptStatus.FAILED, 1)
    assert receipt.error == "Refusé par le fournisseur SMS (HTTP 400)."
    assert len(sms_provider.requests) == 1


@pytest.mark.django_db
def test_a_provider_down_is_retried_a_bounded_number_of_times(
    mds_a: MDS, sms_provider: FakeSmsProvider
) -> None:
    sms_provider.statuses = [503] * 10
    receipt = _reminder(person(mds_a))
    row = OutboxMessage.objects.get()
    for attempt in range(1, services.MAX_ATTEMPTS + 1):
        outbox.run(row.pk)
        receipt.refresh_from_db()
        row.refresh_from_db()
        assert receipt.attempts == attempt
        if attempt < services.MAX_ATTEMPTS:
            assert receipt.status == ReceiptStatus.QUEUED
            assert row.status == OutboxStatus.PENDING
            assert row.next_attempt_at > timezone.now()  # backoff before the next try
    assert receipt.status == ReceiptStatus.FAILED
    assert "Abandon après 3 essais" in receipt.error
    assert row.status == OutboxStatus.DONE
    # no crash loop: neither the sweeper nor a duplicate delivery tries again
    assert outbox.sweep(now=timezone.now() + dt.timedelta(days=1)) == 0
    outbox.run(row.pk)
    assert len(sms_provider.requests) == services.MAX_ATTEMPTS


@pytest.mark.django_db
def test_a_provider_back_after_one_failure_sends_on_the_retry(
    mds_a: MDS, sms_provider: FakeSmsProvider
) -> None:
    sms_provider.statuses = [503]
    receipt = _reminder(person(mds_a))
    row = OutboxMessage.objects.get()
    outbox.run(row.pk)
    outbox.run(row.pk)
    receipt.refresh_from_db()
    assert (receipt.status, receipt.attempts, receipt.error) == (ReceiptStatus.SENT, 2, "")


@pytest.mark.django_db
def test_an_unconfigured_sms_provider_fails_with_a_clear_reason(
    mds_a: MDS, sms_provider: FakeSmsProvider, settings: Any
) -> None:
    settings.SMS_HTTP_URL = ""
    receipt = _deliver(_reminder(person(mds_a)))
    assert receipt.error == "Fournisseur SMS non configuré (SMS_HTTP_URL)."


@pytest.mark.django_db
def test_messages_carry_no_sensitive_content() -> None:
    from notifications.messages import TEXTS

    for kind in TEXTS.values():
        for _subject, body in kind.values():
            assert len(body) <= 200
            for word in ("RSA", "CAF", "mot de passe", "dette", "santé"):
                assert word.lower() not in body.lower()


@pytest.mark.django_db
def test_receipts_are_read_only_in_the_admin(client_as: Any, mds_a: MDS) -> None:
    services.notify(
        kind=Kind.APPOINTMENT, dedup_key="k", context=CONTEXT, usager=person(mds_a), mds=mds_a
    )
    client = client_as(Role.ADMIN)
    response = client.get("/admin/notifications/receipt/")
    assert response.status_code == 200
    assert "Rappel de rendez-vous (J-1)" in response.content.decode()
    assert client.get("/admin/notifications/receipt/add/").status_code == 403
