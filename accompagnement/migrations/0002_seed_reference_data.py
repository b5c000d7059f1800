"""Seed the reference lists (organismes, kinds of help, origins, outcomes, rights, related-right
rules, forbidden acts). Seeding skips existing codes.

The data lives here, frozen: a migration must not follow later code changes.
accompagnement.reference re-runs this function (seed_demo and the tests put back rows a flush
removed); a later change of the lists is a new data migration listed there.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

# (code, label, coop_theme)
ORGANISMES: list[tuple[str, str, str]] = [
    ("caf", "CAF", "social_sante"),
    ("impots", "Impôts (DGFiP)", "argent_impots"),
    ("cpam", "CPAM (ameli)", "social_sante"),
    ("france_travail", "France Travail", "travail_formation"),
    ("logement_social", "Logement social (SNE)", "logement"),
    ("conseil_departemental", "Conseil départemental", "social_sante"),
    ("ants", "ANTS (permis, carte grise)", "transports_mobilite"),
    ("etat_civil", "État civil", "papiers_elections_citoyennete"),
    ("carsat", "CARSAT (retraite)", "travail_formation"),
    ("msa", "MSA", "social_sante"),
    ("mdph", "MDPH", "social_sante"),
    ("banque", "Banque", "argent_impots"),
    ("creche_ecole", "Crèche, école", "famille_scolarite"),
    ("dalo", "DALO (droit au logement opposable)", "logement"),
    ("autre", "Autre organisme", ""),
]

# (code, label, coop_theme)
KINDS_OF_HELP: list[tuple[str, str, str]] = [
    ("demarche_en_ligne", "Démarche administrative en ligne", "aide_aux_demarches_administratives"),
    ("ecoute_besoin", "Écoute du besoin", "aide_aux_demarches_administratives"),
    ("recherche_internet", "Recherche sur internet", "navigation_sur_internet"),
    ("creation_email", "Création d'une adresse e-mail", "email"),
    ("creation_compte", "Création d'un compte en ligne", "aide_aux_demarches_administratives"),
    ("reinitialisation_mot_de_passe", "Réinitialisation de mot de passe", "securite_numerique"),
    ("installation_application", "Installation d'une application", "maintenance_de_materiel"),
    ("numerisation_pieces", "Numérisation et envoi de pièces", "prendre_en_main_du_materiel"),
    ("impression", "Impression", "prendre_en_main_du_materiel"),
    ("cv_lettre", "CV, lettre de motivation", "insertion_professionnelle"),
    ("initiation_informatique", "Initiation à l'informatique", "prendre_en_main_du_materiel"),
    ("paiement_en_ligne", "Paiement en ligne", "banque_et_achats_en_ligne"),
    ("autre", "Autre aide", ""),
]

# (code, label)
ORIGINS: list[tuple[str, str]] = [
    ("spontane", "Venue spontanée"),
    ("oriente_professionnel", "Orientée par un professionnel"),
    ("aller_vers", "Aller-vers (le médiateur est allé vers la personne)"),
    ("file_accueil", "File d'attente de l'accueil"),
]

# (code, label, requires_next_appointment, needs_follow_up)
OUTCOMES: list[tuple[str, str, bool, bool]] = [
    ("fait", "Fait", False, False),
    ("a_poursuivre", "À poursuivre (prochain rendez-vous)", True, True),
    ("pieces_manquantes", "Pièces manquantes", False, True),
    ("reoriente", "Réorienté", False, False),
    ("abandonne", "Abandonné", False, False),
]

# (code, label, organisme code or "")
RIGHTS: list[tuple[str, str, str]] = [
    ("rsa", "RSA (revenu de solidarité active)", "caf"),
    ("prime_activite", "Prime d'activité", "caf"),
    ("apl", "Aide au logement (APL, ALS, ALF)", "caf"),
    ("aah", "AAH (allocation aux adultes handicapés)", "caf"),
    ("css", "Complémentaire santé solidaire (CSS)", "cpam"),
    ("fsl", "FSL (aide à l'installation, maintien dans le logement)", "conseil_departemental"),
    ("cmi", "Carte mobilité inclusion (CMI)", "mdph"),
]

# (trigger right code, suggested right code, note)
RELATED_RIGHT_RULES: list[tuple[str, str, str]] = [
    ("rsa", "css", "Le RSA ouvre en général droit à la CSS sans participation financière."),
    ("rsa", "prime_activite", "En cas de reprise d'activité, vérifier la prime d'activité."),
    ("apl", "fsl", "Entrée dans un logement ou impayés : le FSL peut aider."),
    ("aah", "css", "Vérifier la Complémentaire santé solidaire selon les ressources."),
    ("aah", "cmi", "Vérifier la carte mobilité inclusion auprès de la MDPH."),
]

FORBIDDEN_ACTS: list[dict[str, Any]] = [
    {
        "code": "carte_bancaire",
        "label": "Utiliser la carte bancaire de la personne",
        "roles": ["mediateur"],
        "kind_of_help": "paiement_en_ligne",
        "organisme": None,
        "right": None,
        "min_mode": 5,  # faire pour
        "explanation": (
            "Saisir les données bancaires d'une personne engage la responsabilité du médiateur "
            "et l'expose à la fraude : c'est la personne qui saisit elle-même sa carte."
        ),
        "suggestion": (
            "Guidez la personne pour qu'elle saisisse elle-même sa carte (faire faire), "
            "ou orientez vers un travailleur social de la MDS."
        ),
    },
    {
        "code": "declaration_trimestrielle_rsa",
        "label": "Faire la déclaration trimestrielle RSA (DTR)",
        "roles": ["mediateur"],
        "kind_of_help": None,
        "organisme": "caf",
        "right": "rsa",
        "min_mode": 5,  # faire pour
        "explanation": (
            "La déclaration trimestrielle de ressources engage la personne : une erreur peut "
            "entraîner un indu. Elle ne peut pas être faite à sa place par un médiateur."
        ),
        "suggestion": "Orientez vers le référent RSA ou un travailleur social de la MDS.",
    },
    {
        "code": "logiciels_professionnels",
        "label": "Accéder aux logiciels professionnels",
        "roles": ["mediateur"],
        "kind_of_help": None,
        "organisme": None,
        "right": None,
        "min_mode": None,
        "explanation": (
            "Les logiciels métiers (portails partenaires, dossiers sociaux) sont réservés aux "
            "agents habilités ; le médiateur n'y a pas accès, même pour aider."
        ),
        "suggestion": "Orientez vers un travailleur social de la MDS, qui consultera le dossier.",
    },
]


def seed_reference_data(apps: Any, schema_editor: Any) -> None:
    """Create the seed rows that do not exist yet (by code). Used by migration 0002."""
    organisme_model = apps.get_model("accompagnement", "Organisme")
    kind_model = apps.get_model("accompagnement", "KindOfHelp")
    origin_model = apps.get_model("accompagnement", "Origin")
    outcome_model = apps.get_model("accompagnement", "Outcome")
    right_model = apps.get_model("accompagnement", "SocialRight")
    rule_model = apps.get_model("accompagnement", "RelatedRightRule")
    act_model = apps.get_model("accompagnement", "ForbiddenAct")

    for position, (code, label, theme) in enumerate(ORGANISMES, start=1):
        organisme_model.objects.get_or_create(
            code=code, defaults={"label": label, "coop_theme": theme, "position": position * 10}
        )
    for position, (code, label, theme) in enumerate(KINDS_OF_HELP, start=1):
        kind_model.objects.get_or_create(
            code=code, defaults={"label": label, "coop_theme": theme, "position": position * 10}
        )
    for position, (code, label) in enumerate(ORIGINS, start=1):
        origin_model.objects.get_or_create(
            code=code, defaults={"label": label, "position": position * 10}
        )
    for position, (code, label, requires_next, follow_up) in enumerate(OUTCOMES, start=1):
        outcome_model.objects.get_or_create(
            code=code,
            defaults={
                "label": label,
                "position": position * 10,
                "requires_next_appointment": requires_next,
                "needs_follow_up": follow_up,
            },
        )
    organismes = {o.code: o for o in organisme_model.objects.all()}
    kinds = {k.code: k for k in kind_model.objects.all()}
    for position, (code, label, organisme_code) in enumerate(RIGHTS, start=1):
        right_model.objects.get_or_create(
            code=code,
            defaults={
                "label": label,
                "position": position * 10,
                "organisme": organismes.get(organisme_code),
            },
        )
    rights = {r.code: r for r in right_model.objects.all()}
    for position, (trigger, suggested, note) in enumerate(RELATED_RIGHT_RULES, start=1):
        rule_model.objects.get_or_create(
            trigger_right=rights[trigger],
            suggested_right=rights[suggested],
            organisme=None,
            kind_of_help=None,
            defaults={"note": note, "position": position * 10},
        )
    for position, act in enumerate(FORBIDDEN_ACTS, start=1):
        act_model.objects.get_or_create(
            code=act["code"],
            defaults={
                "label": act["label"],
                "roles": list(act["roles"]),
                "explanation": act["explanation"],
                "suggestion": act["suggestion"],
                "organisme": organismes.get(act["organisme"] or ""),
                "kind_of_help": kinds.get(act["kind_of_help"] or ""),
                "right": rights.get(act["right"] or ""),
                "min_mode": act["min_mode"],
                "position": position * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accompagnement", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed_reference_data, migrations.RunPython.noop),
    ]
