"""What the vault keeps: temporary credentials and scanned documents (metadata + a Secret)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mds.idempotency import idempotency_key_field

from .consents import Consent
from .secrets import Secret

# --------------------------------------------------------------------------------------------
# What the vault keeps: temporary credentials and scanned documents (metadata + a Secret)
# --------------------------------------------------------------------------------------------


class CredentialService(models.TextChoices):
    CAF = "caf", _("CAF")
    AMELI = "ameli", _("ameli (Assurance maladie)")
    IMPOTS = "impots", _("impots.gouv")
    FRANCE_TRAVAIL = "france_travail", _("France Travail")
    EMAIL = "email", _("Messagerie électronique")
    OTHER = "other", _("Autre service")


class DocumentKind(models.TextChoices):
    IDENTITY = "identity", _("Pièce d'identité ou titre de séjour")
    ADDRESS = "address", _("Justificatif de domicile")
    TAX = "tax", _("Avis d'imposition")
    INCOME = "income", _("Justificatif de ressources")
    CERTIFICATE = "certificate", _("Attestation")
    OTHER = "other", _("Autre document")


class VaultItem(models.Model):
    """What is common to a kept credential and a kept document (metadata only, never content)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    usager = models.ForeignKey(
        "accompagnement.Usager",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("personne"),
    )
    mds = models.ForeignKey(
        "mds.MDS", on_delete=models.PROTECT, related_name="+", verbose_name=_("MDS")
    )
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, related_name="+", verbose_name=_("consentement")
    )
    secret = models.OneToOneField(
        Secret, on_delete=models.PROTECT, related_name="+", verbose_name=_("secret")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("déposé par"),
    )
    created_at = models.DateTimeField(_("déposé le"), default=timezone.now)
    idempotency_key = idempotency_key_field()

    class Meta:
        abstract = True
        ordering = ("-created_at",)

    @property
    def is_destroyed(self) -> bool:
        return self.secret.destroyed_at is not None or self.secret.is_shredded

    @property
    def is_expired(self) -> bool:
        return self.secret.expires_at <= timezone.now()

    @property
    def is_available(self) -> bool:
        return not self.is_destroyed and not self.is_expired


class TemporaryCredential(VaultItem):
    """Identifiers kept for a few days: the identifier and the secret are both in the Secret."""

    service = models.CharField(_("service"), max_length=20, choices=CredentialService.choices)
    handed_over_at = models.DateTimeField(_("remis à la personne le"), null=True, blank=True)

    class Meta(VaultItem.Meta):
        verbose_name = _("identifiants temporaires")
        verbose_name_plural = _("identifiants temporaires")

    def __str__(self) -> str:
        return f"{self.get_service_display()} ({self.created_at:%d/%m/%Y})"


class ScannedDocument(VaultItem):
    """A document photographed or uploaded at the MDS: content encrypted in the Secret."""

    kind = models.CharField(_("type de document"), max_length=20, choices=DocumentKind.choices)
    content_type = models.CharField(_("format"), max_length=40)
    size = models.PositiveIntegerField(_("taille (octets)"))

    class Meta(VaultItem.Meta):
        verbose_name = _("document numérisé")
        verbose_name_plural = _("documents numérisés")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%d/%m/%Y})"

    @property
    def extension(self) -> str:
        return {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
            self.content_type, "bin"
        )
