"""Celery tasks of the vault: thin wrappers around the services (scheduled by a later issue)."""

from __future__ import annotations

from celery import shared_task

from . import journal
from .services.purge import purge_consent_signatures
from .services.purge import purge_expired_secrets as purge


@shared_task(name="rgpd.purge_expired_secrets", acks_late=True)
def purge_expired_secrets() -> dict[str, int]:
    """Crypto-shred expired secrets and those whose consent ended, and the signatures of
    consents whose proof is past its retention (idempotent)."""
    report = purge()
    signatures = purge_consent_signatures()
    return {
        "expired": report.expired,
        "without_consent": report.without_consent,
        "signatures": signatures,
    }


@shared_task(name="rgpd.rotate_journal", acks_late=True)
def rotate_journal() -> int:
    """Apply the journal retention (JOURNAL_RETENTION_MONTHS); returns the entries removed."""
    checkpoint = journal.rotate_by_policy()
    return checkpoint.removed_count if checkpoint is not None else 0


@shared_task(name="rgpd.export_journal_head", acks_late=True)
def export_journal_head() -> dict[str, int | str]:
    """Log the journal's verified head as a signed line (outside the database); daily or more."""
    head = journal.export_head()
    return {"seq": head.seq, "hash": head.hash, "line": head.line()}
