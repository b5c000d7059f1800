"""Vault services: consent rules, credential storage and reveal, documents, withdrawal, purge."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError
from django.utils import timezone

from accompagnement.models import Usager
from mds.models import MDS, User
from mds.roles import Role
from rgpd.models import (
    JournalAction,
    JournalEntry,
    JournalReason,
    PurposeCode,
    ScannedDocument,
    Secret,
    TemporaryCredential,
)
from rgpd.rules import VaultRefused
from rgpd.selectors.reads import journal_read
from rgpd.services import consents, credentials, documents, purge
from rgpd.tasks import purge_expired_secrets
from tests.accompagnement.factories import UsagerFactory
from tests.rgpd.factories import PNG_BYTES, make_consent, make_credential, make_document

pytestmark = pytest.mark.usefixtures("consent_purposes")


@pytest.fixture
def mediator(member: Callable[..., User]) -> User:
    return member(Role.MEDIATEUR)


@pytest.fixture
def usager(mds_a: MDS) -> Usager:
    return UsagerFactory(mds=mds_a, display_name="Fatima")


def _store(mediator: User, usager: Usager, **kwargs: object) -> TemporaryCredential:
    values: dict[str, object] = {
        "service": "caf",
        "identifier": "fatima.caf",
        "secret": "Secret-123",
    }
    values.update(kwargs)
    return credentials.store_credential(actor=mediator, usager=usager, **values)  # type: ignore[arg-type]


def _last(action: str) -> JournalEntry:
    entry = JournalEntry.objects.filter(action=action).order_by("-seq").first()
    assert entry is not None, action
    return entry


def test_recording_a_consent_keeps_the_exact_text_hash_and_journals_it(
    mediator: User, usager: Usager
) -> None:
    consent = consents.record_consent(
        actor=mediator,
        usager=usager,
        purpose_code=PurposeCode.CREDENTIAL,
        method="oral_witnessed",
    )
    assert consent.text_sha256 == consent.text.sha256 and len(consent.text_sha256) == 64
    assert consent.witnessed_by == mediator and consent.is_live()
    assert _last(JournalAction.CONSENT_GIVEN).target_id == str(consent.pk)


def test_unknown_purpose_is_refused_with_a_french_message(mediator: User, usager: Usager) -> None:
    with pytest.raises(ValidationError) as excinfo:
        consents.record_consent(
            actor=mediator,
            usager=usager,
            purpose_code="vendre-mes-donnees",
            method="oral_witnessed",
        )
    assert "Finalité inconnue" in str(excinfo.value)


def test_storing_a_credential_without_a_live_consent_is_refused(
    mediator: User, usager: Usager
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        _store(mediator, usager)
    assert "consentement" in str(excinfo.value)
    assert not Secret.objects.exists()


def test_stored_credential_is_encrypted_identifier_included(mediator: User, usager: Usager) -> None:
    make_consent(usager)
    credential = _store(mediator, usager)
    raw = bytes(Secret.objects.get(pk=credential.secret_id).payload)
    assert b"fatima.caf" not in raw and b"Secret-123" not in raw
    assert credential.secret.expires_at - timezone.now() > dt.timedelta(days=6, hours=23)
    assert _last(JournalAction.STORE_CREDENTIAL).target_id == str(credential.pk)


def test_credential_ttl_beyond_the_hard_maximum_is_refused(mediator: User, usager: Usager) -> None:
    make_consent(usager)
    with pytest.raises(ValidationError) as excinfo:
        _store(mediator, usager, ttl_days=31)
    assert "de 1 à 30 jours" in str(excinfo.value)


def test_credential_expiry_never_outlives_the_consent(mediator: User, usager: Usager) -> None:
    ends = timezone.now() + dt.timedelta(days=2)
    make_consent(usager, expires_at=ends)
    credential = _store(mediator, usager, ttl_days=7)
    assert credential.secret.expires_at == ends


def test_mediator_of_another_mds_cannot_store(
    member: Callable[..., User], usager: Usager, mds_b: MDS
) -> None:
    make_consent(usager)
    with pytest.raises(PermissionDenied):
        _store(member(Role.MEDIATEUR, mds_b), usager)


def test_reveal_with_a_reason_returns_the_secret_and_journals_it(
    mediator: User, usager: Usager
) -> None:
    credential = make_credential(usager, identifier="id-1", secret="pw-1")
    revealed = credentials.reveal_credential(
        actor=mediator,
        credential=credential,
        reason=JournalReason.PERSON_PRESENT,
        recently_reauthenticated=True,
    )
    assert (revealed.identifier, revealed.secret) == ("id-1", "pw-1")
    assert "pw-1" not in repr(revealed)
    entry = _last(JournalAction.REVEAL_CREDENTIAL)
    assert (entry.actor, entry.reason, entry.target_id) == (
        mediator,
        JournalReason.PERSON_PRESENT,
        str(credential.pk),
    )


def test_reveal_reason_must_come_from_the_list(mediator: User, usager: Usager) -> None:
    credential = make_credential(usager)
    with pytest.raises(ValidationError):
        credentials.reveal_credential(
            actor=mediator, credential=credential, reason="curiosité", recently_reauthenticated=True
        )


def _assert_refused(
    mediator: User, credential: TemporaryCredential, code: str, *, reauth: bool = True
) -> None:
    with pytest.raises(VaultRefused) as excinfo:
        credentials.reveal_credential(
            actor=mediator,
            credential=credential,
            reason=JournalReason.ONGOING_PROCEDURE,
            recently_reauthenticated=reauth,
        )
    assert excinfo.value.reason == code
    entry = _last(JournalAction.REVEAL_REFUSED)
    assert (entry.reason, entry.target_id, entry.actor) == (code, str(credential.pk), mediator)
    assert not JournalEntry.objects.filter(action=JournalAction.REVEAL_CREDENTIAL).exists()


def test_reveal_without_consent_is_refused_and_journaled_as_refused(
    mediator: User, usager: Usager
) -> None:
    credential = make_credential(usager)
    consent = credential.consent
    consent.withdrawn_at = timezone.now()
    consent.save()
    _assert_refused(mediator, credential, JournalReason.REFUSED_NO_CONSENT)


def test_reveal_after_expiry_is_refused_and_journaled_as_refused(
    mediator: User, usager: Usager
) -> None:
    credential = make_credential(usager)
    Secret.objects.filter(pk=credential.secret_id).update(
        created_at=timezone.now() - dt.timedelta(days=9),
        expires_at=timezone.now() - dt.timedelta(days=1),
    )
    _assert_refused(mediator, credential, JournalReason.REFUSED_EXPIRED)


def test_reveal_without_recent_reauthentication_is_refused_and_journaled(
    mediator: User, usager: Usager
) -> None:
    credential = make_credential(usager)
    _assert_refused(mediator, credential, JournalReason.REFUSED_NO_REAUTH, reauth=False)


def test_reveal_from_another_mds_is_refused_and_journaled(
    member: Callable[..., User], usager: Usager, mds_b: MDS
) -> None:
    credential = make_credential(usager)
    _assert_refused(member(Role.MEDIATEUR, mds_b), credential, JournalReason.REFUSED_OTHER_MDS)


def test_reveal_when_the_journal_insert_fails_returns_no_secret(
    mediator: User, usager: Usager
) -> None:
    credential = make_credential(usager, secret="ne-doit-pas-sortir")
    with (
        mock.patch.object(JournalEntry, "save", side_effect=DatabaseError("journal en panne")),
        pytest.raises(DatabaseError),
    ):
        credentials.reveal_credential(
            actor=mediator,
            credential=credential,
            reason=JournalReason.PERSON_PRESENT,
            recently_reauthenticated=True,
        )
    credential.refresh_from_db()
    assert credential.handed_over_at is None


def test_hand_over_reveal_is_journaled_as_a_hand_over(mediator: User, usager: Usager) -> None:
    credential = make_credential(usager)
    credentials.reveal_credential(
        actor=mediator,
        credential=credential,
        reason=JournalReason.HAND_OVER,
        recently_reauthenticated=True,
    )
    credential.refresh_from_db()
    assert credential.handed_over_at is not None
    assert _last(JournalAction.HAND_OVER_CREDENTIAL).target_id == str(credential.pk)


def test_destroying_a_credential_shreds_ciphertext_and_wrapped_key(
    mediator: User, usager: Usager
) -> None:
    credential = make_credential(usager)
    credentials.destroy_credential(actor=mediator, credential=credential)
    secret = Secret.objects.get(pk=credential.secret_id)
    assert secret.is_shredded and not bytes(secret.payload) and secret.destroyed_at
    assert _last(JournalAction.DESTROY_SECRET).reason == JournalReason.HAND_OVER


def test_withdrawing_consent_destroys_what_depended_on_it_at_once(
    mediator: User, usager: Usager
) -> None:
    consent = make_consent(usager)
    credential = make_credential(usager, consent=consent)
    other = make_credential(usager)  # another consent: kept
    assert consents.withdraw_consent(actor=mediator, consent=consent) == 1
    assert Secret.objects.get(pk=credential.secret_id).is_shredded
    assert not Secret.objects.get(pk=other.secret_id).is_shredded
    assert _last(JournalAction.CONSENT_WITHDRAWN).target_id == str(consent.pk)
    destroyed = _last(JournalAction.DESTROY_SECRET)
    assert (destroyed.target_id, destroyed.reason) == (
        str(credential.pk),
        JournalReason.CONSENT_WITHDRAWN,
    )


def test_document_is_stored_encrypted_with_its_sniffed_type(mediator: User, usager: Usager) -> None:
    make_consent(usager, PurposeCode.DOCUMENT)
    document = documents.store_document(
        actor=mediator, usager=usager, kind="address", content=PNG_BYTES
    )
    assert document.content_type == "image/png"
    assert document.secret.expires_at - timezone.now() > dt.timedelta(hours=71)
    assert bytes(Secret.objects.get(pk=document.secret_id).payload) != PNG_BYTES


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"MZ\x90\x00 not a document", "Format non accepté"),
        (b"", "vide"),
        (b"%PDF-" + b"x" * (10 * 1024 * 1024), "trop volumineux"),
    ],
    ids=["executable", "empty", "oversize"],
)
def test_wrong_type_or_oversize_document_is_refused(
    mediator: User, usager: Usager, content: bytes, message: str
) -> None:
    make_consent(usager, PurposeCode.DOCUMENT)
    with pytest.raises(ValidationError) as excinfo:
        documents.store_document(actor=mediator, usager=usager, kind="other", content=content)
    assert message in str(excinfo.value)
    assert not ScannedDocument.objects.exists()


def test_document_ttl_beyond_30_days_is_refused(mediator: User, usager: Usager) -> None:
    make_consent(usager, PurposeCode.DOCUMENT)
    with pytest.raises(ValidationError):
        documents.store_document(
            actor=mediator, usager=usager, kind="other", content=PNG_BYTES, ttl_hours=721
        )


def test_document_download_is_journaled(mediator: User, usager: Usager) -> None:
    document = make_document(usager)
    downloaded = documents.download_document(
        actor=mediator,
        document=document,
        reason=JournalReason.ONGOING_PROCEDURE,
        recently_reauthenticated=True,
    )
    assert downloaded.content == PNG_BYTES
    assert _last(JournalAction.DOWNLOAD_DOCUMENT).target_id == str(document.pk)


def test_purge_shreds_expired_and_unconsented_secrets_and_journals_it(usager: Usager) -> None:
    expired = make_credential(usager)
    Secret.objects.filter(pk=expired.secret_id).update(
        created_at=timezone.now() - dt.timedelta(days=9),
        expires_at=timezone.now() - dt.timedelta(minutes=1),
    )
    orphan = make_document(usager)
    orphan.consent.__class__.objects.filter(pk=orphan.consent_id).update(
        withdrawn_at=timezone.now()
    )
    alive = make_credential(usager)
    report = purge.purge_expired_secrets()
    assert (report.expired, report.without_consent) == (1, 1)
    for item in (expired, orphan):
        secret = Secret.objects.get(pk=item.secret_id)
        assert secret.is_shredded and not bytes(secret.payload)
    assert not Secret.objects.get(pk=alive.secret_id).is_shredded
    assert _last(JournalAction.PURGE_EXPIRED).target_id == "2"
    assert purge.purge_expired_secrets().total == 0  # idempotent


def test_purge_task_calls_the_service(usager: Usager) -> None:
    assert purge_expired_secrets.apply().get() == {"expired": 0, "without_consent": 0}


def test_journal_read_records_who_viewed_the_person(mediator: User, usager: Usager) -> None:
    journal_read(actor=mediator, target=usager)
    entry = _last(JournalAction.VIEW_PERSON)
    assert (entry.target_type, entry.target_id, entry.mds_id) == (
        "usager",
        str(usager.pk),
        usager.mds_id,
    )
