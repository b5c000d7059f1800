"""Who may act on the vault, with which reasons, and the refusal raised otherwise.

Shared by the selectors (``access_*`` helpers), the services and the forms, so it sits below
all three.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.core.exceptions import PermissionDenied

from mds.models import MDS
from mds.roles import Role

from .models import JournalReason


class Person(Protocol):
    """The person the vault keeps things for (``accompagnement.Usager``, never imported here:
    the vault's foreign keys name it by label)."""

    pk: Any
    mds_id: int
    mds: MDS


#: The role that keeps secrets for the people it helps.
VAULT_ROLE = Role.MEDIATEUR

#: Reasons a mediator may give to reveal a credential or download a document.
REVEAL_REASONS: tuple[str, ...] = (
    JournalReason.PERSON_PRESENT,
    JournalReason.ONGOING_PROCEDURE,
    JournalReason.HAND_OVER,
)
#: Reasons for destroying a secret by hand.
DESTROY_REASONS: tuple[str, ...] = (
    JournalReason.HAND_OVER,
    JournalReason.PERSON_PRESENT,
    JournalReason.ONGOING_PROCEDURE,
)


class VaultRefused(PermissionDenied):
    """An access to a vault object refused (and journaled); ``reason`` is the journal code."""

    MESSAGES: dict[str, str] = {
        JournalReason.REFUSED_NO_CONSENT: "Le consentement de la personne n'est plus en cours : "
        "le secret ne peut pas être affiché.",
        JournalReason.REFUSED_EXPIRED: "Ce secret a expiré ou a été détruit.",
        JournalReason.REFUSED_NO_REAUTH: "Confirmez d'abord votre identité (ré-authentification "
        "récente requise).",
        JournalReason.REFUSED_OTHER_MDS: "Ce secret appartient à une autre MDS.",
        JournalReason.REFUSED_NO_ROLE: "Le coffre est réservé aux médiateurs de la MDS de la "
        "personne.",
    }

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(self.MESSAGES.get(reason, "Accès refusé."))

    @property
    def message(self) -> str:
        return str(self.args[0])
