"""Reference lists of the orientations app, frozen here and seeded by migration 0002.

The admin edits them afterwards (labels, order, deactivation); codes are stable.
"""

from __future__ import annotations

#: Why the person is referred (reason categories).
REASON_CATEGORIES: tuple[tuple[str, str], ...] = (
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

#: What the receiving professional should know before meeting the person.
NEEDS: tuple[tuple[str, str], ...] = (
    ("illettrisme", "Ne lit pas ou n'écrit pas le français"),
    ("langue", "A besoin d'un interprète ou d'une autre langue"),
    ("handicap", "Handicap (mobilité, vue, audition…)"),
    ("sans_equipement", "Pas d'ordinateur ni de smartphone"),
    ("sans_adresse_mail", "Pas d'adresse électronique"),
    ("fin_de_droits", "Des droits s'arrêtent bientôt"),
    ("sans_ressources", "Sans ressources"),
    ("enfant_a_charge", "Enfant(s) à charge"),
)

#: Why a recipient declines a referral.
DECLINE_REASONS: tuple[tuple[str, str], ...] = (
    ("hors_competence", "Hors de mes missions"),
    ("autre_professionnel", "Déjà suivi par un autre professionnel"),
    ("autre_mds", "Relève d'une autre MDS (domicile)"),
    ("informations_insuffisantes", "Informations insuffisantes"),
    ("personne_injoignable", "Personne injoignable"),
    ("autre", "Autre motif"),
)

#: The reason category that makes a referral restricted (visible to sender, recipient, direction).
RESTRICTED_REASON_CODE = "protection_enfance"

#: data·inclusion ``thematiques`` used by the directory search (subset of the schema's
#: referentiel; any well-formed code is accepted on import and shown as is when unknown).
THEMATIQUES: tuple[tuple[str, str], ...] = (
    ("numerique", "Numérique"),
    ("numerique--acceder-a-du-materiel", "Accéder à du matériel informatique"),
    ("numerique--realiser-des-demarches-administratives", "Réaliser des démarches en ligne"),
    ("numerique--prendre-en-main-un-ordinateur", "Prendre en main un ordinateur"),
    ("numerique--prendre-en-main-un-smartphone-ou-une-tablette", "Prendre en main un smartphone"),
    ("numerique--creer-et-utiliser-une-adresse-mail", "Créer et utiliser une adresse mail"),
    ("acces-aux-droits-et-citoyennete", "Accès aux droits et citoyenneté"),
    ("apprendre-francais", "Apprendre le français"),
    ("famille", "Famille"),
    ("logement-hebergement", "Logement, hébergement"),
    ("gestion-financiere", "Gestion financière"),
    ("sante", "Santé"),
    ("trouver-un-emploi", "Trouver un emploi"),
)


def seed_reference_data() -> None:
    """Put the lists back when a test flush emptied them (same rows as migration 0002)."""
    from .models import DeclineReason, Need, ReasonCategory

    for model, rows in (
        (ReasonCategory, REASON_CATEGORIES),
        (Need, NEEDS),
        (DeclineReason, DECLINE_REASONS),
    ):
        for position, (code, label) in enumerate(rows, start=1):
            model.objects.get_or_create(
                code=code, defaults={"label": label, "position": position * 10}
            )
