"""Seed the orientations reference lists. The rows are frozen here (not imported) so that this
migration means the same thing forever; later changes are made in the admin or a new migration."""

from django.db import migrations

REASON_CATEGORIES = (
    ("evaluation_sociale", "Évaluation sociale"),
    ("acces_droits", "Accès aux droits (RSA, CSS, prime d'activité…)"),
    ("logement", "Logement, hébergement"),
    ("budget", "Budget, dettes, énergie"),
    ("enfance_famille", "Enfance, famille, PMI"),
    ("protection_enfance", "Information préoccupante / protection de l'enfance"),
    ("demarche_en_ligne", "Démarche en ligne (vers le médiateur numérique)"),
    ("emploi_formation", "Emploi, formation"),
    ("sante", "Santé, handicap"),
    ("autre", "Autre"),
)

NEEDS = (
    ("illettrisme", "Ne lit pas ou n'écrit pas le français"),
    ("langue", "A besoin d'un interprète ou d'une autre langue"),
    ("handicap", "Handicap (mobilité, vue, audition…)"),
    ("sans_equipement", "Pas d'ordinateur ni de smartphone"),
    ("sans_adresse_mail", "Pas d'adresse électronique"),
    ("fin_de_droits", "Des droits s'arrêtent bientôt"),
    ("sans_ressources", "Sans ressources"),
    ("enfant_a_charge", "Enfant(s) à charge"),
)

DECLINE_REASONS = (
    ("hors_competence", "Hors de mes missions"),
    ("autre_professionnel", "Déjà suivi par un autre professionnel"),
    ("autre_mds", "Relève d'une autre MDS (domicile)"),
    ("informations_insuffisantes", "Informations insuffisantes"),
    ("personne_injoignable", "Personne injoignable"),
    ("autre", "Autre motif"),
)


def seed(apps, schema_editor):
    for model_name, rows in (
        ("ReasonCategory", REASON_CATEGORIES),
        ("Need", NEEDS),
        ("DeclineReason", DECLINE_REASONS),
    ):
        model = apps.get_model("orientations", model_name)
        for position, (code, label) in enumerate(rows, start=1):
            model.objects.get_or_create(
                code=code, defaults={"label": label, "position": position * 10}
            )


class Migration(migrations.Migration):
    dependencies = [("orientations", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
