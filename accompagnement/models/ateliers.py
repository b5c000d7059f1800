"""Collective workshops (ateliers) with anonymous head counts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.lookups import Exact, GreaterThan
from django.utils.translation import gettext_lazy as _

from mds.models import MDS

from .scales import MAX_DURATION_MINUTES, AgeBand, AtelierAudience, CoopTheme, Gender, range_check
from .usagers import Usager

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
            range_check("duration_minutes", 1, MAX_DURATION_MINUTES, "atelier_duration_range"),
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
