"""One run of one retention purge: what the staff page shows (counts, never contents)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PurgeRun(models.Model):
    category = models.CharField(_("catégorie"), max_length=60)
    started_at = models.DateTimeField(_("début"), default=timezone.now)
    finished_at = models.DateTimeField(_("fin"), null=True, blank=True)
    count = models.PositiveIntegerField(_("lignes traitées"), default=0)
    batches = models.PositiveIntegerField(_("lots"), default=0)
    dry_run = models.BooleanField(_("simulation"), default=False)
    error = models.CharField(_("erreur"), max_length=200, blank=True)

    class Meta:
        app_label = "mds"
        verbose_name = _("passage d'une purge")
        verbose_name_plural = _("passages des purges")
        ordering = ("-started_at",)
        indexes = [models.Index(fields=["category", "-started_at"], name="purgerun_last")]

    def __str__(self) -> str:
        return f"{self.category} {self.started_at:%d/%m/%Y %H:%M}: {self.count}"
