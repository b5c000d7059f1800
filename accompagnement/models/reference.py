"""Reference tables of the accompagnement (admin-editable, seeded by data migration 0002 from
:mod:`accompagnement.reference`): organismes, kinds of help, origins, outcomes, rights,
forbidden acts and related-right rules."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from mds.models import ReferenceItem
from mds.roles import Role

from .scales import CoopTheme, ModeOfHelp


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
