"""The outbox row: a job recorded in the same transaction as the change that causes it."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("à envoyer")
    DISPATCHED = "dispatched", _("confié au broker")
    DONE = "done", _("fait")
    FAILED = "failed", _("en échec (abandonné)")


class OutboxMessage(models.Model):
    """One job to run once. ``dedup_key`` makes enqueueing idempotent (twice = once)."""

    task_name = models.CharField(_("tâche"), max_length=100)
    payload = models.JSONField(_("paramètres"), default=dict, blank=True)
    dedup_key = models.CharField(_("clé de déduplication"), max_length=200, unique=True)
    status = models.CharField(
        _("état"), max_length=12, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    #: times handed to the broker (a failed hand-over counts too)
    dispatch_attempts = models.PositiveIntegerField(_("remises au broker"), default=0)
    #: times the job itself failed (bounded: past ``MAX_RUN_ATTEMPTS`` the row is FAILED)
    run_attempts = models.PositiveIntegerField(_("échecs d'exécution"), default=0)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), default=timezone.now)
    last_error = models.CharField(_("dernière erreur"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("confié le"), null=True, blank=True)
    done_at = models.DateTimeField(_("fait le"), null=True, blank=True)

    class Meta:
        app_label = "mds"
        verbose_name = _("tâche en attente (outbox)")
        verbose_name_plural = _("tâches en attente (outbox)")
        ordering = ("-created_at",)
        indexes = [
            # the sweeper's scan: only unfinished rows, by due time
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_due",
                condition=Q(status__in=["pending", "dispatched"]),
            ),
            models.Index(fields=["status", "created_at"], name="outbox_status_created"),
        ]

    def __str__(self) -> str:
        return f"{self.task_name} [{self.dedup_key}] {self.status}"
