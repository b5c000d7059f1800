"""Data-subject rights, for the DPO: export everything about a person, erase (anonymise) them.

Both walk the categories registered in :mod:`rgpd.personal_data`: what is exported and how each
table is erased is declared there once. Both are journaled (pseudonymous identifiers only).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone

from accompagnement.models import Usager
from mds.models import User
from mds.permissions import has_role
from mds.roles import Role

from .. import journal
from ..models import (
    Consent,
    JournalAction,
    JournalReason,
    ScannedDocument,
    TemporaryCredential,
)
from ..personal_data import Category, Erase, person_categories
from ..services.consents import withdraw_consent
from ..services.secrets import destroy_item

RIGHTS_ROLE = Role.DPO


def _require_dpo(actor: User) -> None:
    if not has_role(actor, RIGHTS_ROLE):
        raise PermissionDenied("Réservé au délégué à la protection des données.")


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    return value


def _rows(category: Category, usager: Usager) -> list[dict[str, Any]]:
    assert category.person is not None
    manager: Any = category.model_class._default_manager
    queryset = manager.filter(category.person(usager)).order_by("pk")
    return [
        {name: _plain(value) for name, value in row.items()}
        for row in queryset.values(*category.fields)
    ]


@dataclass(frozen=True)
class ExportSection:
    category: Category
    rows: list[dict[str, Any]]


@dataclass(frozen=True)
class PersonExport:
    usager_id: int
    generated_at: dt.datetime
    sections: list[ExportSection] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "personne": self.usager_id,
            "genere_le": self.generated_at.isoformat(),
            "categories": [
                {
                    "cle": section.category.key,
                    "libelle": section.category.label,
                    "finalite": section.category.purpose,
                    "base_legale": section.category.legal_basis,
                    "conservation": section.category.retention,
                    "note": section.category.note,
                    "lignes": section.rows,
                }
                for section in self.sections
            ],
        }


def collect_person(*, usager: Usager) -> PersonExport:
    """Everything the register declares about the person (no journal entry: see export)."""
    return PersonExport(
        usager_id=usager.pk,
        generated_at=timezone.now(),
        sections=[
            ExportSection(category=category, rows=_rows(category, usager))
            for category in person_categories()
        ],
    )


@transaction.atomic
def export_person(*, actor: User, usager: Usager) -> PersonExport:
    """The right of access: everything about the person, journaled. Secrets are never exported."""
    _require_dpo(actor)
    export = collect_person(usager=usager)
    journal.record(
        actor=actor,
        action=JournalAction.EXPORT_PERSON,
        target_type="usager",
        target_id=usager.pk,
        reason=JournalReason.DATA_SUBJECT_REQUEST,
        mds=usager.mds,
    )
    return export


@dataclass
class ErasureReport:
    usager_id: int
    counts: dict[str, int] = field(default_factory=dict)


def _erase_category(category: Category, usager: Usager, actor: User) -> int:
    assert category.person is not None
    manager: Any = category.model_class._default_manager
    queryset = manager.filter(category.person(usager))
    if category.erase is Erase.UPDATE:
        values = {
            name: (value() if callable(value) else value)
            for name, value in category.replace.items()
        }
        return int(queryset.update(**values))
    if category.erase is Erase.DELETE:
        deleted, _by_model = queryset.delete()
        return int(deleted)
    if category.erase is Erase.WITHDRAW:
        count = 0
        for consent in queryset.filter(withdrawn_at__isnull=True):
            assert isinstance(consent, Consent)
            withdraw_consent(
                actor=actor, consent=consent, reason=JournalReason.DATA_SUBJECT_REQUEST
            )
            count += 1
        return count
    if category.erase is Erase.DESTROY:
        count = 0
        for item in queryset.select_related("secret"):
            assert isinstance(item, TemporaryCredential | ScannedDocument)
            count += destroy_item(item, actor=actor, reason=JournalReason.DATA_SUBJECT_REQUEST)
        return count
    return 0


@transaction.atomic
def erase_person(*, actor: User, usager: Usager) -> ErasureReport:
    """Anonymise the person across every table of the register, destroy their secrets.

    The person's row stays (history and statistics keep pointing to it) but holds nothing that
    identifies them; the journal keeps its pseudonymous identifiers. Journaled.
    """
    _require_dpo(actor)
    locked = Usager.objects.select_for_update().get(pk=usager.pk)
    report = ErasureReport(usager_id=locked.pk)
    for category in person_categories():
        report.counts[category.key] = _erase_category(category, locked, actor)
    journal.record(
        actor=actor,
        action=JournalAction.ERASE_PERSON,
        target_type="usager",
        target_id=locked.pk,
        reason=JournalReason.DATA_SUBJECT_REQUEST,
        mds=locked.mds,
    )
    return report


def person_models() -> list[type[models.Model]]:
    """Models declared in the register as holding rows about a person."""
    return [category.model_class for category in person_categories()]
