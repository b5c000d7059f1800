"""The register of personal data: one declaration per category, used everywhere.

Each :class:`Category` says where the data lives (model, fields), why it is processed (purpose,
legal basis), how long it is kept, who reaches it, how to find a person's rows and how to erase
them. Three things are generated from this one list, so a rule lives in one place:

- the processing register page (``rgpd:register``);
- the export of everything about a person (:func:`rgpd.rights.export_person`);
- the erasure (anonymisation) of a person (:func:`rgpd.rights.erase_person`).

A test checks that every model holding a foreign key to ``accompagnement.Usager`` is declared
here: a new table about people cannot be forgotten by the export or the erasure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db.models import Case, Model, Q, Value, When

from mds.roles import Role

if TYPE_CHECKING:
    from accompagnement.models import Usager


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
    retention: str
    access: tuple[str, ...]  # roles
    erase: Erase
    #: Q selecting the rows about a person; ``None`` for categories not about a helped person.
    person: Callable[[Usager], Q] | None = None
    #: For ``Erase.UPDATE``: field → neutral value (or expression).
    replace: Mapping[str, Any] = field(default_factory=dict)
    encrypted: bool = False
    note: str = ""

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


def _cancel_reason_erased() -> Any:
    # A cancelled passage must keep a non-empty reason (database constraint).
    return Case(When(status="cancelled", then=Value(ERASED)), default=Value(""))


def _admin_log(usager: Usager) -> Q:
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(type(usager))
    return Q(content_type=content_type, object_id=str(usager.pk))


CATEGORIES: tuple[Category, ...] = (
    Category(
        key="usager",
        label="Profil de la personne accompagnée",
        model="accompagnement.Usager",
        fields=(
            "id",
            "mds__name",
            "display_name",
            "birth_year",
            "age_band",
            "gender",
            "equipment",
            "internet_at_home",
            "languages",
            "notes",
            "created_at",
        ),
        purpose="Retrouver la personne d'un accompagnement à l'autre ; statistiques anonymes.",
        legal_basis=PUBLIC_INTEREST,
        retention="3 ans après le dernier accompagnement, puis anonymisation.",
        access=(Role.MEDIATEUR, Role.TRAVAILLEUR_SOCIAL, Role.DPO),
        erase=Erase.UPDATE,
        person=lambda usager: Q(pk=usager.pk),
        replace={"display_name": "", "birth_year": None, "languages": "", "notes": ""},
        note="La tranche d'âge, le genre et l'équipement restent, sans identité (statistiques).",
    ),
    Category(
        key="sessions",
        label="Accompagnements individuels",
        model="accompagnement.MediationSession",
        fields=(
            "id",
            "date",
            "duration_minutes",
            "mediator__email",
            "origin__label",
            "outcome__label",
            "file_number",
            "faire_pour_reason",
            "consent_recorded",
            "next_appointment",
        ),
        purpose="Suivre les démarches faites avec la personne ; bilan d'activité.",
        legal_basis=PUBLIC_INTEREST,
        retention="3 ans, puis anonymisation (les chiffres agrégés restent).",
        access=(*MEDIATION, Role.DIRECTION),
        erase=Erase.UPDATE,
        person=lambda usager: Q(usager=usager),
        replace={"file_number": "", "faire_pour_reason": ""},
    ),
    Category(
        key="demarches",
        label="Démarches des accompagnements",
        model="accompagnement.Demarche",
        fields=("id", "session_id", "organisme__label", "kind_of_help__label", "mode_of_help"),
        purpose="Savoir quelles démarches ont été faites et comment (faire avec, faire pour).",
        legal_basis=PUBLIC_INTEREST,
        retention="Comme l'accompagnement.",
        access=(*MEDIATION, Role.DIRECTION),
        erase=Erase.KEEP,
        person=lambda usager: Q(session__usager=usager),
        note="Aucun texte libre : ne désigne plus personne une fois le profil anonymisé.",
    ),
    Category(
        key="ateliers",
        label="Participation nominative aux ateliers",
        model="accompagnement.Atelier_participants",
        fields=("atelier_id", "atelier__date", "atelier__theme"),
        purpose="Suivre la participation d'une personne aux ateliers collectifs.",
        legal_basis=PUBLIC_INTEREST,
        retention="3 ans ; les effectifs anonymes de l'atelier restent.",
        access=MEDIATION,
        erase=Erase.DELETE,
        person=lambda usager: Q(usager=usager),
    ),
    Category(
        key="passages",
        label="Passages à l'accueil liés à un accompagnement",
        model="accueil.Passage",
        fields=("id", "day", "arrived_at", "motive__label", "alias", "status", "cancel_reason"),
        purpose="Organiser l'accueil et la file d'attente ; mesurer l'attente.",
        legal_basis=PUBLIC_INTEREST,
        retention="Prénom ou pseudonyme effacé en fin de journée d'accueil (issue ultérieure) ; "
        "passages anonymes gardés 3 ans pour les statistiques.",
        access=(Role.ACCUEIL, Role.SECRETARIAT, Role.MEDIATEUR, Role.DPO),
        erase=Erase.UPDATE,
        person=lambda usager: Q(mediation_session__usager=usager),
        replace={"alias": "", "cancel_reason": _cancel_reason_erased},
    ),
    Category(
        key="passage_events",
        label="Étapes des passages à l'accueil",
        model="accueil.PassageEvent",
        fields=("id", "passage_id", "at", "from_status", "to_status", "note"),
        purpose="Horodater l'accueil (attente, prise en charge).",
        legal_basis=PUBLIC_INTEREST,
        retention="Comme le passage.",
        access=(Role.ACCUEIL, Role.SECRETARIAT, Role.DPO),
        erase=Erase.UPDATE,
        person=lambda usager: Q(passage__mediation_session__usager=usager),
        replace={"note": ""},
    ),
    Category(
        key="consents",
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
        retention="Durée du consentement, puis 5 ans comme preuve (prescription).",
        access=MEDIATION,
        erase=Erase.WITHDRAW,
        person=lambda usager: Q(usager=usager),
        note="L'effacement retire les consentements en cours (ce qui en dépend est détruit).",
    ),
    Category(
        key="credentials",
        label="Identifiants temporaires (coffre)",
        model="rgpd.TemporaryCredential",
        fields=("id", "service", "created_at", "secret__expires_at", "handed_over_at"),
        purpose="Finir une démarche en ligne sur plusieurs jours sans que la personne "
        "doive retenir ses identifiants ; les lui remettre.",
        legal_basis=CONSENT,
        retention="7 jours par défaut, 30 jours au plus ; détruits au retrait du consentement.",
        access=(Role.MEDIATEUR,),
        erase=Erase.DESTROY,
        person=lambda usager: Q(usager=usager),
        encrypted=True,
        note="Contenu chiffré (AES-256-GCM), jamais exporté ; affichage motivé et journalisé.",
    ),
    Category(
        key="documents",
        label="Documents numérisés (coffre)",
        model="rgpd.ScannedDocument",
        fields=("id", "kind", "content_type", "size", "created_at", "secret__expires_at"),
        purpose="Transmettre un justificatif pour une démarche sans photo sur un téléphone "
        "personnel.",
        legal_basis=CONSENT,
        retention="72 heures par défaut, 30 jours au plus ; détruits au retrait du consentement.",
        access=(Role.MEDIATEUR,),
        erase=Erase.DESTROY,
        person=lambda usager: Q(usager=usager),
        encrypted=True,
        note="Contenu chiffré, jamais écrit en clair sur le disque ; téléchargement journalisé.",
    ),
    Category(
        key="reminder_contact",
        label="Contact pour les rappels",
        model="notifications.Contact",
        fields=("channel", "phone", "email", "language"),
        purpose="Envoyer à la personne les rappels de rendez-vous qu'elle a acceptés.",
        legal_basis=CONSENT,
        retention="Tant que le consentement « rappels » court ; supprimé à l'anonymisation.",
        access=MEDIATION,
        erase=Erase.DELETE,
        person=lambda usager: Q(usager=usager),
    ),
    Category(
        key="receipts",
        label="Accusés d'envoi des rappels",
        model="notifications.Receipt",
        fields=("created_at", "kind", "channel", "status", "to_masked", "error"),
        purpose="Savoir si un rappel est parti, a échoué ou n'a pas été envoyé, et pourquoi.",
        legal_basis=CONSENT,
        retention="6 mois, puis anonymisés (destinataire, adresse masquée et variables retirés).",
        access=(Role.ADMIN, Role.DPO),
        erase=Erase.UPDATE,
        person=lambda usager: Q(usager=usager),
        replace={"usager": None, "to_masked": "", "context": {}},
        note="Jamais le texte du message ; l'adresse n'est gardée que masquée.",
    ),
    Category(
        key="admin_log",
        label="Historique de l'administration Django",
        model="admin.LogEntry",
        fields=("id", "action_time", "object_repr", "change_message"),
        purpose="Tracer les modifications faites dans l'administration.",
        legal_basis=LEGAL_OBLIGATION,
        retention="12 mois.",
        access=(Role.ADMIN, Role.DPO),
        erase=Erase.UPDATE,
        person=_admin_log,
        replace={"object_repr": ERASED, "change_message": ""},
    ),
    Category(
        key="journal",
        label="Journal d'audit",
        model="rgpd.JournalEntry",
        fields=("seq", "created_at", "actor__email", "action", "reason"),
        purpose="Savoir qui a consulté ou modifié quelle donnée personnelle, et pourquoi.",
        legal_basis=LEGAL_OBLIGATION,
        retention="12 mois (6 à 12 mois selon la CNIL), rotation avec point de contrôle.",
        access=(Role.DPO,),
        erase=Erase.KEEP,
        person=lambda usager: Q(target_type="usager", target_id=str(usager.pk)),
        note="Identifiants pseudonymes seulement, jamais de secret ni de texte libre : conservé.",
    ),
    Category(
        key="agents",
        label="Comptes des agents",
        model="mds.User",
        fields=("email", "first_name", "last_name"),
        purpose="Authentifier les agents, attribuer les rôles par MDS.",
        legal_basis="Exécution de la mission et gestion du personnel (art. 6.1.e RGPD)",
        retention="Durée de l'affectation, puis désactivation ; suppression après 12 mois.",
        access=(Role.ADMIN, Role.DPO),
        erase=Erase.KEEP,
        note="Les agents exercent leurs droits auprès de l'administrateur.",
    ),
)


def person_categories() -> list[Category]:
    return [category for category in CATEGORIES if category.person is not None]


def by_key(key: str) -> Category:
    for category in CATEGORIES:
        if category.key == key:
            return category
    raise KeyError(key)
