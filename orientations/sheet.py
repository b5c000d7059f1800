"""Texts of the printable orientation sheet in the person's language (FR, EN, AR), like the
waiting-room board: a small fixed vocabulary, kept here rather than in gettext catalogs."""

from __future__ import annotations

SHEET_LANGUAGES: tuple[str, ...] = ("fr", "en", "ar")
RTL_LANGUAGES = frozenset({"ar"})

SHEET_TEXT: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Où aller",
        "where": "Adresse",
        "when": "Quand",
        "what": "Ce qui est proposé",
        "bring": "À apporter",
        "bring_list": "Votre pièce d'identité, votre téléphone, vos courriers, "
        "vos identifiants si vous les avez.",
        "contact": "Contact",
        "free": "Gratuit",
        "print": "Imprimer",
        "language": "Langue de la fiche",
    },
    "en": {
        "title": "Where to go",
        "where": "Address",
        "when": "When",
        "what": "What is offered",
        "bring": "What to bring",
        "bring_list": "Your ID, your phone, your letters, your logins if you have them.",
        "contact": "Contact",
        "free": "Free",
        "print": "Print",
        "language": "Sheet language",
    },
    "ar": {
        "title": "إلى أين تذهب",
        "where": "العنوان",
        "when": "متى",
        "what": "ما يُقدَّم",
        "bring": "ما يجب إحضاره",
        "bring_list": "بطاقة الهوية، هاتفك، رسائلك، ومعرّفات الدخول إن وُجدت.",
        "contact": "للتواصل",
        "free": "مجاني",
        "print": "اطبع",
        "language": "لغة الورقة",
    },
}

WEEKDAYS: dict[str, tuple[str, ...]] = {
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "ar": ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"),
}

OFFERS: dict[str, dict[str, str]] = {
    "fr": {
        "ordinateurs": "Ordinateurs en libre accès",
        "ateliers": "Ateliers numériques",
        "demarches": "Aide aux démarches en ligne",
        "langues": "Accueil en plusieurs langues",
    },
    "en": {
        "ordinateurs": "Free computers",
        "ateliers": "Digital workshops",
        "demarches": "Help with online procedures",
        "langues": "Help in several languages",
    },
    "ar": {
        "ordinateurs": "حواسيب مجانية",
        "ateliers": "ورشات رقمية",
        "demarches": "مساعدة في الإجراءات عبر الإنترنت",
        "langues": "استقبال بعدة لغات",
    },
}
