"""Temporary credentials: kept encrypted for a few days with a live consent, revealed with a
reason (journaled in the same transaction), destroyed by hand, at expiry or on withdrawal."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from mds.idempotency import create_once
from mds.models import User

from .. import journal
from ..models import (
    CredentialService,
    JournalAction,
    JournalReason,
    PurposeCode,
    SecretKind,
    TemporaryCredential,
)
from ..retention import credential_ttl_days, credential_ttl_max_days
from ..rules import DESTROY_REASONS, REVEAL_REASONS, Person, VaultRefused
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
class RevealedCredential:
    """Identifier and secret in clear, for one response only. ``repr`` never shows them."""

    credential: TemporaryCredential
    identifier: str
    secret: str

    def __repr__(self) -> str:
        return f"RevealedCredential({self.credential.pk})"


@sensitive_variables()
@transaction.atomic
def store_credential(
    *,
    actor: User,
    usager: Person,
    service: str,
    identifier: str,
    secret: str,
    ttl_days: int | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> TemporaryCredential:
    """Keep identifiers for a few days, only with the person's live consent for this purpose.

    Idempotent on ``idempotency_key``: a double submit keeps one copy, not two."""
    require_vault_role(actor, usager.mds_id)
    check_choice(service, CredentialService.values, "service", _("Service inconnu."))
    identifier, secret = (identifier or "").strip(), secret or ""
    errors: dict[str, str] = {}
    if not identifier or len(identifier) > 254:
        errors["identifier"] = _("Indiquez l'identifiant (254 caractères au plus).")
    if not secret or len(secret) > 500:
        errors["secret"] = _("Indiquez le mot de passe ou code (500 caractères au plus).")
    days = credential_ttl_days() if ttl_days is None else ttl_days
    if not isinstance(days, int) or not 1 <= days <= credential_ttl_max_days():
        errors["ttl_days"] = _("Durée de conservation : de 1 à %(max)d jours.") % {
            "max": credential_ttl_max_days()
        }
    if errors:
        raise ValidationError(errors, code="invalid")
    consent = require_consent(usager, PurposeCode.CREDENTIAL)
    payload = json.dumps({"identifier": identifier, "secret": secret}).encode()

    def create() -> TemporaryCredential:
        vault_secret = new_secret(
            kind=SecretKind.CREDENTIAL,
            mds_id=usager.mds_id,
            actor=actor,
            expires_at=expiry(consent, dt.timedelta(days=days)),
            payload=payload,
        )
        credential = TemporaryCredential.objects.create(
            usager_id=usager.pk,
            mds_id=usager.mds_id,
            consent=consent,
            secret=vault_secret,
            service=service,
            created_by=actor,
            idempotency_key=idempotency_key,
        )
        journal.record(
            actor=actor,
            action=JournalAction.STORE_CREDENTIAL,
            target_type="credential",
            target_id=credential.pk,
            mds=usager.mds,
        )
        return credential

    same = {"usager_id": usager.pk, "service": service, "created_by_id": actor.pk}
    credential = create_once(
        TemporaryCredential,
        idempotency_key,
        create,
        same=same,
        check=lambda found: found.secret.destroyed_at is None and found.secret.reveal() == payload,
    )[0]
    return credential


@sensitive_variables()
def reveal_credential(
    *,
    actor: User,
    credential: TemporaryCredential,
    reason: str,
    recently_reauthenticated: bool,
) -> RevealedCredential:
    """Decrypt a credential for the actor, with a reason; journaled in the same transaction.

    Refused (and journaled as refused) without a recent re-authentication, from another MDS,
    after expiry or without a live consent. If the journal write fails, nothing is returned.
    A reveal with the reason "remise à la personne" is journaled as a hand-over.
    """
    check_choice(reason, REVEAL_REASONS, "reason", _("Choisissez un motif dans la liste."))
    refused = ""
    with transaction.atomic():
        locked = (
            TemporaryCredential.objects.select_related("secret", "consent", "mds")
            .select_for_update(of=("self",))
            .get(pk=credential.pk)
        )
        refused = refusal(
            locked,
            actor=actor,
            recently_reauthenticated=recently_reauthenticated,
            purpose_code=PurposeCode.CREDENTIAL,
        )
        if not refused:
            hand_over = reason == JournalReason.HAND_OVER
            journal.record(
                actor=actor,
                action=(
                    JournalAction.HAND_OVER_CREDENTIAL
                    if hand_over
                    else JournalAction.REVEAL_CREDENTIAL
                ),
                target_type="credential",
                target_id=locked.pk,
                reason=reason,
                mds=locked.mds,
            )
            if hand_over:
                locked.handed_over_at = timezone.now()
                locked.save(update_fields=["handed_over_at"])
            data = json.loads(locked.secret.reveal())
            revealed = RevealedCredential(
                credential=locked, identifier=data["identifier"], secret=data["secret"]
            )
    if refused:
        journal_refusal(locked, actor=actor, refusal=refused)
        raise VaultRefused(refused)
    return revealed


@transaction.atomic
def destroy_credential(
    *, actor: User, credential: TemporaryCredential, reason: str = JournalReason.HAND_OVER
) -> bool:
    """Destroy a credential now (after handing it over, or on request)."""
    require_vault_role(actor, credential.mds_id)
    check_choice(reason, DESTROY_REASONS, "reason", _("Choisissez un motif dans la liste."))
    return destroy_item(credential, actor=actor, reason=reason)
