"""Reads of consents: the live one for a purpose, and what depends on one."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from ..models import Consent, ConsentSignature, ScannedDocument, TemporaryCredential
from ..rules import Person


def live_consent(*, usager: Person | int, purpose_code: str) -> Consent | None:
    """The most recent live consent of the person for this purpose, if any."""
    now = timezone.now()
    usager_id = usager if isinstance(usager, int) else usager.pk
    return (
        Consent.objects.filter(
            usager_id=usager_id, purpose__code=purpose_code, withdrawn_at__isnull=True
        )
        .filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now))
        .order_by("-given_at")
        .first()
    )


def dependents(consent: Consent) -> list[TemporaryCredential | ScannedDocument]:
    """The secrets still kept under ``consent`` (destroyed if it is withdrawn)."""
    items: list[TemporaryCredential | ScannedDocument] = []
    items.extend(TemporaryCredential.objects.filter(consent=consent, secret__destroyed_at=None))
    items.extend(ScannedDocument.objects.filter(consent=consent, secret__destroyed_at=None))
    return items


def has_signature(consent: Consent) -> bool:
    """Whether the consent still has its tablet signature (not yet destroyed by the purge)."""
    return ConsentSignature.objects.filter(consent=consent, destroyed_at__isnull=True).exists()
