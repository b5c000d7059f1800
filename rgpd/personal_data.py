"""The register of personal data: one declaration per category, registered by its app.

Each :class:`Category` says where the data lives (model, fields), why it is processed (purpose,
legal basis), how long it is kept (a row of :mod:`rgpd.retention`), who reaches it, how to find
a person's rows and how to erase them. Each app declares its own tables in its
``AppConfig.ready()`` with :func:`register_personal_data` (this module imports no model, so an
``apps.py`` imports it at module top); rgpd declares its own below. Three things are generated
from the registered list, so a rule lives in one place:

- the processing register page (``rgpd:register``);
- the export of everything about a person (:func:`rgpd.pages.rights.export_person`);
- the erasure (anonymisation) of a person (:func:`rgpd.pages.rights.erase_person`).

A test checks that every model holding a foreign key to ``accompagnement.Usager`` is declared:
a new table about people cannot be forgotten by the export or the erasure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.apps import apps
from django.db.models import Model, Q

from mds.roles import Role

from . import retention as retention_table


class Erase(StrEnum):
    """How the erasure treats a category."""

    UPDATE = "update"  # overwrite the personal fields with neutral values (``replace``)
    DELETE = "delete"  # delete the rows (links only, e.g. a workshop participation)
    WITHDRAW = "withdraw"  # withdraw the consents (which destroys what depended on them)
    DESTROY = "destroy"  # crypto-shred the secrets; metadata rows stay, without any secret
    KEEP = "keep"  # kept as is: holds pseudonymous identifiers only


ERASE_LABELS: dict[Erase, str] = {
    Erase.UPDATE: "Champs personnels remplacés par des valeurs neutres",
    Erase.DELETE: "Lignes supprimées",
    Erase.WITHDRAW: "Consentements retirés",
    Erase.DESTROY: "Secrets détruits (crypto-effacement)",
    Erase.KEEP: "Conservé (aucune donnée identifiante)",
}


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    model: str  # "app_label.ModelName"
    fields: tuple[str, ...]  # exported fields ("a__b" follows relations)
    purpose: str
    legal_basis: str
    #: Row of :data:`rgpd.retention.RETENTION` (``None``: see ``retention_note`` alone).
    retention_key: str | None
    access: tuple[str, ...]  # roles
    erase: Erase
    #: Q selecting the rows about a person; ``None`` for categories not about a helped person.
    person: Callable[[Any], Q] | None = None
    #: For ``Erase.UPDATE``: field → neutral value (or expression).
    replace: Mapping[str, Any] = field(default_factory=dict)
    encrypted: bool = False
    note: str = ""
    #: Said after the duration ("détruits au retrait du consentement"), or the whole text.
    retention_note: str = ""
    #: Place in the register, the export and the erasure (smaller first).
    position: int = 100

    @property
    def retention(self) -> str:
        """The duration in force, read from the retention table (and the operator's settings)
        each time: the register never shows a duration the code does not apply."""
        if self.retention_key is None:
            return self.retention_note
        text = retention_table.describe(self.retention_key)
        text = text[0].upper() + text[1:]
        return f"{text} ; {self.retention_note}." if self.retention_note else f"{text}."

    @property
    def model_class(self) -> type[Model]:
        return apps.get_model(self.model)

    @property
    def erase_label(self) -> str:
        return ERASE_LABELS[self.erase]

    @property
    def access_labels(self) -> list[str]:
        return [str(Role(role).label) for role in self.access]


PUBLIC_INTEREST = (
    "Mission d'intérêt public (art. 6.1.e RGPD) : action sociale et inclusion numérique du "
    "Département (Code de l'action sociale et des familles)"
)
CONSENT = "Consentement de la personne (art. 6.1.a RGPD), retirable à tout moment"
LEGAL_OBLIGATION = (
    "Obligation légale de sécurité (art. 6.1.c et 32 RGPD) ; recommandation CNIL sur la "
    "journalisation (délibération n° 2021-122)"
)
MEDIATION = (Role.MEDIATEUR, Role.DPO)

ERASED = "[effacé]"


def _admin_log(usager: Any) -> Q:
    # Imported here: this module is imported by apps.py files before the models are ready.
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(type(usager))
    return Q(content_type=content_type, object_id=str(usager.pk))


#: rgpd's own tables (registered by ``RgpdConfig.ready()``).
RGPD_CATEGORIES: tuple[Category, ...] = (
    Category(
        key="consents",
        position=70,
        label="Consentements",
        model="rgpd.Consent",
        fields=(
            "id",
            "purpose__label",
            "text__version",
            "text_sha256",
            "method",
            "given_at",
            "witnessed_by__email",
            "expires_at",
            "withdrawn_at",
        ),
        purpose="Prouver le consentement donné (texte exact, date, témoin) et son retrait.",
        legal_basis="Obligation de prouver le consentement (art. 7.1 RGPD)",
        retention_key="consent_proof",
        access=MEDIATION,
        erase=Erase.WITHDRAW,
        person=lambda usager: Q(usager=usager),
        note="L'effacement retire les consentements en cours (ce qui en dépend est détruit).",
    ),
    Category(
        key="credentials",
        position=80,
        label="Identifiants temporaires (coffre)",
        model="rgpd.TemporaryCredential",
        fields=("id", "service", "created_at", "secret__expires_at", "handed_over_at"),
        purpose="Finir une démarche en ligne sur plusieurs jours sans que la personne "
        "doive retenir ses identifiants ; les lui remettre.",
        legal_basis=CONSENT,
        retention_key="credential_ttl",
        retention_note="détruits au retrait du consentement",
        access=(Role.MEDIATEUR,),
        erase=Erase.DESTROY,
        person=lambda usager: Q(usager=usager),
        encrypted=True,
        note="Contenu chiffré (AES-256-GCM), jamais exporté ; affichage motivé et journalisé.",
    ),
    Category(
        key="documents",
        position=90,
        label="Documents numérisés (coffre)",
        model="rgpd.ScannedDocument",
        fields=("id", "kind", "content_type", "size", "created_at", "secret__expires_at"),
        purpose="Transmettre un justificatif pour une démarche sans photo sur un téléphone "
        "personnel.",
        legal_basis=CONSENT,
        retention_key="document_ttl",
        retention_note="détruits au retrait du consentement",
        access=(Role.MEDIATEUR,),
        erase=Erase.DESTROY,
        person=lambda usager: Q(usager=usager),
        encrypted=True,
        note="Contenu chiffré, jamais écrit en clair sur le disque ; téléchargement journalisé.",
    ),
    Category(
        key="admin_log",
        position=100,
        label="Historique de l'administration Django",
        model="admin.LogEntry",
        fields=("id", "action_time", "object_repr", "change_message"),
        purpose="Tracer les modifications faites dans l'administration.",
        legal_basis=LEGAL_OBLIGATION,
        retention_key="admin_log",
        access=(Role.ADMIN, Role.DPO),
        erase=Erase.UPDATE,
        person=_admin_log,
        replace={"object_repr": ERASED, "change_message": ""},
    ),
    Category(
        key="journal",
        position=110,
        label="Journal d'audit",
        model="rgpd.JournalEntry",
        fields=("seq", "created_at", "actor__email", "action", "reason"),
        purpose="Savoir qui a consulté ou modifié quelle donnée personnelle, et pourquoi.",
        legal_basis=LEGAL_OBLIGATION,
        retention_key="journal",
        access=(Role.DPO,),
        erase=Erase.KEEP,
        person=lambda usager: Q(target_type="usager", target_id=str(usager.pk)),
        note="Identifiants pseudonymes seulement, jamais de secret ni de texte libre : conservé.",
    ),
    Category(
        key="agents",
        position=120,
        label="Comptes des agents",
        model="mds.User",
        fields=("email", "first_name", "last_name"),
        purpose="Authentifier les agents, attribuer les rôles par MDS.",
        legal_basis="Exécution de la mission et gestion du personnel (art. 6.1.e RGPD)",
        retention_key="agent_account",
        access=(Role.ADMIN, Role.DPO),
        erase=Erase.KEEP,
        note="Les agents exercent leurs droits auprès de l'administrateur.",
    ),
)


_REGISTERED: dict[str, Category] = {}


def register_personal_data(*categories: Category) -> None:
    """Declare tables holding personal data (call it from ``AppConfig.ready()``)."""
    for category in categories:
        known = _REGISTERED.get(category.key)
        if known is not None and known != category:
            raise ValueError(f"Catégorie déjà déclarée autrement : {category.key}")
        _REGISTERED[category.key] = category


def categories() -> list[Category]:
    """Every registered category, in register order."""
    return sorted(_REGISTERED.values(), key=lambda category: (category.position, category.key))


def person_categories() -> list[Category]:
    return [category for category in categories() if category.person is not None]


def by_key(key: str) -> Category:
    return _REGISTERED[key]
