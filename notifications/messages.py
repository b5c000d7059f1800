"""Message texts: short, in the person's language (FR, EN, AR), nothing sensitive.

A text names the MDS and a date, never the démarche, the organisme or the person's situation:
an SMS is read on a shared phone, a lock screen, by a relative. Texts to staff are in French.
"""

from __future__ import annotations

import string

from .models import Kind, Language


class TemplateError(ValueError):
    """A variable the text needs is missing (a bug in the caller): a permanent failure."""


#: (subject, body) per kind and language; ``{name}`` are the receipt's context variables
TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    Kind.APPOINTMENT: {
        Language.FR: (
            "Rappel de rendez-vous",
            "Rappel : rendez-vous demain {date} à la {mds}. Empêché(e) ? Prévenez la MDS.",
        ),
        Language.EN: (
            "Appointment reminder",
            "Reminder: appointment tomorrow {date} at {mds}. Can't come? Please tell the MDS.",
        ),
        Language.AR: (
            "تذكير بموعد",
            "تذكير: لديك موعد غدًا {date} في {mds}. إذا تعذر عليك الحضور، يرجى إبلاغ المركز.",
        ),
    },
    Kind.VAULT_EXPIRING: {
        Language.FR: (
            "Coffre : un élément sera détruit sous 24 h",
            "Un élément que vous avez déposé au coffre ({what}) sera détruit le {expires}. "
            "Remettez-le à la personne, prolongez avec un nouvel accord, ou laissez-le partir : "
            "{url}",
        )
    },
    Kind.FOLLOW_UP_DIGEST: {
        Language.FR: (
            "Suivis à relancer aujourd'hui",
            "Vous avez {count} suivi(s) à relancer aujourd'hui : {url}",
        )
    },
    Kind.REFERRAL_WAITING: {
        Language.FR: (
            "Orientation en attente",
            "Une orientation vous attend depuis {days} jours ouvrés : {url}",
        )
    },
    Kind.REFERRAL_ESCALATED: {
        Language.FR: (
            "Orientation sans réponse",
            "Une orientation de votre MDS attend sans avoir été vue depuis {days} jours "
            "ouvrés : {url}",
        )
    },
}


def render(*, kind: str, language: str, context: dict[str, object]) -> tuple[str, str]:
    """(subject, body) in ``language`` (French when the kind has no such translation)."""
    texts = TEXTS[kind]
    subject, body = texts.get(language) or texts[Language.FR]
    needed = {name for _, name, _, _ in string.Formatter().parse(body) if name}
    missing = sorted(needed - context.keys())
    if missing:
        raise TemplateError(f"Variable manquante dans le modèle : {', '.join(missing)}")
    return subject, body.format_map(context)
