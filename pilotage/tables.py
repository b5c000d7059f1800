"""What a dashboard table is, and the fixed columns of every table (the export contract).

A :class:`Table` holds already protected cells (:class:`pilotage.privacy.Count`, text, dates,
``float | None`` for statistics). Its columns come from :data:`SPECS`, keyed by the table's
slug: ``docs/exports.md`` documents each slug and its columns, and a test compares the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString


@dataclass(frozen=True)
class Spec:
    title: str
    columns: tuple[str, ...]


@dataclass
class Table:
    slug: str
    rows: list[list[Any]]
    chart: SafeString | None = None
    note: str = ""

    @property
    def spec(self) -> Spec:
        return SPECS[self.slug]

    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def columns(self) -> tuple[str, ...]:
        return self.spec.columns

    @property
    def section(self) -> str:
        return self.slug.split("/", 1)[0]

    @property
    def name(self) -> str:
        return self.slug.split("/", 1)[1]

    @property
    def dom_id(self) -> str:
        return "t-" + self.slug.replace("/", "-")


_MODES = ("Laisser faire", "Faire faire", "Former à faire", "Faire avec", "Faire pour")
WEEKDAYS = ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche")

#: Every table of the dashboards. Column names are the export headers (French, stable).
SPECS: dict[str, Spec] = {
    # Vue d'ensemble
    "ensemble/comparaison": Spec(
        "Comparaison des MDS",
        (
            "MDS",
            "Passages",
            "Attente médiane (min)",
            "Attente 90e centile (min)",
            "Partis sans être reçus (%)",
            "Accompagnements",
            "Faire avec (%)",
            "Faire pour (%)",
        ),
    ),
    # Accueil
    "accueil/chiffres": Spec("Chiffres clés de l'accueil", ("Indicateur", "Valeur")),
    "accueil/passages-par-jour": Spec("Passages par jour", ("Jour", "Passages")),
    "accueil/heures": Spec("Arrivées par heure et jour de la semaine", ("Heure", *WEEKDAYS)),
    "accueil/motifs": Spec("Motifs de venue", ("Motif", "Passages", "Part (%)")),
    "accueil/priorites": Spec("Priorités", ("Priorité", "Passages", "Part (%)")),
    "accueil/langues": Spec("Langues", ("Langue", "Passages", "Part (%)")),
    # Médiation
    "mediation/chiffres": Spec("Chiffres clés de la médiation", ("Indicateur", "Valeur")),
    "mediation/modes": Spec("Modes d'aide", ("Mode d'aide", "Démarches", "Part (%)")),
    "mediation/modes-par-mois": Spec(
        "Modes d'aide mois par mois",
        ("Mois", *_MODES, "Faire avec (%)", "Faire pour (%)"),
    ),
    "mediation/autonomie": Spec(
        "Progression vers l'autonomie",
        ("Évolution du mode d'aide", "Personnes", "Part (%)"),
    ),
    "mediation/organismes": Spec("Démarches par organisme", ("Organisme", "Démarches")),
    "mediation/aides": Spec("Démarches par type d'aide", ("Type d'aide", "Démarches")),
    "mediation/origines": Spec("Origine des personnes", ("Origine", "Accompagnements")),
    "mediation/issues": Spec("Issues", ("Issue", "Accompagnements")),
    "mediation/durees": Spec("Durées", ("Durée", "Accompagnements")),
    "mediation/ateliers": Spec("Ateliers collectifs", ("Public", "Ateliers", "Participants")),
    # Orientations
    "orientations/comparaison": Spec(
        "Comparaison des MDS : orientations",
        (
            "MDS",
            "Orientations",
            "Acceptées (%)",
            "Refusées (%)",
            "Expirées (%)",
            "Délai médian jusqu'à la lecture (heures)",
            "Délai médian jusqu'à l'acceptation (heures)",
            "En attente (aujourd'hui)",
        ),
    ),
    "orientations/etats": Spec("Orientations par état", ("État", "Orientations", "Part (%)")),
    "orientations/delais": Spec("Délais et attente des orientations", ("Indicateur", "Valeur")),
    "orientations/motifs": Spec("Orientations par motif", ("Motif", "Orientations")),
    "orientations/besoins": Spec("Besoins signalés", ("Besoin", "Orientations")),
    # Publics
    "publics/ages": Spec("Tranches d'âge", ("Tranche d'âge", "Personnes")),
    "publics/genres": Spec("Genre", ("Genre", "Personnes")),
    "publics/equipement": Spec("Équipement", ("Équipement", "Personnes")),
    "publics/internet": Spec("Internet à domicile", ("Internet à domicile", "Personnes")),
    "publics/ages-anonymes": Spec(
        "Accompagnements anonymes par tranche d'âge", ("Tranche d'âge", "Accompagnements")
    ),
    # RGPD (DPO)
    "rgpd/consentements": Spec("Consentements", ("Finalité", "Recueillis", "Retirés")),
    "rgpd/coffre": Spec(
        "Coffre", ("Nature", "Déposés", "Remis à la personne", "Expirés", "Détruits")
    ),
    "rgpd/journal": Spec("Actions journalisées", ("Action", "Nombre")),
}

#: The session-level export in the vocabulary of the Coop de la médiation numérique.
COOP_COLUMNS: tuple[str, ...] = (
    "date",
    "duree",
    "type_lieu",
    "structure",
    "thematiques",
    "thematiques_demarche",
    "autonomie",
    "tranche_age",
    "genre",
    "orientation",
)
