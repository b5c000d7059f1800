"""Consents: purposes, versioned texts and the consent records themselves."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mds.idempotency import idempotency_key_field
from mds.models import ReferenceItem

from .secrets import VaultRecord

# --------------------------------------------------------------------------------------------
# Consents
# --------------------------------------------------------------------------------------------


class ConsentPurpose(ReferenceItem):
    """What a person consents to (reference data, edited in the admin, seeded by migration 0004).

    The codes in :data:`PURPOSE_CODES` are read by the code (a credential needs a live consent
    for ``temporary_credential``…); more purposes may be added in the admin.
    """

    default_validity_days = models.PositiveSmallIntegerField(
        _("validité par défaut (jours)"),
        null=True,
        blank=True,
        help_text=_("Vide : valable jusqu'au retrait."),
    )

    class Meta(ReferenceItem.Meta):
        verbose_name = _("finalité de consentement")
        verbose_name_plural = _("finalités de consentement")

    def current_text(self) -> ConsentText | None:
        return self.texts.order_by("-version").first()


class PurposeCode:
    """Codes of the purposes the code relies on (rows seeded by migration 0004)."""

    CREDENTIAL = "temporary_credential"
    DOCUMENT = "scanned_document"
    SHARE_SOCIAL_WORKER = "share_social_worker"
    REMINDERS = "reminders"
    SURVEY = "survey"
    FAIRE_POUR = "faire_pour"


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ConsentText(models.Model):
    """The exact text read or shown to the person, versioned; never edited once used."""

    purpose = models.ForeignKey(
        ConsentPurpose, on_delete=models.PROTECT, related_name="texts", verbose_name=_("finalité")
    )
    version = models.PositiveSmallIntegerField(_("version"))
    text = models.TextField(_("texte présenté"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("texte de consentement")
        verbose_name_plural = _("textes de consentement")
        ordering = ("purpose", "-version")
        constraints = [
            models.UniqueConstraint(
                fields=["purpose", "version"], name="rgpd_consenttext_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.sha256 = sha256_text(self.text)
        super().save(*args, **kwargs)


class ConsentMethod(models.TextChoices):
    ORAL_WITNESSED = "oral_witnessed", _("Oral, devant témoin")
    TABLET_SIGNATURE = "tablet_signature", _("Signature sur la tablette")


class Consent(models.Model):
    """A person's consent to one purpose: the text shown, when, how, before whom; until when."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    usager = models.ForeignKey(
        "accompagnement.Usager",
        on_delete=models.PROTECT,
        related_name="consents",
        verbose_name=_("personne"),
    )
    mds = models.ForeignKey(
        "mds.MDS", on_delete=models.PROTECT, related_name="+", verbose_name=_("MDS")
    )
    purpose = models.ForeignKey(
        ConsentPurpose, on_delete=models.PROTECT, related_name="+", verbose_name=_("finalité")
    )
    text = models.ForeignKey(
        ConsentText, on_delete=models.PROTECT, related_name="+", verbose_name=_("texte présenté")
    )
    text_sha256 = models.CharField(_("empreinte du texte"), max_length=64)
    method = models.CharField(_("recueilli"), max_length=20, choices=ConsentMethod.choices)
    given_at = models.DateTimeField(_("donné le"), default=timezone.now)
    witnessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recueilli par"),
    )
    expires_at = models.DateTimeField(_("expire le"), null=True, blank=True)
    idempotency_key = idempotency_key_field()
    withdrawn_at = models.DateTimeField(_("retiré le"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("retrait enregistré par"),
    )

    class Meta:
        verbose_name = _("consentement")
        verbose_name_plural = _("consentements")
        ordering = ("-given_at",)
        indexes = [models.Index(fields=["usager", "purpose"], name="rgpd_consent_person_idx")]

    def __str__(self) -> str:
        return f"{self.purpose} ({self.given_at:%d/%m/%Y})"

    def is_live(self, at: dt.datetime | None = None) -> bool:
        now = at or timezone.now()
        return self.withdrawn_at is None and (self.expires_at is None or self.expires_at > now)


class ConsentSignature(VaultRecord):
    """The person's signature drawn on the tablet (PNG), encrypted under the vault's keys.

    Part of the proof of the consent it belongs to: kept as long as that proof (retention
    ``consent_proof``), then crypto-shredded by the purge; never exported in clear."""

    vault_fields = ("image",)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    consent = models.OneToOneField(
        Consent,
        on_delete=models.CASCADE,
        related_name="signature",
        verbose_name=_("consentement"),
    )
    image = models.BinaryField(_("signature chiffrée (PNG)"), blank=True, default=b"")
    size = models.PositiveIntegerField(_("taille (octets)"), default=0)
    created_at = models.DateTimeField(_("signée le"), default=timezone.now)
    destroyed_at = models.DateTimeField(_("détruite le"), null=True, blank=True)

    class Meta:
        verbose_name = _("signature de consentement")
        verbose_name_plural = _("signatures de consentement")

    def __str__(self) -> str:  # never the content
        return f"Signature {self.pk}"

    @property
    def is_available(self) -> bool:
        return self.destroyed_at is None and not self.is_shredded

    def destroy(self) -> None:
        """Shred and save at once; the row stays as a trace without the image."""
        self.shred()
        self.destroyed_at = timezone.now()
        self.save(update_fields=[*self.shred_fields(), "destroyed_at"])
