"""Accompagnement: reference data, usagers, mediation sessions, démarches and ateliers.

Reference data (organismes, kinds of help, origins, outcomes, rights, forbidden acts, related-right
rules) lives in tables the admin edits; it is seeded by a data migration from
:mod:`accompagnement.reference`. Fixed scales (the five modes of help, age bands…) are choices.

Models hold invariants (database constraints); rules that span several rows live in
:mod:`accompagnement.services`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import Exact, GreaterThan
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from mds.idempotency import idempotency_key_field
from mds.models import MDS, ReferenceItem
from mds.roles import Role

#: Longest session or atelier the software accepts (8 hours).
MAX_DURATION_MINUTES = 480
#: Duration presets offered by the session form (custom values are allowed too).
DURATION_PRESETS: tuple[int, ...] = (15, 30, 45, 60, 90, 120)


# --------------------------------------------------------------------------------------------
# Fixed scales
# --------------------------------------------------------------------------------------------


class ModeOfHelp(models.IntegerChoices):
    """The observation grid's five-level scale, from the most to the least autonomous."""

    LAISSER_FAIRE = 1, _("Laisser faire")
    FAIRE_FAIRE = 2, _("Faire faire")
    FORMER_A_FAIRE = 3, _("Former à faire")
    FAIRE_AVEC = 4, _("Faire avec")
    FAIRE_POUR = 5, _("Faire pour")


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


def _range_check(field: str, low: int, high: int, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": low, f"{field}__lte": high}), name=name
    )


# --------------------------------------------------------------------------------------------
# Reference data (admin-editable, seeded by migration 0002)
# --------------------------------------------------------------------------------------------


class Organisme(ReferenceItem):
    coop_theme = models.CharField(
        _("thématique administrative nationale"),
        max_length=50,
        choices=CoopTheme.choices,
        blank=True,
        help_text=_("Thématique « Aide aux démarches administratives » de la Coop (exports)."),
    )

    class Meta(ReferenceItem.Meta):
        verbose_name = _("organisme")
        verbose_name_plural = _("organismes")


class KindOfHelp(ReferenceItem):
    coop_theme = models.CharField(
        _("thématique nationale"),
        max_length=50,
        choices=CoopTheme.choices,
        blank=True,
        help_text=_("Thématique de médiation numérique de la Coop (exports)."),
    )

    class Meta(ReferenceItem.Meta):
        verbose_name = _("type d'aide")
        verbose_name_plural = _("types d'aide")


class Origin(ReferenceItem):
    """How the person came: spontaneous, oriented by a professional, aller-vers, accueil queue."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("origine")
        verbose_name_plural = _("origines")


#: Code of the origin used when a session comes from the accueil queue (prefilled).
ORIGIN_ACCUEIL_QUEUE = "file_accueil"


class Outcome(ReferenceItem):
    requires_next_appointment = models.BooleanField(
        _("exige un prochain rendez-vous"), default=False
    )
    needs_follow_up = models.BooleanField(
        _("à suivre"),
        default=False,
        help_text=_("La séance apparaît dans « Mes suivis » tant qu'elle n'est pas soldée."),
    )

    class Meta(ReferenceItem.Meta):
        verbose_name = _("issue")
        verbose_name_plural = _("issues")


class SocialRight(ReferenceItem):
    """A right or benefit a démarche may concern (RSA, APL, AAH…): drives "droits connexes"."""

    organisme = models.ForeignKey(
        Organisme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rights",
        verbose_name=_("organisme gestionnaire"),
    )

    class Meta(ReferenceItem.Meta):
        verbose_name = _("droit ou prestation")
        verbose_name_plural = _("droits et prestations")


def validate_roles(value: Any) -> None:
    if not isinstance(value, list) or any(role not in Role.values for role in value):
        raise ValidationError(_("Liste de rôles invalide."), code="invalid_roles")


class ForbiddenAct(ReferenceItem):
    """An act some roles may not do (e.g. a trainee using the person's bank card).

    A démarche *hits* the act when the mediator declares it (ticks it in the form), or when the
    act has matching criteria (organisme, kind of help, right, minimum mode) and every criterion
    that is set matches the démarche. An act without criteria is only hit by declaration.
    """

    roles = models.JSONField(
        _("interdit pour les rôles"),
        default=list,
        blank=True,
        validators=[validate_roles],
    )
    explanation = models.TextField(_("pourquoi"), max_length=600)
    suggestion = models.CharField(
        _("que faire à la place"),
        max_length=300,
        help_text=_("Ex. : « Orientez vers un travailleur social de la MDS. »"),
    )
    organisme = models.ForeignKey(
        Organisme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("si l'organisme est"),
    )
    kind_of_help = models.ForeignKey(
        KindOfHelp,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("si le type d'aide est"),
    )
    right = models.ForeignKey(
        SocialRight,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("si le droit concerné est"),
    )
    min_mode = models.PositiveSmallIntegerField(
        _("à partir du mode d'aide"),
        choices=ModeOfHelp.choices,
        null=True,
        blank=True,
        help_text=_("Ex. : « Faire pour » = seulement quand le médiateur fait à la place."),
    )

    class Meta(ReferenceItem.Meta):
        verbose_name = _("acte interdit")
        verbose_name_plural = _("actes interdits")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_mode__isnull=True) | Q(min_mode__gte=1, min_mode__lte=5),
                name="forbidden_act_min_mode_range",
            )
        ]

    @property
    def has_criteria(self) -> bool:
        return any(
            value is not None
            for value in (self.organisme_id, self.kind_of_help_id, self.right_id, self.min_mode)
        )

    def is_forbidden_for(self, role: str) -> bool:
        return role in (self.roles or [])

    def matches(
        self,
        *,
        organisme_id: int | None,
        kind_of_help_id: int,
        right_id: int | None,
        mode_of_help: int,
    ) -> bool:
        """True when the act has criteria and all of them match the démarche."""
        if not self.has_criteria:
            return False
        return (
            (self.organisme_id is None or self.organisme_id == organisme_id)
            and (self.kind_of_help_id is None or self.kind_of_help_id == kind_of_help_id)
            and (self.right_id is None or self.right_id == right_id)
            and (self.min_mode is None or mode_of_help >= self.min_mode)
        )


class RelatedRightRule(models.Model):
    """ "Droits connexes": when a démarche matches the trigger, suggest checking another right."""

    organisme = models.ForeignKey(
        Organisme,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("si l'organisme est"),
    )
    kind_of_help = models.ForeignKey(
        KindOfHelp,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("si le type d'aide est"),
    )
    trigger_right = models.ForeignKey(
        SocialRight,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rules_triggered",
        verbose_name=_("si le droit concerné est"),
    )
    suggested_right = models.ForeignKey(
        SocialRight,
        on_delete=models.CASCADE,
        related_name="rules_suggesting",
        verbose_name=_("droit à vérifier"),
    )
    note = models.CharField(
        _("conseil"),
        max_length=300,
        blank=True,
        help_text=_("Ex. : « Le RSA ouvre en général droit à la CSS sans participation. »"),
    )
    position = models.PositiveSmallIntegerField(_("ordre d'affichage"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("règle de droits connexes")
        verbose_name_plural = _("règles de droits connexes")
        ordering = ("position", "pk")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(organisme__isnull=False)
                    | Q(kind_of_help__isnull=False)
                    | Q(trigger_right__isnull=False)
                ),
                name="related_right_rule_has_trigger",
                violation_error_message=_(
                    "Indiquez au moins un déclencheur : organisme, type d'aide ou droit."
                ),
            ),
            models.CheckConstraint(
                condition=Q(trigger_right__isnull=True) | ~Q(trigger_right=F("suggested_right")),
                name="related_right_rule_not_itself",
                violation_error_message=_("Un droit ne peut pas se suggérer lui-même."),
            ),
        ]

    def __str__(self) -> str:
        trigger = " × ".join(
            str(part)
            for part in (self.organisme, self.kind_of_help, self.trigger_right)
            if part is not None
        )
        return f"{trigger} → {self.suggested_right}"

    def matches(
        self, *, organisme_id: int | None, kind_of_help_id: int, right_id: int | None
    ) -> bool:
        return (
            (self.organisme_id is None or self.organisme_id == organisme_id)
            and (self.kind_of_help_id is None or self.kind_of_help_id == kind_of_help_id)
            and (self.trigger_right_id is None or self.trigger_right_id == right_id)
        )


# --------------------------------------------------------------------------------------------
# People and activity
# --------------------------------------------------------------------------------------------


def validate_equipment(value: Any) -> None:
    if not isinstance(value, list) or any(item not in Equipment.values for item in value):
        raise ValidationError(_("Équipement inconnu."), code="invalid_equipment")
    if Equipment.NONE in value and len(value) > 1:
        raise ValidationError(
            _("« Aucun équipement » ne se combine pas avec un autre équipement."),
            code="equipment_none_exclusive",
        )


class Usager(models.Model):
    """A person helped: a light profile, no identity papers, no health data, no secrets."""

    mds = models.ForeignKey(MDS, on_delete=models.PROTECT, related_name="usagers")
    display_name = models.CharField(
        _("prénom ou pseudonyme"),
        max_length=80,
        blank=True,
        help_text=_("Facultatif. Un prénom ou un pseudonyme suffit pour retrouver la personne."),
    )
    birth_year = models.PositiveSmallIntegerField(_("année de naissance"), null=True, blank=True)
    age_band = models.CharField(
        _("tranche d'âge"), max_length=10, choices=AgeBand.choices, blank=True
    )
    gender = models.CharField(_("genre"), max_length=10, choices=Gender.choices, blank=True)
    equipment = models.JSONField(
        _("équipement"), default=list, blank=True, validators=[validate_equipment]
    )
    internet_at_home = models.CharField(
        _("internet à domicile"),
        max_length=10,
        choices=InternetAtHome.choices,
        default=InternetAtHome.UNKNOWN,
    )
    languages = models.CharField(_("langues parlées"), max_length=120, blank=True)
    notes = models.TextField(
        _("remarques"),
        max_length=500,
        blank=True,
        help_text=_(
            "Pas de données de santé, pas de mots de passe, pas de numéros de pièces. "
            "Quelques mots utiles au prochain accompagnement seulement."
        ),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("créé par"),
    )
    idempotency_key = idempotency_key_field()

    class Meta:
        verbose_name = _("usager")
        verbose_name_plural = _("usagers")
        ordering = ("-created_at",)
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True)
                | Q(birth_year__gte=1900, birth_year__lte=2100),
                name="usager_birth_year_range",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or str(_("Usager n° %(pk)s") % {"pk": self.pk})


class MediationSession(models.Model):
    """One individual accompaniment: who, when, how long, how the person came, the démarches."""

    mds = models.ForeignKey(MDS, on_delete=models.PROTECT, related_name="mediation_sessions")
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="mediation_sessions",
        verbose_name=_("médiateur"),
    )
    date = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"))
    origin = models.ForeignKey(
        Origin, on_delete=models.PROTECT, related_name="+", verbose_name=_("origine")
    )
    usager = models.ForeignKey(
        Usager,
        on_delete=models.PROTECT,  # erasure anonymises the usager, it never deletes the history
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("usager"),
    )
    age_band = models.CharField(
        _("tranche d'âge"),
        max_length=10,
        choices=AgeBand.choices,
        blank=True,
        help_text=_("Obligatoire pour un accompagnement anonyme ; copiée depuis l'usager sinon."),
    )
    outcome = models.ForeignKey(
        Outcome, on_delete=models.PROTECT, related_name="+", verbose_name=_("issue")
    )
    next_appointment = models.DateField(_("prochain rendez-vous"), null=True, blank=True)
    file_number = models.CharField(_("numéro de dossier remis"), max_length=60, blank=True)
    faire_pour_reason = models.TextField(_("motif du « faire pour »"), max_length=500, blank=True)
    # Seam for the vault issue: this boolean becomes a link to a consent record (rgpd); the only
    # rule reading it is services._check_faire_pour_consent.
    consent_recorded = models.BooleanField(_("consentement recueilli"), default=False)
    # The accueil passage this session comes from, when the mediator called it from the queue
    # (the origin is then "file d'accueil"). One session per passage.
    passage = models.OneToOneField(
        "accueil.Passage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mediation_session",
        verbose_name=_("passage à l'accueil"),
    )
    follow_up_done = models.BooleanField(_("suivi soldé"), default=False)
    follow_up_done_at = models.DateTimeField(_("suivi soldé le"), null=True, blank=True)
    idempotency_key = models.UUIDField(_("clé d'envoi"), unique=True, editable=False)
    created_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)

    class Meta:
        verbose_name = _("accompagnement")
        verbose_name_plural = _("accompagnements")
        ordering = ("-date", "-created_at")
        constraints = [
            _range_check(
                "duration_minutes", 1, MAX_DURATION_MINUTES, "mediation_session_duration_range"
            ),
            models.CheckConstraint(
                condition=Q(usager__isnull=False) | ~Q(age_band=""),
                name="mediation_session_anonymous_has_age_band",
                violation_error_message=_(
                    "Un accompagnement anonyme doit indiquer la tranche d'âge."
                ),
            ),
            models.CheckConstraint(
                condition=Q(next_appointment__isnull=True) | Q(next_appointment__gte=F("date")),
                name="mediation_session_next_after_date",
            ),
        ]
        indexes = [
            models.Index(fields=["mds", "date"], name="session_mds_date"),
            models.Index(fields=["mediator", "follow_up_done"], name="session_mediator_followup"),
        ]

    def __str__(self) -> str:
        who = str(self.usager) if self.usager_id else _("anonyme")
        return f"{self.date:%d/%m/%Y} — {who}"

    @property
    def is_anonymous(self) -> bool:
        return self.usager_id is None


class Demarche(models.Model):
    """One démarche of a session: organisme × kind of help, with the mode of help used."""

    session = models.ForeignKey(
        MediationSession, on_delete=models.CASCADE, related_name="demarches"
    )
    organisme = models.ForeignKey(
        Organisme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="demarches",
        verbose_name=_("organisme"),
    )
    kind_of_help = models.ForeignKey(
        KindOfHelp, on_delete=models.PROTECT, related_name="demarches", verbose_name=_("aide")
    )
    mode_of_help = models.PositiveSmallIntegerField(_("mode d'aide"), choices=ModeOfHelp.choices)
    right = models.ForeignKey(
        SocialRight,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="demarches",
        verbose_name=_("droit concerné"),
    )
    declared_acts = models.ManyToManyField(
        ForbiddenAct,
        blank=True,
        related_name="demarches",
        verbose_name=_("actes sensibles déclarés"),
        help_text=_("Seuls les actes permis au rôle de la personne qui saisit sont enregistrés."),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("démarche")
        verbose_name_plural = _("démarches")
        ordering = ("session", "position", "pk")
        constraints = [
            _range_check("mode_of_help", 1, 5, "demarche_mode_of_help_range"),
        ]

    def __str__(self) -> str:
        parts = [str(self.kind_of_help)]
        if self.organisme_id:
            parts.append(str(self.organisme))
        return f"{' — '.join(parts)} ({self.get_mode_of_help_display()})"

    def coop_themes(self) -> list[str]:
        """The national themes of this démarche: its kind's, refined by its organisme's."""
        themes = [self.kind_of_help.coop_theme] if self.kind_of_help.coop_theme else []
        if self.organisme is not None and self.organisme.coop_theme:
            if CoopTheme.AIDE_AUX_DEMARCHES_ADMINISTRATIVES not in themes:
                themes.append(CoopTheme.AIDE_AUX_DEMARCHES_ADMINISTRATIVES)
            themes.append(self.organisme.coop_theme)
        return themes


class RelatedRightCheck(models.Model):
    """A related right suggested for a session, which the mediator marks as checked."""

    session = models.ForeignKey(
        MediationSession, on_delete=models.CASCADE, related_name="right_checks"
    )
    demarche = models.ForeignKey(
        Demarche, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rule = models.ForeignKey(
        RelatedRightRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    right = models.ForeignKey(
        SocialRight, on_delete=models.PROTECT, related_name="+", verbose_name=_("droit")
    )
    checked = models.BooleanField(_("vérifié"), default=False)
    checked_at = models.DateTimeField(_("vérifié le"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vérifié par"),
    )

    class Meta:
        verbose_name = _("droit connexe à vérifier")
        verbose_name_plural = _("droits connexes à vérifier")
        ordering = ("session", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "right"], name="related_right_check_unique_per_session"
            ),
        ]

    def __str__(self) -> str:
        return str(self.right)


#: Atelier head-count fields by age band, plus the unknown band.
ATELIER_AGE_FIELDS: dict[str, str] = {
    AgeBand.UNDER_12: "count_under_12",
    AgeBand.FROM_12_TO_18: "count_12_18",
    AgeBand.FROM_18_TO_24: "count_18_24",
    AgeBand.FROM_25_TO_39: "count_25_39",
    AgeBand.FROM_40_TO_59: "count_40_59",
    AgeBand.FROM_60_TO_69: "count_60_69",
    AgeBand.FROM_70: "count_70_plus",
    "": "count_age_unknown",
}
#: Atelier head-count fields by gender, plus the unknown gender.
ATELIER_GENDER_FIELDS: dict[str, str] = {
    Gender.FEMALE: "count_female",
    Gender.MALE: "count_male",
    Gender.OTHER: "count_gender_other",
    "": "count_gender_unknown",
}


def _sum_of(fields: list[str]) -> Any:
    expression: Any = F(fields[0])
    for name in fields[1:]:
        expression = expression + F(name)
    return expression


_GENDER_SUM = _sum_of(list(ATELIER_GENDER_FIELDS.values()))


class Atelier(models.Model):
    """A collective workshop. Head counts are anonymous; named participants are optional."""

    mds = models.ForeignKey(MDS, on_delete=models.PROTECT, related_name="ateliers")
    animator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="ateliers",
        verbose_name=_("animateur"),
    )
    audience = models.CharField(_("public"), max_length=20, choices=AtelierAudience.choices)
    theme = models.CharField(_("thème"), max_length=150)
    coop_theme = models.CharField(
        _("thématique nationale"), max_length=50, choices=CoopTheme.choices, blank=True
    )
    date = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"))
    count_under_12 = models.PositiveSmallIntegerField(_("moins de 12 ans"), default=0)
    count_12_18 = models.PositiveSmallIntegerField(_("12-18 ans"), default=0)
    count_18_24 = models.PositiveSmallIntegerField(_("18-24 ans"), default=0)
    count_25_39 = models.PositiveSmallIntegerField(_("25-39 ans"), default=0)
    count_40_59 = models.PositiveSmallIntegerField(_("40-59 ans"), default=0)
    count_60_69 = models.PositiveSmallIntegerField(_("60-69 ans"), default=0)
    count_70_plus = models.PositiveSmallIntegerField(_("70 ans et plus"), default=0)
    count_age_unknown = models.PositiveSmallIntegerField(_("âge non précisé"), default=0)
    count_female = models.PositiveSmallIntegerField(_("femmes"), default=0)
    count_male = models.PositiveSmallIntegerField(_("hommes"), default=0)
    count_gender_other = models.PositiveSmallIntegerField(_("autre genre"), default=0)
    count_gender_unknown = models.PositiveSmallIntegerField(_("genre non précisé"), default=0)
    participants = models.ManyToManyField(
        Usager, blank=True, related_name="ateliers", verbose_name=_("participants nommés")
    )
    idempotency_key = models.UUIDField(_("clé d'envoi"), unique=True, editable=False)
    created_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)

    class Meta:
        verbose_name = _("atelier")
        verbose_name_plural = _("ateliers")
        ordering = ("-date", "-created_at")
        constraints = [
            _range_check("duration_minutes", 1, MAX_DURATION_MINUTES, "atelier_duration_range"),
            models.CheckConstraint(
                condition=Exact(_sum_of(list(ATELIER_AGE_FIELDS.values())), _GENDER_SUM),
                name="atelier_counts_by_age_and_gender_agree",
                violation_error_message=_(
                    "Le total par tranche d'âge doit égaler le total par genre."
                ),
            ),
            models.CheckConstraint(
                condition=GreaterThan(_GENDER_SUM, 0),
                name="atelier_has_participants",
                violation_error_message=_("Un atelier compte au moins un participant."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.theme}"

    @property
    def total(self) -> int:
        return sum(int(getattr(self, name)) for name in ATELIER_GENDER_FIELDS.values())

    def counts_by_age_band(self) -> dict[str, int]:
        return {band: int(getattr(self, name)) for band, name in ATELIER_AGE_FIELDS.items()}

    def counts_by_gender(self) -> dict[str, int]:
        return {gender: int(getattr(self, name)) for gender, name in ATELIER_GENDER_FIELDS.items()}
