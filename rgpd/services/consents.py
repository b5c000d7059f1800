"""Consents: record one on the exact text shown, withdraw one (what depended on it is destroyed)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mds.idempotency import create_once
from mds.models import User
from mds.permissions import can_act_in, has_role
from mds.roles import Role

from .. import journal
from ..models import (
    Consent,
    ConsentMethod,
    ConsentPurpose,
    ConsentSignature,
    ConsentText,
    JournalAction,
    JournalReason,
)
from ..rules import VAULT_ROLE, Person
from ..selectors.consents import dependents
from ..signatures import clean_signature_png
from .secrets import check_choice, destroy_item, require_vault_role


@transaction.atomic
def record_consent(
    *,
    actor: User,
    usager: Person,
    purpose_code: str,
    method: str,
    text: ConsentText | None = None,
    validity_days: int | None = None,
    idempotency_key: uuid.UUID | None = None,
    signature_png: bytes | None = None,
) -> Consent:
    """Record a consent given now, on the current (or given) text of the purpose.

    With the method "signature sur la tablette", ``signature_png`` (the drawing, PNG) is
    required, checked (:func:`rgpd.signatures.clean_signature_png`) and kept encrypted with the
    consent; with another method it is ignored. Idempotent on ``idempotency_key``: a double
    submit returns the consent recorded first (and its signature, not a second one)."""
    require_vault_role(actor, usager.mds_id)
    purpose = ConsentPurpose.objects.filter(code=purpose_code, is_active=True).first()
    if purpose is None:
        raise ValidationError({"purpose": _("Finalité inconnue.")}, code="unknown_purpose")
    check_choice(method, ConsentMethod.values, "method", _("Mode de recueil inconnu."))
    shown = text or purpose.current_text()
    if shown is None or shown.purpose_id != purpose.pk:
        raise ValidationError(
            {"purpose": _("Aucun texte de consentement pour cette finalité.")}, code="no_text"
        )
    signature: bytes | None = None
    if method == ConsentMethod.TABLET_SIGNATURE:
        if not signature_png:
            raise ValidationError(
                {
                    "signature": _(
                        "Faites signer la personne dans le cadre, ou choisissez « Oral, devant "
                        "témoin »."
                    )
                },
                code="signature_required",
            )
        signature = clean_signature_png(signature_png)
    now = timezone.now()
    days = validity_days if validity_days is not None else purpose.default_validity_days
    if days is not None and not 1 <= int(days) <= 3650:
        raise ValidationError(
            {"validity_days": _("Durée de validité invalide.")}, code="invalid_validity"
        )

    def create() -> Consent:
        consent = Consent.objects.create(
            usager_id=usager.pk,
            mds_id=usager.mds_id,
            purpose=purpose,
            text=shown,
            text_sha256=shown.sha256,
            method=method,
            given_at=now,
            witnessed_by=actor,
            expires_at=now + dt.timedelta(days=int(days)) if days is not None else None,
            idempotency_key=idempotency_key,
        )
        if signature is not None:
            drawn = ConsentSignature(id=uuid.uuid4(), consent=consent, size=len(signature))
            drawn.set_encrypted("image", signature)
            drawn.save(force_insert=True)
        journal.record(
            actor=actor,
            action=JournalAction.CONSENT_GIVEN,
            target_type="consent",
            target_id=consent.pk,
            mds=usager.mds,
        )
        return consent

    same = {
        "usager_id": usager.pk,
        "purpose_id": purpose.pk,
        "witnessed_by_id": actor.pk,
        "method": method,
    }
    return create_once(Consent, idempotency_key, create, same=same)[0]


@transaction.atomic
def withdraw_consent(
    *, actor: User, consent: Consent, reason: str = JournalReason.CONSENT_WITHDRAWN
) -> int:
    """Withdraw a consent; what depended on it is destroyed at once. Returns how many secrets."""
    if not (can_act_in(actor, consent.mds_id, VAULT_ROLE) or has_role(actor, Role.DPO)):
        raise PermissionDenied(_("Réservé aux médiateurs de la MDS de la personne."))
    locked = Consent.objects.select_for_update().get(pk=consent.pk)
    destroyed = 0
    if locked.withdrawn_at is None:
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_by = actor
        locked.save(update_fields=["withdrawn_at", "withdrawn_by"])
        journal.record(
            actor=actor,
            action=JournalAction.CONSENT_WITHDRAWN,
            target_type="consent",
            target_id=locked.pk,
            reason=reason,
            mds=locked.mds,
        )
    for item in dependents(locked):
        destroyed += destroy_item(item, actor=actor, reason=JournalReason.CONSENT_WITHDRAWN)
    consent.withdrawn_at, consent.withdrawn_by = locked.withdrawn_at, locked.withdrawn_by
    return destroyed


def read_signature(*, actor: User, consent: Consent) -> bytes:
    """The PNG of a consent's signature, decrypted for ``actor``; the read is journaled in the
    same transaction (no image without its journal entry). ``ConsentSignature.DoesNotExist``
    when there is none or it was destroyed."""
    require_vault_role(actor, consent.mds_id)
    with transaction.atomic():
        signature = ConsentSignature.objects.get(consent=consent, destroyed_at__isnull=True)
        journal.record(
            actor=actor,
            action=JournalAction.VIEW_SIGNATURE,
            target_type="consent",
            target_id=consent.pk,
            mds=consent.mds,
        )
        return signature.get_encrypted("image")
