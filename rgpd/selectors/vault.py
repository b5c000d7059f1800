"""Reads of one person's vault and of the vault's totals."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from ..models import Consent, ConsentPurpose, ScannedDocument, TemporaryCredential
from ..rules import Person


@dataclass(frozen=True)
class PersonVault:
    usager: Person
    consents: list[Consent]
    credentials: list[TemporaryCredential]
    documents: list[ScannedDocument]
    purposes: list[ConsentPurpose]

    @property
    def live_purpose_codes(self) -> set[str]:
        return {consent.purpose.code for consent in self.consents if consent.is_live()}


def person_vault(*, usager: Person) -> PersonVault:
    consents = list(
        Consent.objects.filter(usager_id=usager.pk)
        .select_related("purpose", "text", "witnessed_by", "withdrawn_by")
        .order_by("-given_at")
    )
    credentials = list(
        TemporaryCredential.objects.filter(usager_id=usager.pk)
        .select_related("secret", "consent")
        .order_by("-created_at")
    )
    documents = list(
        ScannedDocument.objects.filter(usager_id=usager.pk)
        .select_related("secret", "consent")
        .order_by("-created_at")
    )
    purposes = list(ConsentPurpose.objects.filter(is_active=True))
    return PersonVault(usager, consents, credentials, documents, purposes)


def live_secret_counts() -> dict[str, int]:
    now = timezone.now()
    alive = {"secret__destroyed_at__isnull": True, "secret__expires_at__gt": now}
    return {
        "credentials": TemporaryCredential.objects.filter(**alive).count(),
        "documents": ScannedDocument.objects.filter(**alive).count(),
    }
