"""Accueil data: motives and languages (reference data), passages (check-ins), their events,
and the per-MDS daily ticket counter.

A passage is anonymous by default: only an optional first name or pseudonym is kept, never a
surname, phone or case detail. Times are set by the server; waiting and service times are
computed from them (see ``Passage.waiting_time``), never typed.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mds.idempotency import new_key
from mds.models import MDS, ReferenceItem
from mds.roles import Role


class Motive(ReferenceItem):
    """Why the person came (reference data, pictogram buttons on the check-in screen)."""

    pictogram = models.CharField(
        _("pictogramme"), max_length=8, blank=True, help_text=_("Un emoji affiché sur le bouton.")
    )
    routes_to = models.CharField(
        _("oriente vers"),
        max_length=32,
        choices=Role.choices,
        blank=True,
        help_text=_("Le professionnel qui appelle ces visiteurs par défaut."),
    )

    class Meta(ReferenceItem.Meta):
        verbose_name = _("motif de venue")
        verbose_name_plural = _("motifs de venue")


class Language(ReferenceItem):
    """A language a visitor may need (reference data)."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("langue")
        verbose_name_plural = _("langues")


class Desk(ReferenceItem):
    """Where a visitor is called (a desk, office or counter of one MDS), with the names the
    waiting-room screen shows in its English and Arabic turns.

    ``Passage.desk`` keeps the French name as it was called (history keeps its meaning if a desk
    is renamed); the board looks the translations up by that name. A name typed at a desk page
    that is not in the list yet becomes a row here (``accueil.services.desk_named``), so the
    admin only has to add its translations.
    """

    # A code per MDS ("bureau-2" exists in every MDS), not across the whole list.
    code = models.SlugField(
        _("code"),
        max_length=50,
        help_text=_("Identifiant stable utilisé par le code et les exports ; ne pas le modifier."),
    )
    mds = models.ForeignKey(
        MDS, on_delete=models.CASCADE, related_name="desks", verbose_name=_("MDS")
    )
    label = models.CharField(
        _("nom (français)"), max_length=40, help_text=_("Tel qu'affiché sur l'écran, ex. Bureau 2.")
    )
    label_en = models.CharField(_("nom en anglais"), max_length=40, blank=True)
    label_ar = models.CharField(_("nom en arabe"), max_length=40, blank=True)

    class Meta(ReferenceItem.Meta):
        verbose_name = _("bureau d'appel")
        verbose_name_plural = _("bureaux d'appel")
        constraints = [
            models.UniqueConstraint(fields=["mds", "label"], name="desk_label_unique_per_mds"),
            models.UniqueConstraint(fields=["mds", "code"], name="desk_code_unique_per_mds"),
        ]

    def label_in(self, language: str) -> str:
        """The name in ``language`` ("fr", "en", "ar"), French when not translated."""
        translated = {"en": self.label_en, "ar": self.label_ar}.get(language, "")
        return translated or self.label


class Priority(models.TextChoices):
    NONE = "", _("Aucune")
    DISABILITY = "handicap", _("Handicap")
    PREGNANCY = "grossesse", _("Grossesse")
    INFANT = "nourrisson", _("Avec un nourrisson")
    ELDERLY = "age", _("Personne âgée")
    DISTRESS = "detresse", _("Détresse")


class Status(models.TextChoices):
    WAITING = "waiting", _("En attente")
    CALLED = "called", _("Appelé")
    IN_PROGRESS = "in_progress", _("En cours")
    DONE = "done", _("Terminé")
    LEFT = "left", _("Parti sans être reçu")
    REORIENTED = "reoriented", _("Réorienté vers un partenaire")
    CANCELLED = "cancelled", _("Annulé (erreur)")


ACTIVE_STATUSES = (Status.WAITING, Status.CALLED, Status.IN_PROGRESS)
TERMINAL_STATUSES = (Status.DONE, Status.LEFT, Status.REORIENTED, Status.CANCELLED)


#: Roles that check visitors in.
CHECKIN_ROLES = (Role.ACCUEIL, Role.SECRETARIAT)
#: Roles that work the queue (call, receive, finish…).
QUEUE_ROLES = (Role.ACCUEIL, Role.SECRETARIAT, Role.MEDIATEUR, Role.TRAVAILLEUR_SOCIAL)
#: Roles a passage can be re-oriented to inside the MDS (it then waits for that service).
INTERNAL_TARGETS = (Role.ACCUEIL, Role.MEDIATEUR, Role.TRAVAILLEUR_SOCIAL, Role.SECRETARIAT)


class Action:
    CALL = "call"
    REQUEUE = "requeue"
    START = "start"
    FINISH = "finish"
    REORIENT = "reorient"
    LEFT = "left"
    CANCEL = "cancel"


#: action -> (statuses it may start from, status it leads to; None = decided by the action)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    Action.CALL: (frozenset({Status.WAITING, Status.CALLED}), Status.CALLED),
    Action.REQUEUE: (frozenset({Status.CALLED}), Status.WAITING),
    Action.START: (frozenset({Status.WAITING, Status.CALLED}), Status.IN_PROGRESS),
    Action.FINISH: (frozenset({Status.IN_PROGRESS}), Status.DONE),
    Action.REORIENT: (frozenset(ACTIVE_STATUSES), None),
    Action.LEFT: (frozenset({Status.WAITING, Status.CALLED}), Status.LEFT),
    Action.CANCEL: (frozenset(ACTIVE_STATUSES), Status.CANCELLED),
}

ACTION_LABELS = {
    Action.CALL: _("appeler"),
    Action.REQUEUE: _("remettre en attente"),
    Action.START: _("recevoir"),
    Action.FINISH: _("terminer"),
    Action.REORIENT: _("réorienter"),
    Action.LEFT: _("noter « parti sans être reçu »"),
    Action.CANCEL: _("annuler"),
}

#: Only the desk cancels a check-in made by mistake.
ACTION_ROLES: dict[str, tuple[str, ...]] = {
    Action.CANCEL: CHECKIN_ROLES,
}


class DailyTicketCounter(models.Model):
    """Last ticket number handed out at an MDS on a day; incremented by an atomic upsert."""

    mds = models.ForeignKey(MDS, on_delete=models.CASCADE)
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mds", "day"], name="ticket_counter_one_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.mds_id} {self.day}: {self.last_number}"


class Passage(models.Model):
    """One visit to the front desk, from arrival to the end of the visit."""

    # Foreign keys of this big, insert-heavy table get no index of their own unless a query
    # needs it: the composite indexes below start with ``mds``; the others are never filtered
    # alone. Fewer indexes make the check-in insert cheaper on a multi-million-row table.
    mds = models.ForeignKey(MDS, on_delete=models.PROTECT, related_name="passages", db_index=False)
    day = models.DateField(_("jour"), help_text=_("Jour local (Europe/Paris) du ticket."))
    ticket_number = models.PositiveIntegerField(_("ticket"))
    arrived_at = models.DateTimeField(_("arrivée"))
    motive = models.ForeignKey(
        Motive, on_delete=models.PROTECT, verbose_name=_("motif"), db_index=False
    )
    alias = models.CharField(
        _("prénom ou pseudonyme"),
        max_length=40,
        blank=True,
        help_text=_("Facultatif : la personne peut rester anonyme."),
    )
    has_appointment = models.BooleanField(_("a rendez-vous"), default=False)
    appointment_with = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rendez-vous avec"),
        db_index=False,
    )
    priority = models.CharField(
        _("priorité"), max_length=12, choices=Priority.choices, blank=True, default=""
    )
    language = models.ForeignKey(
        Language,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("langue"),
        db_index=False,
    )
    oriented_to = models.CharField(
        _("pour"),
        max_length=32,
        choices=Role.choices,
        blank=True,
        help_text=_("Le service qui doit recevoir la personne."),
    )
    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.WAITING
    )
    desk = models.CharField(_("bureau"), max_length=40, blank=True)
    called_at = models.DateTimeField(_("appelé à"), null=True, blank=True)
    started_at = models.DateTimeField(_("reçu à"), null=True, blank=True)
    ended_at = models.DateTimeField(_("fin"), null=True, blank=True)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    partner = models.CharField(_("partenaire"), max_length=120, blank=True)
    cancel_reason = models.CharField(_("motif d'annulation"), max_length=200, blank=True)
    outside_opening_hours = models.BooleanField(_("hors horaires"), default=False)
    client_token = models.UUIDField(
        default=new_key,
        unique=True,
        editable=False,
        help_text="Idempotency key of the check-in form: a double submit returns the same passage.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = _("passage")
        verbose_name_plural = _("passages")
        ordering = ("-arrived_at",)
        constraints = [
            models.UniqueConstraint(
                fields=["mds", "day", "ticket_number"], name="passage_ticket_unique_per_day"
            ),
            models.CheckConstraint(
                condition=Q(called_at__isnull=True) | Q(called_at__gte=models.F("arrived_at")),
                name="passage_called_after_arrival",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("arrived_at")),
                name="passage_ended_after_arrival",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.CANCELLED) | ~Q(cancel_reason=""),
                name="passage_cancel_needs_reason",
            ),
        ]
        indexes = [
            # the live queue: today's active passages of one MDS
            models.Index(
                fields=["mds", "day", "status"],
                name="passage_queue",
                condition=Q(status__in=["waiting", "called", "in_progress"]),
            ),
            # history and pilotage by period
            models.Index(fields=["mds", "arrived_at"], name="passage_mds_arrived"),
        ]

    def __str__(self) -> str:
        return f"{self.mds.code} {self.day:%d/%m} n°{self.ticket_number}"

    @property
    def ticket_label(self) -> str:
        return f"{self.ticket_number:03d}"

    @property
    def is_priority(self) -> bool:
        return bool(self.priority)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def waiting_time(self, now: dt.datetime | None = None) -> dt.timedelta:
        """From arrival to the first call (or reception); still running while waiting."""
        first_seen = self.called_at or self.started_at
        if first_seen is None:
            first_seen = self.ended_at or now or timezone.now()
        return max(first_seen - self.arrived_at, dt.timedelta(0))

    def service_time(self) -> dt.timedelta | None:
        if self.started_at is None or self.ended_at is None:
            return None
        return self.ended_at - self.started_at


class PassageEvent(models.Model):
    """Every status change of a passage, timestamped by the server."""

    passage = models.ForeignKey(Passage, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ("at", "pk")
        verbose_name = _("étape de passage")
        verbose_name_plural = _("étapes de passage")

    def __str__(self) -> str:
        return f"{self.passage_id}: {self.from_status or '∅'} → {self.to_status}"


def allowed_actions(passage: Passage) -> list[str]:
    """The actions the state machine allows from ``passage``'s status, in ``TRANSITIONS`` order.

    Templates read this (never their own copy of the transitions); roles are checked by the
    service when the action is posted.
    """
    return [
        action for action, (sources, _target) in TRANSITIONS.items() if passage.status in sources
    ]
