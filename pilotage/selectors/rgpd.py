"""RGPD indicators for the DPO: consents given and withdrawn, secrets stored, handed over,
expired and destroyed, and the journal's actions (reveals, downloads, purges run…) in the period.

Counts only, never a person or a secret. Documents are secrets of kind "document". Journal
entries without an MDS (purges of the whole Département, key rotations) are counted when the
scope is the whole Département, not when the DPO narrows it to some MDS.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from pilotage.forms import Filters
from pilotage.privacy import protect_series
from pilotage.tables import Table
from rgpd.models import (
    Consent,
    ConsentPurpose,
    JournalAction,
    JournalEntry,
    Secret,
    SecretKind,
    TemporaryCredential,
)

from .common import by_labels, distribution, local_bounds


def rgpd_tables(filters: Filters, *, whole_department: bool) -> list[Table]:
    start, end = local_bounds(filters)
    ids = filters.mds_ids
    purposes = list(ConsentPurpose.objects.order_by("position", "label").values_list("pk", "label"))
    given = dict(
        Consent.objects.filter(mds_id__in=ids, given_at__gte=start, given_at__lt=end)
        .values_list("purpose_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    withdrawn = dict(
        Consent.objects.filter(mds_id__in=ids, withdrawn_at__gte=start, withdrawn_at__lt=end)
        .values_list("purpose_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    given_cells = protect_series([given.get(pk, 0) for pk, _l in purposes])
    withdrawn_cells = protect_series([withdrawn.get(pk, 0) for pk, _l in purposes])
    consents = [
        [label, g, w]
        for (_pk, label), g, w in zip(purposes, given_cells, withdrawn_cells, strict=True)
    ]

    in_period = Q(created_at__gte=start, created_at__lt=end)
    secrets = {
        row["kind"]: row
        for row in Secret.objects.filter(mds_id__in=ids)
        .values("kind")
        .annotate(
            stored=Count("pk", filter=in_period),
            expired=Count("pk", filter=Q(expires_at__gte=start, expires_at__lt=end)),
            destroyed=Count("pk", filter=Q(destroyed_at__gte=start, destroyed_at__lt=end)),
        )
        .order_by()
    }
    handed = TemporaryCredential.objects.filter(
        mds_id__in=ids, handed_over_at__gte=start, handed_over_at__lt=end
    ).count()
    kinds = list(SecretKind.choices)
    columns: dict[str, list[int]] = {
        name: [secrets.get(k, {}).get(name, 0) for k, _l in kinds]
        for name in ("stored", "expired", "destroyed")
    }
    handed_column = [handed if k == SecretKind.CREDENTIAL else 0 for k, _l in kinds]
    protected = {name: protect_series(values) for name, values in columns.items()}
    handed_cells = protect_series(handed_column)
    vault: list[list[Any]] = [
        [
            str(label),
            protected["stored"][i],
            handed_cells[i],
            protected["expired"][i],
            protected["destroyed"][i],
        ]
        for i, (_k, label) in enumerate(kinds)
    ]

    entries = JournalEntry.objects.filter(created_at__gte=start, created_at__lt=end)
    scope = Q(mds_id__in=ids)
    if whole_department:
        scope |= Q(mds__isnull=True)
    counted = entries.filter(scope).values_list("action").annotate(n=Count("pk")).order_by()
    actions = [(k, str(v)) for k, v in JournalAction.choices]
    journal = [r for r in distribution(by_labels(counted, actions), with_share=False) if r[1].value]
    return [
        Table("rgpd/consentements", consents),
        Table("rgpd/coffre", vault),
        Table("rgpd/journal", journal),
    ]
