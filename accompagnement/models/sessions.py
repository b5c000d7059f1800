"""Individual mediation sessions, their démarches and the related rights to check."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from mds.models import MDS

from .reference import (
    ForbiddenAct,
    KindOfHelp,
    Organisme,
    Origin,
    Outcome,
    RelatedRightRule,
    SocialRight,
)
from .scales import MAX_DURATION_MINUTES, AgeBand, CoopTheme, ModeOfHelp, range_check
from .usagers import Usager

#: Longest session note (characters): a reminder of what was done, not a case file.
NOTE_MAX_LENGTH = 500


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
    # What was done, what is missing: a work note under secret professionnel, minimised (no
    # health or other sensitive data); exported, erased and purged with the person (#13).
    note = models.TextField(
        _("note"),
        max_length=NOTE_MAX_LENGTH,
        blank=True,
        help_text=_("Ce qui a été fait, ce qui manque. Pas de donnée de santé ni sensible."),
    )
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
            range_check(
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
            range_check("mode_of_help", 1, 5, "demarche_mode_of_help_range"),
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
