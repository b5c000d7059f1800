"""The usager: a light profile of a person helped (no identity papers, no health data)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mds.idempotency import idempotency_key_field
from mds.models import MDS

from .scales import AgeBand, Equipment, Gender, InternetAtHome


def validate_equipment(value: Any) -> None:
    if not isinstance(value, list) or any(item not in Equipment.values for item in value):
        raise ValidationError(_("Équipement inconnu."), code="invalid_equipment")
    if Equipment.NONE in value and len(value) > 1:
        raise ValidationError(
            _("« Aucun équipement » ne se combine pas avec un autre équipement."),
            code="equipment_none_exclusive",
        )


#: the longest first name or pseudonym a profile keeps (the picker searches as long)
DISPLAY_NAME_MAX = 80


class Usager(models.Model):
    """A person helped: a light profile, no identity papers, no health data, no secrets."""

    mds = models.ForeignKey(MDS, on_delete=models.PROTECT, related_name="usagers")
    display_name = models.CharField(
        _("prénom ou pseudonyme"),
        max_length=DISPLAY_NAME_MAX,
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
