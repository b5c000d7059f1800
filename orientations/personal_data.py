"""The personal data this app keeps, declared to rgpd's register in ``AppConfig.ready()``."""

from __future__ import annotations

from django.db.models import Case, Q, Value, When

from mds.roles import Role
from rgpd.personal_data import PUBLIC_INTEREST, Category, Erase

#: pseudonym and outcome of an anonymised referral (database constraints: a referral names a
#: person or a pseudonym, a closed one says its outcome; this names and says nothing)
ANONYMISED = "—"


def anonymised_outcome() -> Case:
    """The outcome once erased: a closed referral must keep one (constraint), so "—"."""
    return Case(When(outcome="", then=Value("")), default=Value(ANONYMISED))


CATEGORIES: tuple[Category, ...] = (
    Category(
        key="referrals",
        position=50,
        label="Orientations vers un professionnel ou un partenaire",
        model="orientations.Referral",
        fields=(
            "id",
            "mds__name",
            "sent_at",
            "state",
            "reason_category__label",
            "urgency",
            "note",
            "restricted",
            "target_role",
            "recipient__email",
            "partner__nom",
            "consent_given_at",
            "appointment_at",
            "appointment_place",
            "decline_message",
            "outcome",
        ),
        purpose="Orienter la personne, avec son accord, et suivre la réponse du professionnel.",
        legal_basis=PUBLIC_INTEREST,
        retention_key="referral",
        access=(
            Role.ACCUEIL,
            Role.MEDIATEUR,
            Role.TRAVAILLEUR_SOCIAL,
            Role.SECRETARIAT,
            Role.DIRECTION,
            Role.DPO,
        ),
        erase=Erase.UPDATE,
        person=lambda usager: Q(usager=usager),
        replace={
            "note": "",
            "decline_message": "",
            "outcome": anonymised_outcome,
            "appointment_place": "",
        },
        note="Les orientations confidentielles ne sont vues que par l'envoyeur, le destinataire "
        "nommé et la direction de la MDS.",
    ),
)
