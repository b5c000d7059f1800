from django.db import migrations

# Frozen copy of the first reference lists (this migration must not follow later code changes;
# accueil.reference.seed_reference_data is the live version used by seed_demo and the tests).
MOTIVES = (
    ("rdv-social", "Rendez-vous avec un travailleur social", "🤝", "travailleur_social", 10),
    ("mediation", "Démarche en ligne / médiation numérique", "💻", "mediateur", 20),
    ("information", "Information", "ℹ️", "accueil", 30),
    ("depot", "Dépôt de document", "📄", "secretariat", 40),
    ("pmi", "PMI (protection maternelle et infantile)", "👶", "secretariat", 50),
    ("autre", "Autre", "💬", "accueil", 60),
)
LANGUAGES = (
    ("fr", "Français", 0),
    ("ar", "العربية (arabe)", 10),
    ("en", "English (anglais)", 20),
    ("es", "Español (espagnol)", 30),
    ("it", "Italiano (italien)", 40),
    ("tr", "Türkçe (turc)", 50),
    ("ro", "Română (roumain)", 60),
    ("ru", "Русский (russe)", 70),
    ("uk", "Українська (ukrainien)", 80),
    ("km", "Comorien (shikomori)", 90),
    ("lsf", "Langue des signes française", 100),
)


def seed(apps, schema_editor):
    Motive = apps.get_model("accueil", "Motive")
    Language = apps.get_model("accueil", "Language")
    for code, label, pictogram, routes_to, order in MOTIVES:
        Motive.objects.get_or_create(
            code=code,
            defaults={
                "label": label,
                "pictogram": pictogram,
                "routes_to": routes_to,
                "order": order,
            },
        )
    for code, label, order in LANGUAGES:
        Language.objects.get_or_create(code=code, defaults={"label": label, "order": order})


class Migration(migrations.Migration):
    dependencies = [("accueil", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
