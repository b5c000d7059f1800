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
from .secrets import destroy_item

logger = logging.getLogger("rgpd.services")


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
                expired += destroy_item(item, actor=None, reason=JournalReason.EXPIRED)
            for item in alive.filter(dead_consent)[:batch_size]:
                without_consent += destroy_item(
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


def _years_before(moment: dt.datetime, years: int) -> dt.datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def purge_consent_signatures(*, now: dt.datetime | None = None, batch_size: int = 500) -> int:
    """Shred the signatures of consents whose proof is no longer kept: ended (withdrawn or
    expired) more than the ``consent_proof`` retention ago. Journaled; idempotent."""
    cutoff = _years_before(now or timezone.now(), retention.value("consent_proof"))
    ended_long_ago = models.Q(consent__withdrawn_at__lte=cutoff) | models.Q(
        consent__expires_at__lte=cutoff
    )
    destroyed = 0
    with transaction.atomic():
        for signature in (
            ConsentSignature.objects.select_for_update(of=("self",))
            .select_related("consent__mds")
            .filter(ended_long_ago, destroyed_at__isnull=True)[:batch_size]
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
