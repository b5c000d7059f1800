"""Kinds of help the seed's démarches name and the first lists missed (#13, item 12): housing
request and renewal, CAF declarations and simulations, CSS, France Travail registration, ANTS
titles, tax return, retirement. Frozen data, like 0002; seeding skips existing codes and puts the
new kinds just before "Autre aide". The forbidden acts (RSA quarterly declaration for a trainee,
bank card) stay in 0002's list: a kind of help is not a permission.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

# (code, label, coop_theme)
KINDS_OF_HELP: list[tuple[str, str, str]] = [
    (
        "demande_logement_social",
        "Demande ou renouvellement de logement social",
        "aide_aux_demarches_administratives",
    ),
    (
        "simulation_droits",
        "Simulation de droits (CAF, mes-aides)",
        "aide_aux_demarches_administratives",
    ),
    (
        "declaration_situation",
        "Déclaration de ressources ou changement de situation",
        "aide_aux_demarches_administratives",
    ),
    (
        "demande_prestation",
        "Demande d'aide ou de prestation (CSS, APL, prime d'activité…)",
        "aide_aux_demarches_administratives",
    ),
    (
        "inscription_france_travail",
        "Inscription ou actualisation France Travail",
        "insertion_professionnelle",
    ),
    (
        "demande_titre",
        "Demande de titre (carte d'identité, passeport, permis, carte grise)",
        "aide_aux_demarches_administratives",
    ),
    ("declaration_revenus", "Déclaration de revenus", "aide_aux_demarches_administratives"),
    ("demande_retraite", "Demande de retraite", "aide_aux_demarches_administratives"),
]

FIRST_POSITION = 121  # after "Paiement en ligne" (120), before "Autre aide" (130)


def seed_reference_data(apps: Any, schema_editor: Any) -> None:
    kind_model = apps.get_model("accompagnement", "KindOfHelp")
    for offset, (code, label, theme) in enumerate(KINDS_OF_HELP):
        kind_model.objects.get_or_create(
            code=code,
            defaults={"label": label, "coop_theme": theme, "position": FIRST_POSITION + offset},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accompagnement", "0005_reference_item"),
    ]

    operations = [
        migrations.RunPython(seed_reference_data, migrations.RunPython.noop),
    ]
