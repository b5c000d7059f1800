"""Celery tasks of the vault: thin wrappers around the services (scheduled by a later issue)."""

from __future__ import annotations

from celery import shared_task

from . import journal
from .services.purge import purge_expired_secrets as purge


@shared_task(name="rgpd.purge_expired_secrets", acks_late=True)
def purge_expired_secrets() -> dict[str, int]:
    """Crypto-shred expired secrets and those whose consent ended (idempotent)."""
    report = purge()
    return {"expired": report.expired, "without_consent": report.without_consent}


@shared_task(name="rgpd.rotate_journal", acks_late=True)
def rotate_journal() -> int:
    """Apply the journal retention (JOURNAL_RETENTION_MONTHS); returns the entries removed."""
    checkpoint = journal.rotate_by_policy()
    return checkpoint.removed_count if checkpoint is not None else 0
