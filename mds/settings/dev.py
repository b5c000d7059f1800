"""Development settings: ``make run``. Debug on, console email, a development vault key."""

import base64
import secrets
import sys
from pathlib import Path

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = env.bool("DEBUG", default=True)


def _development_vault_keys(path: Path) -> str:
    """The vault needs a key: in development only, make one once, keep it in a git-ignored
    file (``.dev-vault-keys``) and say so. Production never does this (``prod.py`` does not
    import this module; a system check explains an empty ``VAULT_KEYS``)."""
    if path.exists():
        return path.read_text().strip()
    spec = "dev1:" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")
    path.write_text(spec + "\n")
    path.chmod(0o600)
    print(
        f"Clé de développement du coffre créée dans {path} (ignorée par git, jamais en "
        "production : là, VAULT_KEYS doit être défini, voir docs/vault-keys.md).",
        file=sys.stderr,
    )
    return spec


VAULT_KEYS = env.str("VAULT_KEYS", default="") or _development_vault_keys(
    Path(env.str("DEV_VAULT_KEY_FILE", default=str(BASE_DIR / ".dev-vault-keys")))
)
