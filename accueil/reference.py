"""Reference data seeded by migration; the admin edits it afterwards."""

from typing import Any

MOTIVES = (
    # code, label, pictogram, routes_to (role), order
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


def seed_reference_data(apps: Any, schema_editor: Any = None) -> None:
    """Create missing motives and languages; never overwrite what the admin edited.

    Used by the data migration (historical ``apps``) and by ``seed_demo`` (``django.apps.apps``),
    so a database emptied by a test flush gets its reference lists back.
    """
    motive_model = apps.get_model("accueil", "Motive")
    language_model = apps.get_model("accueil", "Language")
    for code, label, pictogram, routes_to, order in MOTIVES:
        motive_model.objects.get_or_create(
            code=code,
            defaults={
                "label": label,
                "pictogram": pictogram,
                "routes_to": routes_to,
                "position": order,
            },
        )
    for code, label, order in LANGUAGES:
        language_model.objects.get_or_create(
            code=code, defaults={"label": label, "position": order}
        )
