"""Texts of the waiting-room screen in its three languages.

The board is the only public, multilingual page: its few strings live here rather than in
gettext catalogues so that a screen shows FR, EN and AR without any compiled message file.
"""

from __future__ import annotations

BOARD_LANGUAGES: tuple[str, ...] = ("fr", "en", "ar")
RTL_LANGUAGES = frozenset({"ar"})

BOARD_TEXT: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Appels en cours",
        "ticket": "Ticket",
        "desk": "Bureau",
        "waiting": "Personnes en attente",
        "empty": "Aucun appel pour le moment",
        "reconnecting": "Connexion perdue, reconnexion…",
        "in_progress": "reçu",
    },
    "en": {
        "title": "Now calling",
        "ticket": "Ticket",
        "desk": "Desk",
        "waiting": "People waiting",
        "empty": "No call at the moment",
        "reconnecting": "Connection lost, reconnecting…",
        "in_progress": "seen",
    },
    "ar": {
        "title": "النداءات الجارية",
        "ticket": "التذكرة",
        "desk": "المكتب",
        "waiting": "عدد المنتظرين",
        "empty": "لا يوجد نداء حاليًا",
        "reconnecting": "انقطع الاتصال، جارٍ إعادة الاتصال…",
        "in_progress": "قيد الاستقبال",
    },
}


def board_language(requested: str | None) -> str:
    return requested if requested in BOARD_LANGUAGES else "fr"
