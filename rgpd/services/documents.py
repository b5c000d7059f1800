"""Scanned documents: encrypted straight from the tablet (never in clear on disk), downloaded
with a reason (journaled in the same transaction), destroyed by hand, at expiry or on withdrawal."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from mds.idempotency import create_once
from mds.models import User

from .. import journal
from ..models import (
    DocumentKind,
    JournalAction,
    JournalReason,
    PurposeCode,
    ScannedDocument,
    SecretKind,
)
from ..retention import document_ttl_hours, document_ttl_max_hours
from ..rules import DESTROY_REASONS, REVEAL_REASONS, Person, VaultRefused
from ..uploads import max_document_bytes, sniff_content_type
from .secrets import (
    check_choice,
    destroy_item,
    expiry,
    journal_refusal,
    new_secret,
    refusal,
    require_consent,
    require_vault_role,
)


@dataclass(frozen=True, repr=False)
class DownloadedDocument:
    document: ScannedDocument
    content: bytes

    @property
    def filename(self) -> str:
        return f"document-{str(self.document.pk)[:8]}.{self.document.extension}"

    def __repr__(self) -> str:
        return f"DownloadedDocument({self.document.pk})"


@sensitive_variables()
@transaction.atomic
def store_document(
    *,
    actor: User,
    usager: Person,
    kind: str,
    content: bytes,
    ttl_hours: int | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> ScannedDocument:
    """Encrypt a photographed or uploaded document (PDF, JPEG, PNG), with a live consent.

    Idempotent on ``idempotency_key``: a double submit keeps one copy, not two."""
    require_vault_role(actor, usager.mds_id)
    check_choice(kind, DocumentKind.values, "kind", _("Type de document inconnu."))
    errors: dict[str, str] = {}
    content_type = sniff_content_type(content)
    if not content:
        errors["file"] = _("Le fichier est vide.")
    elif len(content) > max_document_bytes():
        errors["file"] = _("Fichier trop volumineux : %(max)d Mo au plus.") % {
            "max": max_document_bytes() // (1024 * 1024)
        }
    elif content_type is None:
        errors["file"] = _("Format non accepté : photo JPEG ou PNG, ou document PDF seulement.")
    hours = document_ttl_hours() if ttl_hours is None else ttl_hours
    if not isinstance(hours, int) or not 1 <= hours <= document_ttl_max_hours():
        errors["ttl_hours"] = _("Durée de conservation : de 1 à %(max)d heures.") % {
            "max": document_ttl_max_hours()
        }
    if errors:
        raise ValidationError(errors, code="invalid")
    assert content_type is not None
    consent = require_consent(usager, PurposeCode.DOCUMENT)

    def create() -> ScannedDocument:
        vault_secret = new_secret(
            kind=SecretKind.DOCUMENT,
            mds_id=usager.mds_id,
            actor=actor,
            expires_at=expiry(consent, dt.timedelta(hours=hours)),
            payload=content,
        )
        document = ScannedDocument.objects.create(
            usager_id=usager.pk,
            mds_id=usager.mds_id,
            consent=consent,
            secret=vault_secret,
            kind=kind,
            content_type=content_type,
            size=len(content),
            created_by=actor,
            idempotency_key=idempotency_key,
        )
        journal.record(
            actor=actor,
            action=JournalAction.STORE_DOCUMENT,
            target_type="document",
            target_id=document.pk,
            mds=usager.mds,
        )
        return document

    same = {"usager_id": usager.pk, "kind": kind, "created_by_id": actor.pk}
    return create_once(
        ScannedDocument,
        idempotency_key,
        create,
        same=same,
        check=lambda found: found.secret.destroyed_at is None and found.secret.reveal() == content,
    )[0]


@sensitive_variables()
def download_document(
    *, actor: User, document: ScannedDocument, reason: str, recently_reauthenticated: bool
) -> DownloadedDocument:
    """Decrypt a document for download; same rules and journal as revealing a credential."""
    check_choice(reason, REVEAL_REASONS, "reason", _("Choisissez un motif dans la liste."))
    refused = ""
    with transaction.atomic():
        locked = (
            ScannedDocument.objects.select_related("secret", "consent", "mds")
            .select_for_update(of=("self",))
            .get(pk=document.pk)
        )
        refused = refusal(
            locked,
            actor=actor,
            recently_reauthenticated=recently_reauthenticated,
            purpose_code=PurposeCode.DOCUMENT,
        )
        if not refused:
            journal.record(
                actor=actor,
                action=JournalAction.DOWNLOAD_DOCUMENT,
                target_type="document",
                target_id=locked.pk,
                reason=reason,
                mds=locked.mds,
            )
            downloaded = DownloadedDocument(document=locked, content=locked.secret.reveal())
    if refused:
        journal_refusal(locked, actor=actor, refusal=refused)
        raise VaultRefused(refused)
    return downloaded


@transaction.atomic
def destroy_document(
    *, actor: User, document: ScannedDocument, reason: str = JournalReason.PERSON_PRESENT
) -> bool:
    require_vault_role(actor, document.mds_id)
    check_choice(reason, DESTROY_REASONS, "reason", _("Choisissez un motif dans la liste."))
    return destroy_item(document, actor=actor, reason=reason)
