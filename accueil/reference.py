"""Reference data seeded by migration; the admin edits it afterwards."""

import re
from typing import Any

from django.utils.text import slugify

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


#: Usual desk names and their English and Arabic forms; "Bureau 2" → "Office 2", "المكتب 2".
DESK_WORDS = (
    ("accueil", "Reception", "الاستقبال"),
    ("bureau", "Office", "المكتب"),
    ("guichet", "Counter", "الشباك"),
    ("salle", "Room", "القاعة"),
    ("box", "Booth", "المقصورة"),
)
_DESK_NAME = re.compile(r"^\s*(?P<word>[^\W\d_]+)\s*(?:n°|no|n)?\s*(?P<number>\d{0,3})\s*$", re.I)


def suggested_desk_translations(label: str) -> tuple[str, str]:
    """English and Arabic names for a usual French desk name, or blanks (the admin fills them).

    Used when a desk row is created from a name (data migration, a new name typed at a desk).
    """
    match = _DESK_NAME.match(label)
    if match is None:
        return "", ""
    number = match["number"]
    for word, english, arabic in DESK_WORDS:
        if match["word"].lower() == word:
            return (f"{english} {number}".strip(), f"{arabic} {number}".strip())
    return "", ""


def unique_desk_code(desk_model: Any, mds_id: int, label: str) -> str:
    """A code for a new desk of an MDS, from its name ("Bureau 2" → "bureau-2")."""
    base = slugify(label)[:44] or "bureau"
    code, suffix = base, 1
    while desk_model.objects.filter(mds_id=mds_id, code=code).exists():
        suffix += 1
        code = f"{base}-{suffix}"
    return code
