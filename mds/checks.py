"""System checks: configuration mistakes explained before they become a 500 at the first use."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register


@register()
def vault_keys_configured(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if str(getattr(settings, "VAULT_KEYS", "") or "").strip():
        return []
    return [
        Warning(
            "VAULT_KEYS est vide : le coffre RGPD refusera de chiffrer et de déchiffrer "
            "(chaque action du coffre échouera).",
            hint=(
                'Générez une clé (python manage.py shell -c "from rgpd.crypto import '
                'generate_key_spec; print(generate_key_spec())") et mettez-la dans VAULT_KEYS '
                "(« identifiant:clé_base64 », la plus récente en dernier) : voir "
                "docs/vault-keys.md. En développement, make run en crée une dans .dev-vault-keys."
            ),
            id="mds.W001",
        )
    ]
