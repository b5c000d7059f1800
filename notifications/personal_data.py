"""The personal data this app keeps, declared to rgpd's register in ``AppConfig.ready()``."""

from __future__ import annotations

from django.db.models import Q

from mds.roles import Role
from rgpd.personal_data import CONSENT, MEDIATION, Category, Erase

CATEGORIES: tuple[Category, ...] = (
    Category(
        key="reminder_contact",
        position=85,
        label="Contact pour les rappels",
        model="notifications.Contact",
        fields=("channel", "phone", "email", "language"),
        purpose="Envoyer à la personne les rappels de rendez-vous qu'elle a acceptés.",
        legal_basis=CONSENT,
        retention_key=None,
        retention_note="Tant que le consentement « rappels » court ; supprimé à l'anonymisation.",
        access=MEDIATION,
        erase=Erase.DELETE,
        person=lambda usager: Q(usager=usager),
    ),
    Category(
        key="receipts",
        position=86,
        label="Accusés d'envoi des rappels",
        model="notifications.Receipt",
        fields=("created_at", "kind", "channel", "status", "to_masked", "error"),
        purpose="Savoir si un rappel est parti, a échoué ou n'a pas été envoyé, et pourquoi.",
        legal_basis=CONSENT,
        retention_key="receipt",
        access=(Role.ADMIN, Role.DPO),
        erase=Erase.UPDATE,
        person=lambda usager: Q(usager=usager),
        replace={"usager": None, "to_masked": "", "context": {}},
        note="Jamais le texte du message ; l'adresse n'est gardée que masquée.",
    ),
)
