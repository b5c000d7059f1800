"""Keys of the audit journal: the chain is an HMAC-SHA256 chain under ``settings.JOURNAL_KEYS``.

Why keyed: a plain hash chain can be recomputed by anyone who can write to the database (a
superuser edits a row and re-hashes every later one). With an HMAC, rewriting history also
needs the key, which lives in the environment (secret manager), never in the database.

Format: the vault's (``docs/vault-keys.md``): ``"kid1:base64,kid2:base64"``, each key 32 random
bytes, the **newest last**: it signs every new entry; older keys stay listed to verify the
entries they signed until the retention has rotated those away. Each entry stores the ``kid``
that signed it. ``python manage.py generate_vault_key --kid j2027`` makes a key.

Development and test settings use :data:`DEV_KEY` (public, in the repository); the system
check ``rgpd.E002`` refuses it in a deployment (``check --deploy``), ``rgpd.E001`` refuses an
empty or malformed keyring anywhere.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .crypto import KEY_BYTES, KID_PATTERN, Keyring

#: The development key of dev/test settings (kid ``dev``): public, so never valid in production.
DEV_KEY = b"mds-dev-journal-key-NOT-SECRET!!"
#: ``JOURNAL_KEYS`` value of the dev and test settings.
DEV_KEYS_SETTING = "dev:" + base64.b64encode(DEV_KEY).decode("ascii")

_ENTRY_DOMAIN = b"mds-journal/v2/entry|"
_HEAD_DOMAIN = b"mds-journal/v2/head|"


class UnknownJournalKeyError(ImproperlyConfigured):
    """An entry names a key id that ``JOURNAL_KEYS`` does not list (removed too early?)."""


@lru_cache(maxsize=8)
def _parse(value: str) -> Keyring:
    if not value:
        raise ImproperlyConfigured(
            "JOURNAL_KEYS est vide : le journal d'audit ne peut pas signer ses entrées. "
            "Générez une clé avec « python manage.py generate_vault_key --kid j2026 » "
            "(voir docs/rgpd.md, « Journal d'audit »)."
        )
    keys: dict[str, bytes] = {}
    kid = ""
    for position, item in enumerate(value.split(","), start=1):
        kid, sep, encoded = item.strip().partition(":")
        if not sep or not KID_PATTERN.match(kid):
            raise ImproperlyConfigured(
                f"JOURNAL_KEYS mal formé (élément {position}) : attendu « identifiant:clé_base64 »."
            )
        if kid in keys:
            raise ImproperlyConfigured(
                f"JOURNAL_KEYS : l'identifiant « {kid} » apparaît deux fois."
            )
        try:
            key = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise ImproperlyConfigured(
                f"JOURNAL_KEYS : la clé « {kid} » n'est pas du base64 valide."
            ) from None
        if len(key) != KEY_BYTES:
            raise ImproperlyConfigured(
                f"JOURNAL_KEYS : la clé « {kid} » fait {len(key)} octets au lieu de {KEY_BYTES}."
            )
        keys[kid] = key
    return Keyring(keys=keys, current_kid=kid)


def get_keyring() -> Keyring:
    """The journal keyring from ``settings.JOURNAL_KEYS`` (raises ``ImproperlyConfigured``)."""
    return _parse(str(getattr(settings, "JOURNAL_KEYS", "") or "").strip())


def current_kid() -> str:
    return get_keyring().current_kid


def _key(kid: str) -> bytes:
    ring = get_keyring()
    if kid not in ring.keys:
        raise UnknownJournalKeyError(
            f"Clé du journal inconnue : « {kid} ». Gardez-la dans JOURNAL_KEYS tant que des "
            "entrées signées par elle restent au journal (durée de conservation)."
        )
    return ring.keys[kid]


def entry_mac(kid: str, canonical: bytes) -> str:
    """The HMAC-SHA256 (hex) of an entry's canonical form under key ``kid``."""
    return hmac.new(_key(kid), _ENTRY_DOMAIN + canonical, hashlib.sha256).hexdigest()


def head_signature(kid: str, message: bytes) -> str:
    """The HMAC-SHA256 (hex) of an exported head line (a different domain than entries)."""
    return hmac.new(_key(kid), _HEAD_DOMAIN + message, hashlib.sha256).hexdigest()
