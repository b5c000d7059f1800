"""Reads are journaled too: a page showing a personal record journals that someone saw it."""

from __future__ import annotations

from django.db import models, transaction

from mds.models import MDS, User

from .. import journal
from ..models import JournalAction
from ..registry import read_action


def journal_read(
    *, actor: User, target: models.Model, mds: MDS | None = None, reason: str = ""
) -> None:
    """Journal that ``actor`` viewed a personal record (person, consent, credential, document).

    Views showing such a record call it before rendering; the record's model is declared in
    :mod:`rgpd.registry` (other apps register theirs in ``AppConfig.ready()``).
    """
    action, target_type = read_action(target._meta.label)
    if action not in JournalAction.values:
        raise ValueError(f"Action de journal inconnue : {action!r}")
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
