"""The append-only, keyed hash chain of the audit journal (written only by rgpd.journal.record)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import journal_keys

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
    # one entry per category and run of a retention purge: target_type is the category,
    # target_id the number of rows purged (counts only, never contents)
    RETENTION_PURGE = "retention_purge", _("Purge de conservation (catégorie, nombre de lignes)")
    CONSENT_GIVEN = "consent_given", _("Consentement recueilli")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consentement retiré")
    VIEW_SIGNATURE = "view_signature", _("Affichage de la signature d'un consentement")
    EXPORT_PERSON = "export_person", _("Export des données d'une personne")
    ERASE_PERSON = "erase_person", _("Effacement (anonymisation) d'une personne")
    VIEW_JOURNAL = "view_journal", _("Consultation du journal")
    ROTATE_VAULT_KEYS = "rotate_vault_keys", _("Rotation des clés du coffre")
    ROTATE_JOURNAL = "rotate_journal", _("Rotation du journal")
    LOGIN_ADMIN = "login_admin", _("Connexion à l'administration")
    ADMIN_ADD = "admin_add", _("Ajout dans l'administration")
    ADMIN_CHANGE = "admin_change", _("Modification dans l'administration")
    ADMIN_DELETE = "admin_delete", _("Suppression dans l'administration")


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
    # Key id of the HMAC (rgpd.journal_keys); empty for the unkeyed entries written before it.
    kid = models.CharField(_("clé de signature"), max_length=32, blank=True, editable=False)

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
        """The bytes hashed: every field but ``id`` and ``hash``, in a fixed JSON form.

        Version 2 (keyed, ``kid`` set) also covers the key id; version 1 is the legacy form.
        """
        data: dict[str, object] = {
            "v": 2 if self.kid else 1,
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
        if self.kid:
            data["kid"] = self.kid
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()

    def compute_hash(self) -> str:
        """HMAC under the entry's key (see rgpd.journal_keys); plain SHA-256 for legacy entries."""
        if self.kid:
            return journal_keys.entry_mac(self.kid, self.canonical())
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
