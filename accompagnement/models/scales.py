"""Fixed scales of the accompagnement: the five modes of help, age bands, genders, equipment, Coop
themes. Choices, not tables: they change with the software, not with an operator."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

#: Longest session or atelier the software accepts (8 hours).
MAX_DURATION_MINUTES = 480
#: Duration presets offered by the session form (custom values are allowed too).
DURATION_PRESETS: tuple[int, ...] = (15, 30, 45, 60, 90, 120)


class ModeOfHelp(models.IntegerChoices):
    """The observation grid's five-level scale, from the most to the least autonomous."""

    LAISSER_FAIRE = 1, _("Laisser faire")
    FAIRE_FAIRE = 2, _("Faire faire")
    FORMER_A_FAIRE = 3, _("Former à faire")
    FAIRE_AVEC = 4, _("Faire avec")
    FAIRE_POUR = 5, _("Faire pour")


#: The trajectory reads the scale the other way round, as steps toward autonomy: *faire pour* is
#: step 1 of 5, *laisser faire* step 5 of 5 (#13).
AUTONOMY_STEPS = len(ModeOfHelp)


def autonomy_step(mode: int) -> int:
    """Position of a mode on the way to autonomy: 1 (faire pour) … 5 (laisser faire)."""
    return AUTONOMY_STEPS + 1 - ModeOfHelp(mode).value


#: Short definitions shown as help text next to each mode.
MODE_OF_HELP_DEFINITIONS: dict[int, StrOrPromise] = {
    ModeOfHelp.LAISSER_FAIRE: _(
        "La personne fait seule ; le médiateur est simplement présent en cas de besoin."
    ),
    ModeOfHelp.FAIRE_FAIRE: _(
        "Le médiateur guide à la voix, c'est la personne qui manipule et fait la démarche."
    ),
    ModeOfHelp.FORMER_A_FAIRE: _(
        "Le médiateur explique et montre pour que la personne sache le refaire seule la "
        "prochaine fois."
    ),
    ModeOfHelp.FAIRE_AVEC: _("La démarche est faite ensemble, les mains partagées."),
    ModeOfHelp.FAIRE_POUR: _(
        "Le médiateur fait la démarche à la place de la personne (motif et consentement "
        "obligatoires)."
    ),
}


class AgeBand(models.TextChoices):
    UNDER_12 = "moins_12", _("Moins de 12 ans")
    FROM_12_TO_18 = "12_18", _("12-18 ans")
    FROM_18_TO_24 = "18_24", _("18-24 ans")
    FROM_25_TO_39 = "25_39", _("25-39 ans")
    FROM_40_TO_59 = "40_59", _("40-59 ans")
    FROM_60_TO_69 = "60_69", _("60-69 ans")
    FROM_70 = "70_plus", _("70 ans et plus")

    @classmethod
    def for_age(cls, age: int) -> AgeBand:
        """The band of a person aged ``age`` (12-17 fall in "12-18", 18 in "18-24")."""
        if age < 12:
            return cls.UNDER_12
        if age < 18:
            return cls.FROM_12_TO_18
        if age < 25:
            return cls.FROM_18_TO_24
        if age < 40:
            return cls.FROM_25_TO_39
        if age < 60:
            return cls.FROM_40_TO_59
        if age < 70:
            return cls.FROM_60_TO_69
        return cls.FROM_70

    @classmethod
    def for_birth_year(cls, birth_year: int, today: dt.date) -> AgeBand:
        # Without the birthday we take the age reached this year: good enough for statistics.
        return cls.for_age(today.year - birth_year)


class Gender(models.TextChoices):
    FEMALE = "femme", _("Femme")
    MALE = "homme", _("Homme")
    OTHER = "autre", _("Autre")


class Equipment(models.TextChoices):
    SMARTPHONE = "smartphone", _("Smartphone")
    COMPUTER = "ordinateur", _("Ordinateur")
    TABLET = "tablette", _("Tablette")
    NONE = "aucun", _("Aucun équipement")


class InternetAtHome(models.TextChoices):
    YES = "oui", _("Oui")
    NO = "non", _("Non")
    UNKNOWN = "inconnu", _("Ne sait pas / non demandé")


class AtelierAudience(models.TextChoices):
    PUBLIC = "public", _("Pour les publics")
    PROFESSIONALS = "professionnels", _("Pour les professionnels")


class CoopTheme(models.TextChoices):
    """Themes of the national activity reports of the Coop de la médiation numérique.

    Codes are the Coop's API values (inclusion-numerique/coop-mediation-numerique, ``cra``
    module, 2025): 19 digital themes, one of which is "Aide aux démarches administratives", which
    is refined by 11 administrative themes. To be checked against the Coop's current export
    before merging figures.
    """

    # Digital themes ("thématiques non administratives")
    DIAGNOSTIC_NUMERIQUE = "diagnostic_numerique", _("Diagnostic numérique")
    PRENDRE_EN_MAIN_DU_MATERIEL = "prendre_en_main_du_materiel", _("Prendre en main du matériel")
    MAINTENANCE_DE_MATERIEL = "maintenance_de_materiel", _("Maintenance de matériel")
    GERE_SES_CONTENUS_NUMERIQUES = (
        "gere_ses_contenus_numeriques",
        _("Gérer ses contenus numériques"),
    )
    NAVIGATION_SUR_INTERNET = "navigation_sur_internet", _("Navigation sur internet")
    EMAIL = "email", _("E-mail")
    BUREAUTIQUE = "bureautique", _("Bureautique")
    RESEAUX_SOCIAUX = "reseaux_sociaux", _("Réseaux sociaux communication")
    SANTE = "sante", _("Santé")
    BANQUE_ET_ACHATS_EN_LIGNE = "banque_et_achats_en_ligne", _("Banque et achats en ligne")
    ENTREPRENEURIAT = "entrepreneuriat", _("Accompagner un professionnel")
    INSERTION_PROFESSIONNELLE = "insertion_professionnelle", _("Insertion professionnelle")
    SECURITE_NUMERIQUE = "securite_numerique", _("Prévention en sécurité numérique")
    PARENTALITE = "parentalite", _("Parentalité")
    SCOLARITE_ET_NUMERIQUE = "scolarite_et_numerique", _("Scolarité et numérique")
    CREER_AVEC_LE_NUMERIQUE = "creer_avec_le_numerique", _("Créer avec le numérique")
    CULTURE_NUMERIQUE = "culture_numerique", _("Culture numérique")
    INTELLIGENCE_ARTIFICIELLE = "intelligence_artificielle", _("Intelligence artificielle (IA)")
    AIDE_AUX_DEMARCHES_ADMINISTRATIVES = (
        "aide_aux_demarches_administratives",
        _("Aide aux démarches administratives"),
    )
    # Administrative themes ("thématiques administratives")
    PAPIERS_ELECTIONS_CITOYENNETE = (
        "papiers_elections_citoyennete",
        _("Papiers - Élections - Citoyenneté"),
    )
    FAMILLE_SCOLARITE = "famille_scolarite", _("Famille - Scolarité")
    SOCIAL_SANTE = "social_sante", _("Social - Santé")
    TRAVAIL_FORMATION = "travail_formation", _("Travail - Formation - Entreprise")
    LOGEMENT = "logement", _("Logement")
    TRANSPORTS_MOBILITE = "transports_mobilite", _("Transports - Mobilité")
    ARGENT_IMPOTS = "argent_impots", _("Argent - Impôts")
    JUSTICE = "justice", _("Justice")
    ETRANGERS_EUROPE = "etrangers_europe", _("Étrangers - Europe")
    LOISIRS_SPORTS_CULTURE = "loisirs_sports_culture", _("Loisirs - Sports - Culture")
    ASSOCIATIONS = "associations", _("Associations")


#: The 11 administrative themes (what an organisme maps to).
ADMINISTRATIVE_COOP_THEMES: frozenset[str] = frozenset(
    {
        CoopTheme.PAPIERS_ELECTIONS_CITOYENNETE,
        CoopTheme.FAMILLE_SCOLARITE,
        CoopTheme.SOCIAL_SANTE,
        CoopTheme.TRAVAIL_FORMATION,
        CoopTheme.LOGEMENT,
        CoopTheme.TRANSPORTS_MOBILITE,
        CoopTheme.ARGENT_IMPOTS,
        CoopTheme.JUSTICE,
        CoopTheme.ETRANGERS_EUROPE,
        CoopTheme.LOISIRS_SPORTS_CULTURE,
        CoopTheme.ASSOCIATIONS,
    }
)


def range_check(field: str, low: int, high: int, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": low, f"{field}__lte": high}), name=name
    )
