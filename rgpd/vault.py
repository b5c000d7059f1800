"""The vault's registry of encrypted models and the key rotation service.

Registry: every concrete subclass of :class:`rgpd.models.VaultRecord` (inheriting registers).

Rotation (:func:`rotate_keys`) re-wraps each record's data key under the newest key of
``VAULT_KEYS``; the ciphertexts do not change. It works row by row, each in its own short
transaction with a row lock, so the site keeps running during a rotation; rows already on the
newest key are skipped by the query, so running it again is harmless. A row that cannot be
re-wrapped (its key was removed, or it was tampered with) is reported, not fatal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import transaction

from . import crypto
from .models import VaultRecord


def vault_models() -> list[type[VaultRecord]]:
    """Every concrete model holding encrypted fields."""
    return [model for model in apps.get_models() if issubclass(model, VaultRecord)]


@dataclass
class RotationReport:
    current_kid: str
    rewrapped: int = 0
    skipped: int = 0
    failed: list[str] = field(default_factory=list)  # "app.model:pk", never any content


def _label(model: type[VaultRecord]) -> str:
    return model._meta.label_lower


def pending_rotation(*, keyring: crypto.Keyring | None = None) -> dict[str, int]:
    """Per model, how many records are not yet wrapped under the newest key."""
    ring = keyring or crypto.get_keyring()
    counts: dict[str, int] = {}
    for model in vault_models():
        manager: Any = model._default_manager
        counts[_label(model)] = (
            manager.exclude(vault_kid=ring.current_kid).exclude(vault_kid="").count()
        )
    return counts


def _rewrap_row(model: type[VaultRecord], pk: Any, ring: crypto.Keyring) -> bool:
    """Re-wrap one row in its own transaction; ``False`` if there was nothing to do."""
    manager: Any = model._default_manager
    with transaction.atomic():
        row = manager.select_for_update().only("pk", "vault_kid", "vault_key").filter(pk=pk).first()
        # Re-checked under the lock: the row may have been rotated, shredded or deleted since.
        if row is None or not row.vault_key or row.vault_kid in ("", ring.current_kid):
            return False
        old = crypto.WrappedKey(kid=row.vault_kid, blob=bytes(row.vault_key))
        new = crypto.rewrap(old, context=row.vault_context(), keyring=ring)
        manager.filter(pk=pk).update(vault_kid=new.kid, vault_key=new.blob)
    return True


def rotate_keys(*, batch_size: int = 200, keyring: crypto.Keyring | None = None) -> RotationReport:
    """Re-wrap every record's data key under the newest key (batched, row by row, idempotent)."""
    ring = keyring or crypto.get_keyring()
    report = RotationReport(current_kid=ring.current_kid)
    for model in vault_models():
        manager: Any = model._default_manager
        last_pk: Any = None
        while True:
            # Keyset pagination: failed rows keep their old kid and must not be fetched again.
            qs = manager.exclude(vault_kid=ring.current_kid).exclude(vault_kid="").order_by("pk")
            if last_pk is not None:
                qs = qs.filter(pk__gt=last_pk)
            pks = list(qs.values_list("pk", flat=True)[:batch_size])
            if not pks:
                break
            for pk in pks:
                last_pk = pk
                try:
                    done = _rewrap_row(model, pk, ring)
                except crypto.VaultDecryptionError:
                    report.failed.append(f"{_label(model)}:{pk}")
                    continue
                if done:
                    report.rewrapped += 1
                else:
                    report.skipped += 1
    return report
