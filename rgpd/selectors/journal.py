"""Reads of the audit journal (the DPO's page)."""

from __future__ import annotations

from django.db import transaction

from mds.models import User

from .. import journal
from ..models import JournalAction, JournalEntry, JournalReason


def recent_journal(
    *, limit: int = 100, target_type: str = "", target_id: str = ""
) -> list[JournalEntry]:
    entries = JournalEntry.objects.select_related("actor", "mds").order_by("-seq")
    if target_type:
        entries = entries.filter(target_type=target_type)
    if target_id:
        entries = entries.filter(target_id=target_id)
    return list(entries[:limit])


def journal_for_dpo(
    *, actor: User, target_type: str = "", target_id: str = ""
) -> list[JournalEntry]:
    """The DPO's view of the journal; reading the journal is journaled too."""
    with transaction.atomic():
        journal.record(
            actor=actor,
            action=JournalAction.VIEW_JOURNAL,
            target_type="journal",
            reason=JournalReason.DPO_CONTROL,
        )
    return recent_journal(target_type=target_type, target_id=target_id)
