"""Scanned documents: stored encrypted with their sniffed type, bounded, downloads journaled."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
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
)
from rgpd.services import documents
from tests.accompagnement.factories import UsagerFactory
from tests.rgpd.factories import PNG_BYTES, make_consent, make_document

pytestmark = pytest.mark.usefixtures("consent_purposes")


@pytest.fixture
def mediator(member: Callable[..., User]) -> User:
    return member(Role.MEDIATEUR)


@pytest.fixture
def usager(mds_a: MDS) -> Usager:
    return UsagerFactory(mds=mds_a, display_name="Fatima")


def _last(action: str) -> JournalEntry:
    entry = JournalEntry.objects.filter(action=action).order_by("-seq").first()
    assert entry is not None, action
    return entry


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
