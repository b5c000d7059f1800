"""Consent purposes and the first version of the text read to the person (seeded by migration 0004).

The texts are plain French, short enough to be read aloud. A new version is added in the admin
(``ConsentText``); a consent always points to the exact version it was given on, with its SHA-256.
"""

from __future__ import annotations

from typing import NamedTuple


class PurposeSeed(NamedTuple):
    code: str
    label: str
    default_validity_days: int | None
    text: str


PURPOSES: tuple[PurposeSeed, ...] = (
    PurposeSeed(
        "temporary_credential",
        "Garder temporairement des identifiants",
        30,
        "J'accepte que la Maison départementale de la solidarité garde, chiffrés, l'identifiant "
        "et le mot de passe d'un de mes comptes en ligne pendant quelques jours (7 jours en "
        "général, 30 jours au plus), le temps de finir ma démarche. Ils sont ensuite détruits. "
        "Seul un médiateur de la MDS peut les afficher, en indiquant pourquoi, et chaque "
        "affichage est enregistré. Je peux retirer mon accord à tout moment : ils sont alors "
        "détruits immédiatement. Le plus simple reste que je garde moi-même mes identifiants : "
        "la MDS peut me les remettre sur une feuille.",
    ),
    PurposeSeed(
        "scanned_document",
        "Garder temporairement un document numérisé",
        30,
        "J'accepte que la Maison départementale de la solidarité photographie ou numérise un de "
        "mes documents et le garde, chiffré, pendant quelques jours (72 heures en général, 30 "
        "jours au plus), le temps de finir ma démarche. Il est ensuite détruit. Chaque "
        "consultation est enregistrée. Je peux retirer mon accord à tout moment : le document "
        "est alors détruit immédiatement.",
    ),
    PurposeSeed(
        "share_social_worker",
        "Partager mon dossier avec un travailleur social",
        365,
        "J'accepte que le médiateur numérique transmette à un travailleur social de la MDS les "
        "informations utiles à mon accompagnement (démarches faites, difficultés rencontrées). "
        "Je peux retirer mon accord à tout moment.",
    ),
    PurposeSeed(
        "reminders",
        "Recevoir des rappels par SMS ou courriel",
        365,
        "J'accepte de recevoir par SMS ou par courriel des rappels de mes rendez-vous à la MDS. "
        "Je peux retirer mon accord à tout moment.",
    ),
    PurposeSeed(
        "survey",
        "Participer à une enquête",
        180,
        "J'accepte d'être sollicité(e) pour répondre à une enquête sur l'accueil et "
        "l'accompagnement numérique à la MDS. Mes réponses sont exploitées de manière anonyme. "
        "Je peux retirer mon accord à tout moment.",
    ),
    PurposeSeed(
        "faire_pour",
        "Laisser le médiateur faire une démarche à ma place",
        None,
        "J'accepte que le médiateur numérique fasse à ma place une démarche en ligne que je ne "
        "peux pas faire, même accompagné(e). Il me dit ce qu'il fait et je garde le droit de "
        "l'arrêter. Je peux retirer mon accord à tout moment.",
    ),
)
