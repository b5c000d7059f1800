"""Receipts (one per message we meant to send) and the contact a person gave for reminders."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Courriel")


class Kind(models.TextChoices):
    APPOINTMENT = "appointment_reminder", _("Rappel de rendez-vous (J-1)")
    VAULT_EXPIRING = "vault_expiring", _("Élément du coffre bientôt détruit")
    FOLLOW_UP_DIGEST = "follow_up_digest", _("Suivis à relancer (résumé du matin)")
    REFERRAL_WAITING = "referral_waiting", _("Orientation en attente")
    REFERRAL_ESCALATED = "referral_escalated", _("Orientation sans réponse (direction)")


class ReceiptStatus(models.TextChoices):
    QUEUED = "queued", _("en file")
    SENT = "sent", _("envoyé")
    FAILED = "failed", _("échec")
    #: not sent on purpose (no consent…): the error column says why
    SKIPPED = "skipped", _("non envoyé")


class Language(models.TextChoices):
    FR = "fr", _("français")
    EN = "en", _("anglais")
    AR = "ar", _("arabe")


class Receipt(models.Model):
    """What happened to one message: channel, status, the error, the attempts. Never the text:
    the message is rebuilt from ``kind`` + ``context`` (dates, MDS name, counts: nothing
    sensitive) and the address is kept masked."""

    dedup_key = models.CharField(_("clé"), max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    channel = models.CharField(_("canal"), max_length=10, choices=Channel.choices)
    mds = models.ForeignKey(
        "mds.MDS", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("professionnel destinataire"),
    )
    usager = models.ForeignKey(
        "accompagnement.Usager",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("personne destinataire"),
    )
    language = models.CharField(
        _("langue"), max_length=2, choices=Language.choices, default=Language.FR
    )
    context = models.JSONField(_("variables"), default=dict, blank=True)
    to_masked = models.CharField(_("adresse (masquée)"), max_length=60, blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=ReceiptStatus.choices, default=ReceiptStatus.QUEUED
    )
    error = models.CharField(_("erreur"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)
    #: past the "receipt" retention the recipient, address and variables are removed (counts stay)
    anonymised_at = models.DateTimeField(_("anonymisé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("accusé d'envoi")
        verbose_name_plural = _("accusés d'envoi")
        ordering = ("-created_at",)
        indexes = [models.Index(fields=["created_at"], name="receipt_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.get_status_display()}"


class Contact(models.Model):
    """How a person wants to be reminded: given with the "reminders" consent, removed with it."""

    usager = models.OneToOneField(
        "accompagnement.Usager", on_delete=models.CASCADE, related_name="reminder_contact"
    )
    channel = models.CharField(
        _("canal préféré"), max_length=10, choices=Channel.choices, default=Channel.SMS
    )
    phone = models.CharField(_("téléphone mobile"), max_length=20, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    language = models.CharField(
        _("langue des rappels"), max_length=2, choices=Language.choices, default=Language.FR
    )

    class Meta:
        verbose_name = _("contact pour les rappels")
        verbose_name_plural = _("contacts pour les rappels")

    def __str__(self) -> str:
        return f"{self.usager_id} ({self.get_channel_display()})"
