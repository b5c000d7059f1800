"""Seed the consent purposes and version 1 of their texts.

Frozen data: the rows are written here, not imported from the code, so this migration gives the
same database forever whatever the code becomes. A later change of a purpose or of a text is a
new data migration (or, for a text, a new version added in the admin: a text already used is
never modified). ``rgpd.demo.seed_consent_purposes`` re-runs :func:`seed` to put the rows back
after a flush (tests, demo).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import migrations

# (code, label, default validity in days or None, text of version 1)
PURPOSES = (
    (
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
    (
        "scanned_document",
        "Garder temporairement un document numérisé",
        30,
        "J'accepte que la Maison départementale de la solidarité photographie ou numérise un de "
        "mes documents et le garde, chiffré, pendant quelques jours (72 heures en général, 30 "
        "jours au plus), le temps de finir ma démarche. Il est ensuite détruit. Chaque "
        "consultation est enregistrée. Je peux retirer mon accord à tout moment : le document "
        "est alors détruit immédiatement.",
    ),
    (
        "share_social_worker",
        "Partager mon dossier avec un travailleur social",
        365,
        "J'accepte que le médiateur numérique transmette à un travailleur social de la MDS les "
        "informations utiles à mon accompagnement (démarches faites, difficultés rencontrées). "
        "Je peux retirer mon accord à tout moment.",
    ),
    (
        "reminders",
        "Recevoir des rappels par SMS ou courriel",
        365,
        "J'accepte de recevoir par SMS ou par courriel des rappels de mes rendez-vous à la MDS. "
        "Je peux retirer mon accord à tout moment.",
    ),
    (
        "survey",
        "Participer à une enquête",
        180,
        "J'accepte d'être sollicité(e) pour répondre à une enquête sur l'accueil et "
        "l'accompagnement numérique à la MDS. Mes réponses sont exploitées de manière anonyme. "
        "Je peux retirer mon accord à tout moment.",
    ),
    (
        "faire_pour",
        "Laisser le médiateur faire une démarche à ma place",
        None,
        "J'accepte que le médiateur numérique fasse à ma place une démarche en ligne que je ne "
        "peux pas faire, même accompagné(e). Il me dit ce qu'il fait et je garde le droit de "
        "l'arrêter. Je peux retirer mon accord à tout moment.",
    ),
)


def seed(apps: Any, schema_editor: Any) -> None:
    ConsentPurpose = apps.get_model("rgpd", "ConsentPurpose")
    ConsentText = apps.get_model("rgpd", "ConsentText")
    for position, (code, label, validity_days, text) in enumerate(PURPOSES, start=1):
        purpose, _ = ConsentPurpose.objects.get_or_create(
            code=code,
            defaults={
                "label": label,
                "default_validity_days": validity_days,
                "position": position * 10,
            },
        )
        if not ConsentText.objects.filter(purpose=purpose).exists():
            ConsentText.objects.create(
                purpose=purpose,
                version=1,
                text=text,
                sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            )


class Migration(migrations.Migration):
    dependencies = [("rgpd", "0003_consents_credentials_documents")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
