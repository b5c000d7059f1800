"""Referrals (orientations), their history, per-MDS delays, and the partner directory.

A referral goes from a sender to a target: a role at the MDS (anyone of that role may take it),
a named professional of the MDS, or a partner of the directory. Its state machine lives in
:data:`TRANSITIONS`; the database refuses inconsistent rows (an accepted referral without an
appointment, a declined one without a reason, a restricted one without a named recipient…).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mds.idempotency import idempotency_key_field
from mds.models import MDS, ReferenceItem
from mds.roles import Role

#: The note is short on purpose: minimisation, and the *secret professionnel*.
NOTE_MAX_LENGTH = 600
MESSAGE_MAX_LENGTH = 500


class ReasonCategory(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("motif d'orientation")
        verbose_name_plural = _("motifs d'orientation")


class Need(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("besoin signalé")
        verbose_name_plural = _("besoins signalés")


class DeclineReason(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("motif de refus")
        verbose_name_plural = _("motifs de refus")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normale")
    SOON = "soon", _("Rapide")
    URGENT = "urgent", _("Urgente")


class TargetKind(models.TextChoices):
    ROLE = "role", _("Un rôle de la MDS")
    USER = "user", _("Un professionnel nommé")
    PARTNER = "partner", _("Un partenaire de l'annuaire")


#: Roles a referral may be addressed to at an MDS.
TARGET_ROLES: tuple[str, ...] = (Role.TRAVAILLEUR_SOCIAL, Role.SECRETARIAT, Role.MEDIATEUR)
#: Roles that may send a referral.
SENDER_ROLES: tuple[str, ...] = (
    Role.ACCUEIL,
    Role.MEDIATEUR,
    Role.TRAVAILLEUR_SOCIAL,
    Role.SECRETARIAT,
    Role.DIRECTION,
)


class State(models.TextChoices):
    SENT = "sent", _("Envoyée")
    SEEN = "seen", _("Vue")
    ACCEPTED = "accepted", _("Acceptée")
    DECLINED = "declined", _("Refusée")
    CLOSED = "closed", _("Clôturée")
    EXPIRED = "expired", _("Expirée")


#: The state machine, in one place: from a state, the states a referral may go to.
TRANSITIONS: dict[str, frozenset[str]] = {
    State.SENT: frozenset({State.SEEN, State.ACCEPTED, State.DECLINED, State.EXPIRED}),
    State.SEEN: frozenset({State.ACCEPTED, State.DECLINED, State.EXPIRED}),
    State.ACCEPTED: frozenset({State.CLOSED}),
    State.DECLINED: frozenset(),
    State.CLOSED: frozenset(),
    State.EXPIRED: frozenset(),
}
#: A partner has no account: the sender closes the referral once they know how it went.
PARTNER_TRANSITIONS: dict[str, frozenset[str]] = {State.SENT: frozenset({State.CLOSED})}
WAITING_STATES: tuple[str, ...] = (State.SENT, State.SEEN)
OPEN_STATES: tuple[str, ...] = (State.SENT, State.SEEN, State.ACCEPTED)


class ReferralSettings(models.Model):
    """Delays of one MDS, in working days (France, public holidays excluded)."""

    mds = models.OneToOneField(
        MDS, on_delete=models.CASCADE, related_name="referral_settings", verbose_name=_("MDS")
    )
    remind_after_days = models.PositiveSmallIntegerField(
        _("relancer le destinataire après (jours ouvrés)"), default=2
    )
    escalate_after_days = models.PositiveSmallIntegerField(
        _("alerter la direction après (jours ouvrés)"), default=5
    )
    expire_after_days = models.PositiveSmallIntegerField(
        _("expirer sans réponse après (jours ouvrés)"), default=10
    )

    class Meta:
        verbose_name = _("délais des orientations")
        verbose_name_plural = _("délais des orientations")
        constraints = [
            models.CheckConstraint(
                condition=Q(remind_after_days__gte=1)
                & Q(escalate_after_days__gt=models.F("remind_after_days"))
                & Q(expire_after_days__gt=models.F("escalate_after_days"))
                & Q(expire_after_days__lte=60),
                name="referral_settings_order",
                violation_error_message=_(
                    "Il faut 1 ≤ relance < alerte de la direction < expiration ≤ 60 jours ouvrés."
                ),
            )
        ]

    def __str__(self) -> str:
        return str(self.mds)


# --------------------------------------------------------------------------------------------
# Partner directory (data·inclusion fields)
# --------------------------------------------------------------------------------------------


class Partner(models.Model):
    """A local structure and its service, after the data·inclusion schema (see docs/annuaire.md)."""

    source = models.CharField(_("source"), max_length=60, default="mds")
    external_id = models.CharField(_("identifiant dans la source"), max_length=100)
    nom = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    thematiques = models.JSONField(_("thématiques"), default=list, blank=True)
    # "|famille--garde-enfants|numerique|": a portable "contains" search (SQLite has no JSON
    # containment), kept in step by save().
    thematiques_index = models.CharField(max_length=1000, blank=True, editable=False)
    publics = models.JSONField(_("publics"), default=list, blank=True)
    frais = models.JSONField(_("frais"), default=list, blank=True)
    modes_accueil = models.JSONField(_("modes d'accueil"), default=list, blank=True)
    adresse = models.CharField(_("adresse"), max_length=255, blank=True)
    code_postal = models.CharField(_("code postal"), max_length=5, blank=True)
    commune = models.CharField(_("commune"), max_length=100, blank=True)
    courriel = models.EmailField(_("courriel"), blank=True)
    telephone = models.CharField(_("téléphone"), max_length=30, blank=True)
    site_web = models.URLField(_("site web"), blank=True)
    horaires_accueil = models.CharField(
        _("horaires (format OpenStreetMap)"), max_length=255, blank=True
    )
    date_maj = models.DateField(_("date de mise à jour"), default=timezone.localdate)
    is_active = models.BooleanField(_("proposé"), default=True)

    class Meta:
        verbose_name = _("partenaire")
        verbose_name_plural = _("partenaires (annuaire)")
        ordering = ("nom",)
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="partner_unique_source_id"
            ),
            models.CheckConstraint(
                condition=Q(code_postal="") | Q(code_postal__regex=r"^[0-9]{5}$"),
                name="partner_code_postal_format",
            ),
        ]
        indexes = [models.Index(fields=["commune"], name="partner_commune_idx")]

    def __str__(self) -> str:
        return self.nom

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.thematiques_index = "|" + "|".join(self.thematiques or []) + "|"
        super().save(*args, **kwargs)


class Offer(models.TextChoices):
    FREE_COMPUTERS = "ordinateurs", _("Ordinateurs en libre accès")
    WORKSHOPS = "ateliers", _("Ateliers numériques")
    PROCEDURES = "demarches", _("Aide aux démarches en ligne")
    LANGUAGES = "langues", _("Accueil en plusieurs langues")


class Permanence(models.Model):
    """A weekly permanence of a partner: a weekday, a time slot, what is offered there."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="permanences")
    weekday = models.PositiveSmallIntegerField(
        _("jour"),
        choices=[
            (0, _("lundi")),
            (1, _("mardi")),
            (2, _("mercredi")),
            (3, _("jeudi")),
            (4, _("vendredi")),
            (5, _("samedi")),
            (6, _("dimanche")),
        ],
    )
    starts_at = models.TimeField(_("début"))
    ends_at = models.TimeField(_("fin"))
    offers = models.JSONField(_("ce qui est proposé"), default=list, blank=True)
    languages = models.CharField(_("langues"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("permanence")
        verbose_name_plural = _("permanences")
        ordering = ("partner", "weekday", "starts_at")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="permanence_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="permanence_weekday_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

    def offer_labels(self) -> list[str]:
        labels = dict(Offer.choices)
        return [str(labels[code]) for code in self.offers if code in labels]


# --------------------------------------------------------------------------------------------
# Referrals
# --------------------------------------------------------------------------------------------


class Referral(models.Model):
    """One referral of a person to a role, a professional or a partner."""

    mds = models.ForeignKey(MDS, on_delete=models.PROTECT, related_name="referrals")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="referrals_sent",
        verbose_name=_("envoyée par"),
    )
    sender_role = models.CharField(_("rôle de l'envoyeur"), max_length=32, choices=Role.choices)
    usager = models.ForeignKey(
        "accompagnement.Usager",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("personne"),
    )
    pseudonym = models.CharField(_("prénom ou pseudonyme"), max_length=60, blank=True)
    target_kind = models.CharField(_("destinataire"), max_length=10, choices=TargetKind.choices)
    target_role = models.CharField(
        _("rôle destinataire"), max_length=32, choices=Role.choices, blank=True
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_received",
        verbose_name=_("professionnel destinataire"),
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("partenaire"),
    )
    reason_category = models.ForeignKey(
        ReasonCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("motif")
    )
    needs = models.ManyToManyField(Need, blank=True, related_name="+", verbose_name=_("besoins"))
    urgency = models.CharField(
        _("urgence"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    note = models.TextField(_("note"), max_length=NOTE_MAX_LENGTH, blank=True)
    restricted = models.BooleanField(
        _("confidentielle (information préoccupante, protection de l'enfance)"), default=False
    )
    # Consent to share: the purpose "Partager mon dossier avec un travailleur social".
    consent = models.ForeignKey(
        "rgpd.Consent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consentement enregistré"),
    )
    consent_text = models.ForeignKey(
        "rgpd.ConsentText", on_delete=models.PROTECT, related_name="+", verbose_name=_("texte lu")
    )
    # Empty only for a restricted referral sent without the family's agreement (see services).
    consent_given_at = models.DateTimeField(_("accord donné le"), null=True, blank=True)
    consent_witnessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accord recueilli par"),
    )
    origin_session = models.ForeignKey(
        "accompagnement.MediationSession",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accompagnement d'origine"),
    )
    origin_passage = models.ForeignKey(
        "accueil.Passage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("passage d'origine"),
        db_index=False,
    )
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.SENT)
    sent_at = models.DateTimeField(_("envoyée le"), default=timezone.now)
    state_changed_at = models.DateTimeField(_("état changé le"), default=timezone.now)
    appointment_at = models.DateTimeField(_("rendez-vous le"), null=True, blank=True)
    appointment_place = models.CharField(_("lieu du rendez-vous"), max_length=150, blank=True)
    decline_reason = models.ForeignKey(
        DeclineReason,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("motif du refus"),
    )
    decline_message = models.TextField(
        _("message au demandeur"), max_length=MESSAGE_MAX_LENGTH, blank=True
    )
    outcome = models.TextField(_("suite donnée"), max_length=MESSAGE_MAX_LENGTH, blank=True)
    closed_at = models.DateTimeField(_("clôturée le"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("relance envoyée le"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("direction alertée le"), null=True, blank=True)
    idempotency_key = idempotency_key_field()

    class Meta:
        verbose_name = _("orientation")
        verbose_name_plural = _("orientations")
        ordering = ("-sent_at", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(usager__isnull=False) | ~Q(pseudonym=""),
                name="referral_has_person",
                violation_error_message=_("Indiquez la personne ou un pseudonyme."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(target_kind=TargetKind.ROLE, partner__isnull=True)
                    & Q(target_role__in=list(TARGET_ROLES))
                )
                | Q(
                    target_kind=TargetKind.USER,
                    recipient__isnull=False,
                    partner__isnull=True,
                    target_role="",
                )
                | Q(
                    target_kind=TargetKind.PARTNER,
                    partner__isnull=False,
                    recipient__isnull=True,
                    target_role="",
                ),
                name="referral_target_consistent",
                violation_error_message=_("Le destinataire est incohérent."),
            ),
            models.CheckConstraint(
                condition=Q(restricted=False) | Q(target_kind=TargetKind.USER),
                name="referral_restricted_named_recipient",
                violation_error_message=_(
                    "Une orientation confidentielle s'adresse à un professionnel nommé."
                ),
            ),
            models.CheckConstraint(
                condition=Q(consent_given_at__isnull=False, consent_witnessed_by__isnull=False)
                | Q(restricted=True, consent_given_at__isnull=True, consent=None),
                name="referral_consent_recorded",
                violation_error_message=_("L'accord de la personne est requis."),
            ),
            models.CheckConstraint(
                condition=Q(state__in=State.values), name="referral_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[State.ACCEPTED, State.CLOSED])
                | Q(target_kind=TargetKind.PARTNER)
                | Q(appointment_at__isnull=False, recipient__isnull=False),
                name="referral_accepted_has_appointment",
                violation_error_message=_("Une orientation acceptée a un rendez-vous."),
            ),
            models.CheckConstraint(
                condition=~Q(state=State.DECLINED) | Q(decline_reason__isnull=False),
                name="referral_declined_has_reason",
                violation_error_message=_("Un refus a un motif."),
            ),
            models.CheckConstraint(
                condition=~Q(state=State.CLOSED) | (Q(closed_at__isnull=False) & ~Q(outcome="")),
                name="referral_closed_has_outcome",
                violation_error_message=_("Une clôture dit la suite donnée."),
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("note"), NOTE_MAX_LENGTH),
                name="referral_note_length",
                violation_error_message=_("La note est trop longue."),
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "state", "sent_at"], name="referral_recipient_idx"),
            models.Index(
                fields=["mds", "target_role", "state", "sent_at"],
                name="referral_role_inbox_idx",
                condition=Q(recipient__isnull=True),
            ),
            models.Index(fields=["sender", "sent_at"], name="referral_sender_idx"),
            models.Index(fields=["mds", "state", "sent_at"], name="referral_mds_state_idx"),
        ]

    def __str__(self) -> str:  # never the note, never the person
        return f"Orientation n° {self.pk}"

    @property
    def person_label(self) -> str:
        return str(self.usager) if self.usager_id else self.pseudonym

    @property
    def age_days(self) -> int:
        """Calendar days since it was sent (lists show the age; delays count working days)."""
        return (timezone.localdate() - timezone.localdate(self.sent_at)).days

    @property
    def is_waiting(self) -> bool:
        return self.state in WAITING_STATES

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def allowed_next(self) -> frozenset[str]:
        if self.target_kind == TargetKind.PARTNER:
            return PARTNER_TRANSITIONS.get(self.state, frozenset())
        return TRANSITIONS[State(self.state)]


class EventKind(models.TextChoices):
    STATE = "state", _("Changement d'état")
    TAKEN = "taken", _("Prise en charge")
    REMINDED = "reminded", _("Relance du destinataire")
    ESCALATED = "escalated", _("Direction alertée")


class ReferralEvent(models.Model):
    """History: every change of a referral, timestamped and attributed (``None`` = system)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=EventKind.choices, default=EventKind.STATE)
    from_state = models.CharField(max_length=10, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=10, choices=State.choices, blank=True)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("par"),
    )

    class Meta:
        verbose_name = _("étape d'orientation")
        verbose_name_plural = _("étapes d'orientation")
        ordering = ("at", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "kind"],
                condition=Q(kind__in=[EventKind.REMINDED, EventKind.ESCALATED]),
                name="referral_event_reminder_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.from_state}→{self.to_state}"
