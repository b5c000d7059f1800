"""Temporary credentials: stored encrypted with a live consent, revealed with a reason
(journaled), refused and journaled otherwise, destroyed."""

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
    Secret,
    TemporaryCredential,
)
from rgpd.rules import VaultRefused
from rgpd.services import credentials
from tests.accompagnement.factories import UsagerFactory
from tests.rgpd.factories import make_consent, make_credential

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
