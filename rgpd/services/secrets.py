"""What credentials and documents share: sealing a secret, its expiry, the consent it needs,
the checks before revealing it, and its destruction (crypto-shredding), journaled."""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mds.models import User
from mds.permissions import can_act_in

from .. import journal
from ..models import (
    Consent,
    JournalAction,
    JournalReason,
    ScannedDocument,
    Secret,
    TemporaryCredential,
)
from ..rules import VAULT_ROLE, Person
from ..selectors.consents import live_consent

logger = logging.getLogger("rgpd.services")

VaultItem = TemporaryCredential | ScannedDocument


def require_vault_role(actor: User, mds_id: int) -> None:
    if not can_act_in(actor, mds_id, VAULT_ROLE):
        raise PermissionDenied(_("Réservé aux médiateurs de la MDS de la personne."))


def check_choice(value: str, allowed: tuple[str, ...] | list[str], field: str, msg: str) -> None:
    if value not in allowed:
        raise ValidationError({field: msg}, code="invalid_choice")


def target_type(item: VaultItem) -> str:
    return "credential" if isinstance(item, TemporaryCredential) else "document"


def destroy_item(item: VaultItem, *, actor: User | None, reason: str) -> bool:
    """Shred the secret of ``item`` (in the caller's transaction) and journal it."""
    secret = Secret.objects.select_for_update().get(pk=item.secret_id)
    if secret.destroyed_at is not None and secret.is_shredded:
        return False
    secret.destroy()
    journal.record(
        actor=actor,
        action=JournalAction.DESTROY_SECRET,
        target_type=target_type(item),
        target_id=item.pk,
        reason=reason,
        mds=secret.mds,
    )
    return True


def require_consent(usager: Person, purpose_code: str) -> Consent:
    consent = live_consent(usager=usager, purpose_code=purpose_code)
    if consent is None:
        raise ValidationError(
            {
                "__all__": _(
                    "Recueillez d'abord le consentement de la personne pour cette finalité."
                )
            },
            code="no_consent",
        )
    return consent


def expiry(consent: Consent, ttl: dt.timedelta) -> dt.datetime:
    expires_at = timezone.now() + ttl
    if consent.expires_at is not None:
        expires_at = min(expires_at, consent.expires_at)
    return expires_at


def new_secret(
    *, kind: str, mds_id: int, actor: User, expires_at: dt.datetime, payload: bytes
) -> Secret:
    secret = Secret(
        id=uuid.uuid4(), kind=kind, mds_id=mds_id, created_by=actor, expires_at=expires_at
    )
    secret.seal(payload)
    secret.save(force_insert=True)
    return secret


def refusal(
    item: VaultItem, *, actor: User, recently_reauthenticated: bool, purpose_code: str
) -> str:
    """The refusal code for revealing ``item`` now, or ``""`` when allowed."""
    if not can_act_in(actor, item.mds_id, VAULT_ROLE):
        return JournalReason.REFUSED_OTHER_MDS
    if not recently_reauthenticated:
        return JournalReason.REFUSED_NO_REAUTH
    if not item.consent.is_live() or not live_consent(
        usager=item.usager_id, purpose_code=purpose_code
    ):
        return JournalReason.REFUSED_NO_CONSENT
    secret = item.secret
    if secret.destroyed_at is not None or secret.is_shredded or secret.expires_at <= timezone.now():
        return JournalReason.REFUSED_EXPIRED
    return ""


def journal_refusal(item: VaultItem, *, actor: User, refusal: str) -> None:
    """Journal a refused reveal or download, in its own transaction (the refusal is raised)."""
    with transaction.atomic():
        journal.record(
            actor=actor,
            action=JournalAction.REVEAL_REFUSED,
            target_type=target_type(item),
            target_id=item.pk,
            reason=refusal,
            mds=item.mds,
        )
    logger.info("Vault access refused: %s %s (%s)", target_type(item), item.pk, refusal)
