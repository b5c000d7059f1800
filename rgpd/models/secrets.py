"""The vault's storage: one random data key per row, and the one concrete vault table (Secret)."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import crypto

# --------------------------------------------------------------------------------------------
# Vault
# --------------------------------------------------------------------------------------------


class VaultRecord(models.Model):
    """Abstract base of the models whose ``vault_fields`` are encrypted under a per-row key."""

    #: Names of the ``BinaryField``s holding encrypted values.
    vault_fields: ClassVar[tuple[str, ...]] = ()

    vault_kid = models.CharField(
        _("identifiant de clé"), max_length=32, blank=True, db_index=True, editable=False
    )
    vault_key = models.BinaryField(_("clé de données chiffrée"), blank=True, default=b"")

    class Meta:
        abstract = True

    # -- contexts (associated data) --------------------------------------------------------
    def vault_context(self, field: str | None = None) -> str:
        """``"table:pk"`` for the wrapped key, ``"table:pk:field"`` for a field."""
        if self.pk is None:
            raise crypto.VaultError("La clé primaire doit exister avant de chiffrer.")
        base = f"{self._meta.db_table}:{self.pk}"
        return base if field is None else f"{base}:{field}"

    def _check_field(self, field: str) -> None:
        if field not in self.vault_fields:
            raise crypto.VaultError(f"« {field} » n'est pas un champ chiffré de ce modèle.")

    # -- keys ------------------------------------------------------------------------------
    @property
    def is_shredded(self) -> bool:
        return not self.vault_key

    def _data_key(self, *, create: bool) -> bytes:
        if self.vault_key:
            wrapped = crypto.WrappedKey(kid=self.vault_kid, blob=bytes(self.vault_key))
            return crypto.unwrap_key(wrapped, context=self.vault_context())
        if not create:
            raise crypto.VaultDecryptionError("Ce secret a été détruit ou n'a jamais été chiffré.")
        data_key = crypto.new_data_key()
        wrapped = crypto.wrap_key(data_key, context=self.vault_context())
        self.vault_kid, self.vault_key = wrapped.kid, wrapped.blob
        return data_key

    # -- fields ----------------------------------------------------------------------------
    def set_encrypted(self, field: str, value: bytes | str) -> None:
        """Encrypt ``value`` into ``field`` (not saved: the caller saves in its transaction)."""
        self._check_field(field)
        plaintext = value.encode() if isinstance(value, str) else bytes(value)
        data_key = self._data_key(create=True)
        setattr(self, field, crypto.encrypt(data_key, plaintext, context=self.vault_context(field)))

    def get_encrypted(self, field: str) -> bytes:
        """The plaintext of ``field``; raises ``VaultDecryptionError`` rather than guess."""
        self._check_field(field)
        blob = getattr(self, field)
        if not blob:
            raise crypto.VaultDecryptionError("Aucune donnée chiffrée dans ce champ.")
        return crypto.decrypt(
            self._data_key(create=False), bytes(blob), context=self.vault_context(field)
        )

    def get_encrypted_text(self, field: str) -> str:
        return self.get_encrypted(field).decode()

    def shred(self) -> None:
        """Crypto-shredding: forget the wrapped key and the ciphertexts (not saved)."""
        self.vault_kid, self.vault_key = "", b""
        for field in self.vault_fields:
            setattr(self, field, b"")

    def shred_fields(self) -> list[str]:
        """Column names to pass to ``save(update_fields=…)`` after :meth:`shred`."""
        return ["vault_kid", "vault_key", *self.vault_fields]


class SecretKind(models.TextChoices):
    CREDENTIAL = "credential", _("Identifiants temporaires")
    DOCUMENT = "document", _("Document numérisé")


class Secret(VaultRecord):
    """One secret kept by the vault for a short time, encrypted; destroyed at expiry."""

    vault_fields = ("payload",)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("nature"), max_length=20, choices=SecretKind.choices)
    mds = models.ForeignKey(
        "mds.MDS", on_delete=models.PROTECT, related_name="secrets", verbose_name=_("MDS")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("créé par"),
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"))
    destroyed_at = models.DateTimeField(_("détruit le"), null=True, blank=True)
    payload = models.BinaryField(_("contenu chiffré"), blank=True, default=b"")

    class Meta:
        verbose_name = _("secret du coffre")
        verbose_name_plural = _("secrets du coffre")
        ordering = ("-created_at",)
        indexes = [
            models.Index(fields=["expires_at"], name="rgpd_secret_expires_idx"),
            # the purge's batches: live secrets by expiry, without the shredded ones
            models.Index(
                fields=["expires_at"],
                name="rgpd_secret_alive_expiry",
                condition=models.Q(destroyed_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="rgpd_secret_expires_after_creation",
            )
        ]

    def __str__(self) -> str:  # never the content
        return f"{self.get_kind_display()} {self.pk}"

    def seal(self, value: bytes | str) -> None:
        self.set_encrypted("payload", value)

    def reveal(self) -> bytes:
        return self.get_encrypted("payload")

    def destroy(self) -> None:
        """Shred and save at once; the row stays as a trace without any secret."""
        self.shred()
        self.destroyed_at = timezone.now()
        self.save(update_fields=[*self.shred_fields(), "destroyed_at"])
