"""RGPD models: encrypted vault records and the append-only, hash-chained audit journal.

Vault storage (see ``rgpd.crypto`` for the cryptography)
    :class:`VaultRecord` is an abstract model: one random data key per row, stored wrapped in
    ``vault_key`` with the key id in ``vault_kid`` (indexed, so rotation finds the rows still
    on an old key with a query). Each encrypted field listed in ``vault_fields`` is a
    ``BinaryField`` holding ``0x01 | nonce | ciphertext+tag``, bound to ``"table:pk:field"``.
    The primary key must exist before sealing (hence UUID keys): it is part of the binding.
    Every concrete subclass is found by :func:`rgpd.vault.vault_models`, the registry used by
    ``rotate_vault_keys``: inheriting is registering.

    :class:`Secret` is the one concrete vault table: every secret the vault keeps (temporary
    credentials, scanned documents) is a ``Secret`` row; the domain models planned by the vault
    issue (``TemporaryCredential``, ``ScannedDocument``) hold the metadata (person, consent,
    service, file type) and a one-to-one link to their ``Secret``. Expiry, destruction
    (crypto-shredding) and key rotation therefore live in one place.

Journal
    :class:`JournalEntry` rows are written only by :func:`rgpd.journal.record` and never changed:
    Python guards here, a PostgreSQL trigger in migration 0002. Each entry stores the hash of the
    previous one; :class:`JournalCheckpoint` keeps the last hash of a segment removed by the
    sanctioned rotation (:func:`rgpd.journal.rotate_journal`) so the chain stays verifiable.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mds.idempotency import idempotency_key_field
from mds.models import ReferenceItem

from . import crypto

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
        indexes = [models.Index(fields=["expires_at"], name="rgpd_secret_expires_idx")]
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


# --------------------------------------------------------------------------------------------
# Journal
# --------------------------------------------------------------------------------------------

GENESIS_HASH = "0" * 64


class JournalAction(models.TextChoices):
    VIEW_PERSON = "view_person", _("Consultation d'une personne")
    VIEW_REFERRAL = "view_referral", _("Consultation d'une orientation")
    VIEW_CONSENT = "view_consent", _("Consultation d'un consentement")
    VIEW_CREDENTIAL = "view_credential", _("Consultation d'une fiche d'identifiants")
    VIEW_DOCUMENT = "view_document", _("Consultation de la fiche d'un document")
    STORE_CREDENTIAL = "store_credential", _("Dépôt d'identifiants dans le coffre")
    REVEAL_CREDENTIAL = "reveal_credential", _("Affichage d'identifiants")
    REVEAL_REFUSED = "reveal_refused", _("Affichage ou téléchargement refusé")
    ACCESS_REFUSED = "access_refused", _("Accès refusé à un élément du coffre")
    HAND_OVER_CREDENTIAL = "hand_over_credential", _("Remise des identifiants à la personne")
    STORE_DOCUMENT = "store_document", _("Dépôt d'un document dans le coffre")
    DOWNLOAD_DOCUMENT = "download_document", _("Téléchargement d'un document")
    DESTROY_SECRET = "destroy_secret", _("Destruction d'un secret")
    PURGE_EXPIRED = "purge_expired", _("Purge des secrets expirés")
    CONSENT_GIVEN = "consent_given", _("Consentement recueilli")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consentement retiré")
    EXPORT_PERSON = "export_person", _("Export des données d'une personne")
    ERASE_PERSON = "erase_person", _("Effacement (anonymisation) d'une personne")
    VIEW_JOURNAL = "view_journal", _("Consultation du journal")
    ROTATE_VAULT_KEYS = "rotate_vault_keys", _("Rotation des clés du coffre")
    ROTATE_JOURNAL = "rotate_journal", _("Rotation du journal")
    LOGIN_ADMIN = "login_admin", _("Connexion à l'administration")


class JournalReason(models.TextChoices):
    """Why: a code from a closed list, never free text (which could hold personal data)."""

    NONE = "", _("—")
    PERSON_PRESENT = "person_present", _("À la demande de la personne, présente")
    ONGOING_PROCEDURE = "ongoing_procedure", _("Démarche en cours avec la personne")
    HAND_OVER = "hand_over", _("Remise à la personne")
    SOCIAL_FOLLOW_UP = "social_follow_up", _("Suivi social")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Retrait du consentement")
    EXPIRED = "expired", _("Durée de conservation atteinte")
    RETENTION_POLICY = "retention_policy", _("Politique de conservation")
    DATA_SUBJECT_REQUEST = "data_subject_request", _("Exercice d'un droit par la personne")
    DPO_CONTROL = "dpo_control", _("Contrôle du DPO")
    KEY_ROTATION = "key_rotation", _("Rotation des clés")
    REFUSED_NO_CONSENT = "refused_no_consent", _("Refus : pas de consentement en cours")
    REFUSED_EXPIRED = "refused_expired", _("Refus : secret expiré")
    REFUSED_NO_REAUTH = "refused_no_reauth", _("Refus : ré-authentification requise")
    REFUSED_OTHER_MDS = "refused_other_mds", _("Refus : autre MDS")
    REFUSED_NO_ROLE = "refused_no_role", _("Refus : rôle sans accès au coffre")
    OTHER = "other", _("Autre motif")


class JournalIsAppendOnly(Exception):
    """Raised on any attempt to change or remove journal entries outside the rotation."""

    def __init__(self, what: str = "modification") -> None:
        super().__init__(f"Le journal d'audit est en ajout seul : {what} refusée.")


class JournalEntryQuerySet(models.QuerySet["JournalEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise JournalIsAppendOnly("modification")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise JournalIsAppendOnly("suppression")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise JournalIsAppendOnly("modification")

    def bulk_create(self, *args: Any, **kwargs: Any) -> list[JournalEntry]:
        raise JournalIsAppendOnly("insertion groupée (passez par rgpd.journal.record)")


class JournalEntry(models.Model):
    """Who did what to which record, when, why. Never a secret, never free text."""

    seq = models.PositiveBigIntegerField(_("numéro d'ordre"), unique=True, editable=False)
    created_at = models.DateTimeField(_("date"), editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
        help_text=_("Vide pour une action du système."),
    )
    action = models.CharField(_("action"), max_length=40, choices=JournalAction.choices)
    target_type = models.CharField(_("type de la cible"), max_length=40, blank=True)
    target_id = models.CharField(_("identifiant de la cible"), max_length=64, blank=True)
    reason = models.CharField(
        _("motif"), max_length=40, choices=JournalReason.choices, blank=True, default=""
    )
    mds = models.ForeignKey(
        "mds.MDS",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("MDS"),
    )
    prev_hash = models.CharField(_("empreinte précédente"), max_length=64, editable=False)
    hash = models.CharField(_("empreinte"), max_length=64, unique=True, editable=False)

    objects = JournalEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("entrée du journal d'audit")
        verbose_name_plural = _("journal d'audit")
        ordering = ("-seq",)
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="rgpd_journal_target_idx"),
            models.Index(fields=["created_at"], name="rgpd_journal_created_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise JournalIsAppendOnly("modification")
        if not self.hash or self.hash != self.compute_hash():
            # Only rgpd.journal.record() builds a valid, chained entry.
            raise JournalIsAppendOnly("insertion hors de rgpd.journal.record")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def canonical(self) -> bytes:
        """The bytes hashed: every field but ``id`` and ``hash``, in a fixed JSON form."""
        data = {
            "v": 1,
            "seq": self.seq,
            "created_at": self.created_at.astimezone(dt.UTC).isoformat(),
            "actor": self.actor_id,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "reason": self.reason,
            "mds": self.mds_id,
            "prev_hash": self.prev_hash,
        }
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise JournalIsAppendOnly("suppression")


class JournalCheckpoint(models.Model):
    """The end of a journal segment removed by the sanctioned rotation (append-only too).

    The first entry kept after a rotation has ``seq == last_seq + 1`` and
    ``prev_hash == last_hash``: ``verify_journal`` starts from the latest checkpoint.
    """

    created_at = models.DateTimeField(_("date"), default=timezone.now, editable=False)
    before = models.DateTimeField(_("entrées antérieures à"), editable=False)
    last_seq = models.PositiveBigIntegerField(_("dernier numéro retiré"), unique=True)
    last_hash = models.CharField(_("dernière empreinte retirée"), max_length=64)
    removed_count = models.PositiveBigIntegerField(_("entrées retirées"))

    class Meta:
        verbose_name = _("point de contrôle du journal")
        verbose_name_plural = _("points de contrôle du journal")
        ordering = ("-last_seq",)

    def __str__(self) -> str:
        return f"≤ #{self.last_seq} ({self.created_at:%Y-%m-%d})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise JournalIsAppendOnly("modification")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise JournalIsAppendOnly("suppression")


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
