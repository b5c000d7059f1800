"""The personal data this app keeps, declared to rgpd's register in ``AppConfig.ready()``."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Q, Value, When

from mds.roles import Role
from rgpd import retention as retention_table
from rgpd.personal_data import (
    ERASED,
    PUBLIC_INTEREST,
    Category,
    Erase,
)


def _cancel_reason_erased() -> Any:
    # A cancelled passage must keep a non-empty reason (database constraint).
    return Case(When(status="cancelled", then=Value(ERASED)), default=Value(""))


CATEGORIES: tuple[Category, ...] = (
    Category(
        key="passages",
        position=50,
        label="Passages à l'accueil liés à un accompagnement",
        model="accueil.Passage",
        fields=("id", "day", "arrived_at", "motive__label", "alias", "status", "cancel_reason"),
        purpose="Organiser l'accueil et la file d'attente ; mesurer l'attente.",
        legal_basis=PUBLIC_INTEREST,
        retention_key="passage_alias",
        retention_note="passages anonymes gardés "
        + retention_table.describe("passage")
        + " pour les statistiques",
        access=(Role.ACCUEIL, Role.SECRETARIAT, Role.MEDIATEUR, Role.DPO),
        erase=Erase.UPDATE,
        person=lambda usager: Q(mediation_session__usager=usager),
        replace={"alias": "", "cancel_reason": _cancel_reason_erased},
    ),
    Category(
        key="passage_events",
        position=60,
        label="Étapes des passages à l'accueil",
        model="accueil.PassageEvent",
        fields=("id", "passage_id", "at", "from_status", "to_status", "note"),
        purpose="Horodater l'accueil (attente, prise en charge).",
        legal_basis=PUBLIC_INTEREST,
        retention_key=None,
        retention_note="Comme le passage.",
        access=(Role.ACCUEIL, Role.SECRETARIAT, Role.DPO),
        erase=Erase.UPDATE,
        person=lambda usager: Q(passage__mediation_session__usager=usager),
        replace={"note": ""},
    ),
)
