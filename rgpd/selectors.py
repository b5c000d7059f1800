"""Reads of the vault and of the DPO's pages (scoped through mds.permissions)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone

from accompagnement.models import Usager
from accompagnement.selectors import search_usagers  # noqa: F401 (the one usager search)
from mds.models import User
from mds.permissions import scope
from mds.roles import Role

from .models import (
    Consent,
    ConsentPurpose,
    JournalEntry,
    ScannedDocument,
    TemporaryCredential,
)


def vault_usagers(user: User | AnonymousUser | None) -> QuerySet[Usager]:
    """The people whose vault the mediator may open: those of their MDS."""
    return scope(Usager.objects.select_related("mds"), user, Role.MEDIATEUR)


def all_usagers_for_dpo(user: User | AnonymousUser | None) -> QuerySet[Usager]:
    return scope(Usager.objects.select_related("mds"), user, Role.DPO)


@dataclass(frozen=True)
class PersonVault:
    usager: Usager
    consents: list[Consent]
    credentials: list[TemporaryCredential]
    documents: list[ScannedDocument]
    purposes: list[ConsentPurpose]

    @property
    def live_purpose_codes(self) -> set[str]:
        return {consent.purpose.code for consent in self.consents if consent.is_live()}


def person_vault(*, usager: Usager) -> PersonVault:
    consents = list(
        Consent.objects.filter(usager=usager)
        .select_related("purpose", "text", "witnessed_by", "withdrawn_by")
        .order_by("-given_at")
    )
    credentials = list(
        TemporaryCredential.objects.filter(usager=usager)
        .select_related("secret", "consent")
        .order_by("-created_at")
    )
    documents = list(
        ScannedDocument.objects.filter(usager=usager)
        .select_related("secret", "consent")
        .order_by("-created_at")
    )
    purposes = list(ConsentPurpose.objects.filter(is_active=True))
    return PersonVault(usager, consents, credentials, documents, purposes)


def recent_journal(
    *, limit: int = 100, target_type: str = "", target_id: str = ""
) -> list[JournalEntry]:
    entries = JournalEntry.objects.select_related("actor", "mds").order_by("-seq")
    if target_type:
        entries = entries.filter(target_type=target_type)
    if target_id:
        entries = entries.filter(target_id=target_id)
    return list(entries[:limit])


def live_secret_counts() -> dict[str, int]:
    now = timezone.now()
    alive = {"secret__destroyed_at__isnull": True, "secret__expires_at__gt": now}
    return {
        "credentials": TemporaryCredential.objects.filter(**alive).count(),
        "documents": ScannedDocument.objects.filter(**alive).count(),
    }
