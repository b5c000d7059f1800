"""System checks of the RGPD app: the journal key (see rgpd/journal_keys.py)."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

from . import journal_keys


@register(Tags.security)
def journal_keys_configured(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """No journal key, no journal: every journaled action would fail (vault, DPO pages)."""
    try:
        journal_keys.get_keyring()
    except ImproperlyConfigured as error:
        return [
            Error(
                str(error),
                hint="JOURNAL_KEYS=kid:base64 (32 octets), la plus récente en dernier ; "
                "les réglages de développement et de test en fournissent une.",
                id="rgpd.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def journal_dev_key_not_deployed(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The development key is in the repository: whoever reads it could re-sign the journal."""
    try:
        ring = journal_keys.get_keyring()
    except ImproperlyConfigured:
        return []  # reported by rgpd.E001
    if any(key == journal_keys.DEV_KEY for key in ring.keys.values()):
        return [
            Error(
                "JOURNAL_KEYS contient la clé de développement du journal, publique (elle est "
                "dans le dépôt) : n'importe qui pourrait réécrire le journal et le re-signer.",
                hint="Générez une clé (python manage.py generate_vault_key --kid j2026) et "
                "mettez-la dans JOURNAL_KEYS, hors du dépôt (docs/rgpd.md).",
                id="rgpd.E002",
            )
        ]
    return []
