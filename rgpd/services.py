"""The vault's services: consents, temporary credentials, scanned documents, purge, reads.

Every write is keyword-only, checks who may do it, runs in one transaction and journals itself
in that transaction (:func:`rgpd.journal.record`): if the journal write fails, the action fails.
Refusals of a reveal or a download are journaled too, in their own transaction, then raised as
:class:`VaultRefused`. Secrets never appear in an exception, a log line or the journal.

Data-subject rights (export, erasure) live in :mod:`rgpd.rights`, driven by :mod:`rgpd.register`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from accompagnement.models import Usager
from mds.idempotency import create_once
from mds.models import MDS, User
from mds.permissions import can_act_in, has_role
from mds.roles import Role

from . import journal
from .models import (
    Consent,
    ConsentMethod,
    ConsentPurpose,
    ConsentText,
    CredentialService,
    DocumentKind,
    JournalAction,
    JournalReason,
    PurposeCode,
    ScannedDocument,
    Secret,
    SecretKind,
    TemporaryCredential,
)
from .reference import PURPOSES
from .uploads import max_document_bytes, sniff_content_type

logger = logging.getLogger(__name__)

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


# --------------------------------------------------------------------------------------------
# Settings (read at use time; see docs/rgpd.md)
# --------------------------------------------------------------------------------------------


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def credential_ttl_days() -> int:
    return _setting("VAULT_CREDENTIAL_TTL_DAYS", 7)


def credential_ttl_max_days() -> int:
    return _setting("VAULT_CREDENTIAL_TTL_MAX_DAYS", 30)


def document_ttl_hours() -> int:
    return _setting("VAULT_DOCUMENT_TTL_HOURS", 72)


def document_ttl_max_hours() -> int:
    return _setting("VAULT_DOCUMENT_TTL_MAX_HOURS", 30 * 24)


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class VaultRefused(PermissionDenied):
    """A reveal or download refused (and journaled as refused); ``reason`` is the journal code."""

    MESSAGES: dict[str, str] = {
        JournalReason.REFUSED_NO_CONSENT: "Le consentement de la personne n'est plus en cours : "
        "le secret ne peut pas être affiché.",
        JournalReason.REFUSED_EXPIRED: "Ce secret a expiré ou a été détruit.",
        JournalReason.REFUSED_NO_REAUTH: "Confirmez d'abord votre identité (ré-authentification "
        "récente requise).",
        JournalReason.REFUSED_OTHER_MDS: "Ce secret appartient à une autre MDS.",
    }

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(self.MESSAGES.get(reason, "Accès refusé."))

    @property
    def message(self) -> str:
        return str(self.args[0])


def _require_vault_role(actor: User, mds_id: int) -> None:
    if not can_act_in(actor, mds_id, VAULT_ROLE):
        raise PermissionDenied(_("Réservé aux médiateurs de la MDS de la personne."))


def _check_choice(value: str, allowed: tuple[str, ...] | list[str], field: str, msg: str) -> None:
    if value not in allowed:
        raise ValidationError({field: msg}, code="invalid_choice")


# --------------------------------------------------------------------------------------------
# Reads are journaled too
# --------------------------------------------------------------------------------------------

_READ_ACTIONS: dict[type[models.Model], tuple[str, str]] = {
    Usager: (JournalAction.VIEW_PERSON, "usager"),
    Consent: (JournalAction.VIEW_CONSENT, "consent"),
    TemporaryCredential: (JournalAction.VIEW_CREDENTIAL, "credential"),
    ScannedDocument: (JournalAction.VIEW_DOCUMENT, "document"),
}


def journal_read(
    *, actor: User, target: models.Model, mds: MDS | None = None, reason: str = ""
) -> None:
    """Journal that ``actor`` viewed a personal record (person, consent, credential, document).

    Views showing such a record call it before rendering; other apps may register their models
    (e.g. a referral) with :func:`register_read_action`.
    """
    action, target_type = _READ_ACTIONS[type(target)]
    mds_id = getattr(target, "mds_id", None)
    with transaction.atomic():
        journal.record(
            actor=actor,
            action=action,
            target_type=target_type,
            target_id=str(target.pk),
            reason=reason,
            mds=mds if mds is not None else (MDS.objects.get(pk=mds_id) if mds_id else None),
        )


def register_read_action(model: type[models.Model], *, action: str, target_type: str) -> None:
    """Let another app journal reads of its model through :func:`journal_read`."""
    if action not in JournalAction.values:
        raise ValueError(f"Action de journal inconnue : {action!r}")
    _READ_ACTIONS[model] = (action, target_type)


# --------------------------------------------------------------------------------------------
# Consents
# --------------------------------------------------------------------------------------------


def seed_consent_purposes() -> None:
    """Create the purposes and their first text when missing (idempotent; demo and tests)."""
    for position, item in enumerate(PURPOSES, start=1):
        purpose, _created = ConsentPurpose.objects.get_or_create(
            code=item.code,
            defaults={
                "label": item.label,
                "default_validity_days": item.default_validity_days,
                "position": position * 10,
            },
        )
        if not purpose.texts.exists():
            ConsentText.objects.create(purpose=purpose, version=1, text=item.text)


def live_consent(*, usager: Usager | int, purpose_code: str) -> Consent | None:
    """The most recent live consent of the person for this purpose, if any."""
    now = timezone.now()
    return (
        Consent.objects.filter(usager=usager, purpose__code=purpose_code, withdrawn_at__isnull=True)
        .filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now))
        .order_by("-given_at")
        .first()
    )


@transaction.atomic
def record_consent(
    *,
    actor: User,
    usager: Usager,
    purpose_code: str,
    method: str,
    text: ConsentText | None = None,
    validity_days: int | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> Consent:
    """Record a consent given now, on the current (or given) text of the purpose.

    Idempotent on ``idempotency_key``: a double submit returns the consent recorded first."""
    _require_vault_role(actor, usager.mds_id)
    purpose = ConsentPurpose.objects.filter(code=purpose_code, is_active=True).first()
    if purpose is None:
        raise ValidationError({"purpose": _("Finalité inconnue.")}, code="unknown_purpose")
    _check_choice(method, ConsentMethod.values, "method", _("Mode de recueil inconnu."))
    shown = text or purpose.current_text()
    if shown is None or shown.purpose_id != purpose.pk:
        raise ValidationError(
            {"purpose": _("Aucun texte de consentement pour cette finalité.")}, code="no_text"
        )
    now = timezone.now()
    days = validity_days if validity_days is not None else purpose.default_validity_days
    if days is not None and not 1 <= int(days) <= 3650:
        raise ValidationError(
            {"validity_days": _("Durée de validité invalide.")}, code="invalid_validity"
        )

    def create() -> Consent:
        consent = Consent.objects.create(
            usager=usager,
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


def _destroy(
    item: TemporaryCredential | ScannedDocument, *, actor: User | None, reason: str
) -> bool:
    """Shred the secret of ``item`` (in the caller's transaction) and journal it."""
    secret = Secret.objects.select_for_update().get(pk=item.secret_id)
    if secret.destroyed_at is not None and secret.is_shredded:
        return False
    secret.destroy()
    journal.record(
        actor=actor,
        action=JournalAction.DESTROY_SECRET,
        target_type="credential" if isinstance(item, TemporaryCredential) else "document",
        target_id=item.pk,
        reason=reason,
        mds=secret.mds,
    )
    return True


def _dependents(consent: Consent) -> list[TemporaryCredential | ScannedDocument]:
    items: list[TemporaryCredential | ScannedDocument] = []
    items.extend(TemporaryCredential.objects.filter(consent=consent, secret__destroyed_at=None))
    items.extend(ScannedDocument.objects.filter(consent=consent, secret__destroyed_at=None))
    return items


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
    for item in _dependents(locked):
        destroyed += _destroy(item, actor=actor, reason=JournalReason.CONSENT_WITHDRAWN)
    consent.withdrawn_at, consent.withdrawn_by = locked.withdrawn_at, locked.withdrawn_by
    return destroyed


# --------------------------------------------------------------------------------------------
# Temporary credentials
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class RevealedCredential:
    """Identifier and secret in clear, for one response only. ``repr`` never shows them."""

    credential: TemporaryCredential
    identifier: str
    secret: str

    def __repr__(self) -> str:
        return f"RevealedCredential({self.credential.pk})"


def _require_consent(usager: Usager, purpose_code: str) -> Consent:
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


def _expiry(consent: Consent, ttl: dt.timedelta) -> dt.datetime:
    expires_at = timezone.now() + ttl
    if consent.expires_at is not None:
        expires_at = min(expires_at, consent.expires_at)
    return expires_at


def _new_secret(
    *, kind: str, mds_id: int, actor: User, expires_at: dt.datetime, payload: bytes
) -> Secret:
    secret = Secret(
        id=uuid.uuid4(), kind=kind, mds_id=mds_id, created_by=actor, expires_at=expires_at
    )
    secret.seal(payload)
    secret.save(force_insert=True)
    return secret


@sensitive_variables()
@transaction.atomic
def store_credential(
    *,
    actor: User,
    usager: Usager,
    service: str,
    identifier: str,
    secret: str,
    ttl_days: int | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> TemporaryCredential:
    """Keep identifiers for a few days, only with the person's live consent for this purpose.

    Idempotent on ``idempotency_key``: a double submit keeps one copy, not two."""
    _require_vault_role(actor, usager.mds_id)
    _check_choice(service, CredentialService.values, "service", _("Service inconnu."))
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
    consent = _require_consent(usager, PurposeCode.CREDENTIAL)
    payload = json.dumps({"identifier": identifier, "secret": secret}).encode()

    def create() -> TemporaryCredential:
        vault_secret = _new_secret(
            kind=SecretKind.CREDENTIAL,
            mds_id=usager.mds_id,
            actor=actor,
            expires_at=_expiry(consent, dt.timedelta(days=days)),
            payload=payload,
        )
        credential = TemporaryCredential.objects.create(
            usager=usager,
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


def _refusal(
    item: TemporaryCredential | ScannedDocument,
    *,
    actor: User,
    recently_reauthenticated: bool,
    purpose_code: str,
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


def _journal_refusal(
    item: TemporaryCredential | ScannedDocument, *, actor: User, refusal: str, target_type: str
) -> None:
    with transaction.atomic():
        journal.record(
            actor=actor,
            action=JournalAction.REVEAL_REFUSED,
            target_type=target_type,
            target_id=item.pk,
            reason=refusal,
            mds=item.mds,
        )
    logger.info("Vault access refused: %s %s (%s)", target_type, item.pk, refusal)


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
    _check_choice(reason, REVEAL_REASONS, "reason", _("Choisissez un motif dans la liste."))
    refusal = ""
    with transaction.atomic():
        locked = (
            TemporaryCredential.objects.select_related("secret", "consent", "mds")
            .select_for_update(of=("self",))
            .get(pk=credential.pk)
        )
        refusal = _refusal(
            locked,
            actor=actor,
            recently_reauthenticated=recently_reauthenticated,
            purpose_code=PurposeCode.CREDENTIAL,
        )
        if not refusal:
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
    if refusal:
        _journal_refusal(locked, actor=actor, refusal=refusal, target_type="credential")
        raise VaultRefused(refusal)
    return revealed


@transaction.atomic
def destroy_credential(
    *, actor: User, credential: TemporaryCredential, reason: str = JournalReason.HAND_OVER
) -> bool:
    """Destroy a credential now (after handing it over, or on request)."""
    _require_vault_role(actor, credential.mds_id)
    _check_choice(reason, DESTROY_REASONS, "reason", _("Choisissez un motif dans la liste."))
    return _destroy(credential, actor=actor, reason=reason)


# --------------------------------------------------------------------------------------------
# Scanned documents
# --------------------------------------------------------------------------------------------


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
    usager: Usager,
    kind: str,
    content: bytes,
    ttl_hours: int | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> ScannedDocument:
    """Encrypt a photographed or uploaded document (PDF, JPEG, PNG), with a live consent.

    Idempotent on ``idempotency_key``: a double submit keeps one copy, not two."""
    _require_vault_role(actor, usager.mds_id)
    _check_choice(kind, DocumentKind.values, "kind", _("Type de document inconnu."))
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
    consent = _require_consent(usager, PurposeCode.DOCUMENT)

    def create() -> ScannedDocument:
        vault_secret = _new_secret(
            kind=SecretKind.DOCUMENT,
            mds_id=usager.mds_id,
            actor=actor,
            expires_at=_expiry(consent, dt.timedelta(hours=hours)),
            payload=content,
        )
        document = ScannedDocument.objects.create(
            usager=usager,
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
    """Decrypt a document for download; same rules and journal as :func:`reveal_credential`."""
    _check_choice(reason, REVEAL_REASONS, "reason", _("Choisissez un motif dans la liste."))
    refusal = ""
    with transaction.atomic():
        locked = (
            ScannedDocument.objects.select_related("secret", "consent", "mds")
            .select_for_update(of=("self",))
            .get(pk=document.pk)
        )
        refusal = _refusal(
            locked,
            actor=actor,
            recently_reauthenticated=recently_reauthenticated,
            purpose_code=PurposeCode.DOCUMENT,
        )
        if not refusal:
            journal.record(
                actor=actor,
                action=JournalAction.DOWNLOAD_DOCUMENT,
                target_type="document",
                target_id=locked.pk,
                reason=reason,
                mds=locked.mds,
            )
            downloaded = DownloadedDocument(document=locked, content=locked.secret.reveal())
    if refusal:
        _journal_refusal(locked, actor=actor, refusal=refusal, target_type="document")
        raise VaultRefused(refusal)
    return downloaded


@transaction.atomic
def destroy_document(
    *, actor: User, document: ScannedDocument, reason: str = JournalReason.PERSON_PRESENT
) -> bool:
    _require_vault_role(actor, document.mds_id)
    _check_choice(reason, DESTROY_REASONS, "reason", _("Choisissez un motif dans la liste."))
    return _destroy(document, actor=actor, reason=reason)


# --------------------------------------------------------------------------------------------
# Expiry: crypto-shredding of what is out of date or no longer consented to
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PurgeReport:
    expired: int = 0
    without_consent: int = 0

    @property
    def total(self) -> int:
        return self.expired + self.without_consent


def purge_expired_secrets(*, now: dt.datetime | None = None, batch_size: int = 500) -> PurgeReport:
    """Shred every secret past its expiry or whose consent is withdrawn or expired.

    Deletes the ciphertext and the wrapped data key (the metadata row stays, without any secret),
    journals each destruction and the purge itself. Idempotent: destroyed secrets are skipped.
    """
    moment = now or timezone.now()
    dead_consent = models.Q(consent__withdrawn_at__isnull=False) | models.Q(
        consent__expires_at__lte=moment
    )
    expired = without_consent = 0
    with transaction.atomic():
        for model in (TemporaryCredential, ScannedDocument):
            manager: Any = model._default_manager
            alive = manager.filter(secret__destroyed_at__isnull=True).select_related("secret")
            for item in alive.filter(secret__expires_at__lte=moment)[:batch_size]:
                expired += _destroy(item, actor=None, reason=JournalReason.EXPIRED)
            for item in alive.filter(dead_consent)[:batch_size]:
                without_consent += _destroy(
                    item, actor=None, reason=JournalReason.CONSENT_WITHDRAWN
                )
        # Secrets without metadata (should not exist): expired ones are shredded too.
        for secret in Secret.objects.select_for_update().filter(
            destroyed_at__isnull=True, expires_at__lte=moment
        )[:batch_size]:
            secret.destroy()
            expired += 1
        report = PurgeReport(expired=expired, without_consent=without_consent)
        if report.total:
            journal.record(
                actor=None,
                action=JournalAction.PURGE_EXPIRED,
                target_type="purge",
                target_id=str(report.total),
                reason=JournalReason.RETENTION_POLICY,
            )
    logger.info("Vault purge: %d expired, %d without consent", expired, without_consent)
    return report
