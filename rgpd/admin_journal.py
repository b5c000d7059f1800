"""Every change made through the Django admin goes to the audit journal too (#12).

Django's admin history (``LogEntry``) says who changed what, with a change message; it lives in
an ordinary table any administrator with database access could edit. The audit journal is the
append-only, keyed chain the DPO verifies, so each admin entry is copied there, in the admin's
own transaction: who, add/change/delete, which model and which id — never the change message
(it can quote field values, i.e. personal data).
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_save

from . import journal
from .models import JournalAction

ACTIONS = {
    ADDITION: JournalAction.ADMIN_ADD,
    CHANGE: JournalAction.ADMIN_CHANGE,
    DELETION: JournalAction.ADMIN_DELETE,
}


def journal_admin_entry(
    sender: type[LogEntry], instance: LogEntry, created: bool, **_: Any
) -> None:
    if not created or instance.action_flag not in ACTIONS:
        return
    model = (
        ContentType.objects.get_for_id(instance.content_type_id).model
        if instance.content_type_id
        else "inconnu"
    )
    journal.record(
        actor=instance.user,  # type: ignore[arg-type]
        action=ACTIONS[instance.action_flag],
        target_type=model[:40],
        target_id=str(instance.object_id or "")[:64],
    )


def connect() -> None:
    post_save.connect(journal_admin_entry, sender=LogEntry, dispatch_uid="rgpd.admin_journal")
