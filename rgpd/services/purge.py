"""Expiry: crypto-shredding of what is out of date or no longer consented to.

The durations come from :mod:`rgpd.retention` when a secret is stored (its ``expires_at``);
the purge destroys what is past it, or whose consent ended.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .. import journal, retention
from ..models import (
    ConsentSignature,
    JournalAction,
    JournalReason,
    ScannedDocument,
    Secret,
    TemporaryCredential,
)

logger = logging.getLogger("rgpd.services")


@dataclass(frozen=True)
class PurgeReport:
    expired: int = 0
    without_consent: int = 0

    @property
    def total(self) -> int:
        return self.expired + self.without_consent


def _shred(candidates: models.QuerySet[Secret], *, batch_size: int) -> int:
    """Shred at most ``batch_size`` of ``candidates`` in one UPDATE (caller's transaction).

    The wrapped data key and every ciphertext go in the same statement as ``destroyed_at``:
    no row is ever left destroyed with its ciphertext, or with a key and no ciphertext. Rows a
    reveal or a hand-over holds are skipped (``SKIP LOCKED``) and taken by the next run.
    """
    ids = list(
        # oldest first, read on the partial index of live secrets (rgpd_secret_alive_expiry):
        # the shredded rows are out of it, so each batch reads only what it shreds
        candidates.select_for_update(skip_locked=True)
        .order_by("expires_at")
        .values_list("pk", flat=True)[:batch_size]
    )
    if not ids:
        return 0
    shredded: dict[str, Any] = {"vault_kid": "", "vault_key": b"", "destroyed_at": timezone.now()}
    shredded.update({field: b"" for field in Secret.vault_fields})
    return Secret.objects.filter(pk__in=ids, destroyed_at__isnull=True).update(**shredded)


def purge_expired_secrets(*, now: dt.datetime | None = None, batch_size: int = 500) -> PurgeReport:
    """Shred up to ``batch_size`` secrets past their expiry and as many whose consent ended.

    Set-based: two UPDATEs over primary keys, whatever the volume (a million expired rows is
    a thousand short transactions, not a million). Deletes the ciphertext and the wrapped data
    key (the metadata row stays, without any secret, with its ``destroyed_at``) and journals
    the batch once, with its count (never one entry per secret: counts, not contents). A secret
    destroyed one by one (consent withdrawn, hand-over) is journaled by
    :func:`rgpd.services.secrets.destroy_item`. Idempotent: destroyed secrets are skipped.
    """
    moment = now or timezone.now()
    dead_consent = models.Q(consent__withdrawn_at__isnull=False) | models.Q(
        consent__expires_at__lte=moment
    )
    alive = Secret.objects.filter(destroyed_at__isnull=True)
    unconsented = models.Q()
    for model in (TemporaryCredential, ScannedDocument):
        manager: Any = model._default_manager
        unconsented |= models.Q(pk__in=manager.filter(dead_consent).values("secret_id"))
    with transaction.atomic():
        # Secrets without metadata (should not exist) are shredded at expiry too.
        expired = _shred(alive.filter(expires_at__lte=moment), batch_size=batch_size)
        without_consent = _shred(
            alive.filter(expires_at__gt=moment).filter(unconsented), batch_size=batch_size
        )
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


def consent_signatures_due(now: dt.datetime) -> models.QuerySet[ConsentSignature]:
    """Signatures of consents that ended (withdrawn or expired) more than the
    ``consent_proof`` retention before ``now``: their proof is no longer kept."""
    cutoff = retention.cutoff("consent_proof", now)
    ended_long_ago = models.Q(consent__withdrawn_at__lte=cutoff) | models.Q(
        consent__expires_at__lte=cutoff
    )
    return ConsentSignature.objects.filter(ended_long_ago, destroyed_at__isnull=True)


def purge_consent_signatures(*, now: dt.datetime | None = None, batch_size: int = 500) -> int:
    """Shred up to ``batch_size`` signatures whose proof is past its retention. Journaled (one
    entry per signature, like any secret destroyed one by one); idempotent."""
    destroyed = 0
    with transaction.atomic():
        for signature in (
            consent_signatures_due(now or timezone.now())
            .select_for_update(of=("self",))
            .select_related("consent__mds")[:batch_size]
        ):
            signature.destroy()
            journal.record(
                actor=None,
                action=JournalAction.DESTROY_SECRET,
                target_type="consent_signature",
                target_id=signature.consent_id,
                reason=JournalReason.RETENTION_POLICY,
                mds=signature.consent.mds,
            )
            destroyed += 1
    logger.info("Consent signatures purge: %d destroyed", destroyed)
    return destroyed
