"""Retention of the session note (#13) where no person holds it.

A named person's notes go with the person: erasure and the ``inactive_usagers`` purge clear them
through the register (``personal_data.py``, ``replace``). An anonymous session has no person to
erase, so its note is cleared here once the "person" retention has run from the session date;
the session itself stays as anonymous statistics.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from mds.jobs.purges import Purge, simple
from rgpd import retention as retention_table

from ..models import MediationSession


def _cutoff(now: dt.datetime) -> dt.date:
    return timezone.localdate(retention_table.cutoff("person", now))


def anonymous_notes_due(now: dt.datetime) -> QuerySet[MediationSession]:
    return MediationSession.objects.filter(usager__isnull=True, date__lt=_cutoff(now)).exclude(
        note=""
    )


def clear_anonymous_notes(now: dt.datetime, size: int) -> int:
    """Clear at most ``size`` notes in one short transaction; how many were cleared."""
    with transaction.atomic():
        ids = list(anonymous_notes_due(now).order_by("pk").values_list("pk", flat=True)[:size])
        return MediationSession.objects.filter(pk__in=ids).update(note="")


PURGE = Purge(
    "anonymous_session_notes",
    "Notes des accompagnements anonymes au-delà de la durée de conservation",
    simple(clear_anonymous_notes),
    lambda now: anonymous_notes_due(now).count(),
)
