"""Envelope encryption for the RGPD vault (AES-256-GCM, ``cryptography``).

Keys
    ``settings.VAULT_KEYS`` is a keyring: ``"kid1:base64,kid2:base64"``, each key 32 random
    bytes (AES-256), the **newest last**: it wraps every new data key. Older keys stay listed
    only until ``python manage.py rotate_vault_keys`` has re-wrapped every record under the
    newest one. The setting is read at use time, so a missing or malformed keyring does not stop
    the site from starting but any vault operation raises ``ImproperlyConfigured``.

Envelope
    Each record gets a fresh random data key (DEK, AES-256-GCM). The DEK encrypts the record's
    fields; the key-encryption key (KEK) named by ``kid`` wraps the DEK with AES-GCM. Rotation
    re-wraps the DEK only (:func:`rewrap`): ciphertexts are never touched.

Associated data
    Every encryption is bound to a *context* string. Callers pass ``"table:pk"`` for the
    wrapped key and ``"table:pk:field"`` for a field (see ``rgpd.models.VaultRecord``), so a
    ciphertext or wrapped key copied to another row or field fails to decrypt. The wrapped key
    is also bound to its ``kid``, so relabelling the key id column fails too.

Formats (version byte first, so the format can evolve)
    wrapped key: ``0x01 | nonce (12) | AES-GCM(KEK, DEK, ad) (32 + 16 tag)`` — 61 bytes;
    field value: ``0x01 | nonce (12) | AES-GCM(DEK, plaintext, ad) (n + 16 tag)``.

Any failure to decrypt raises :class:`VaultDecryptionError`: the caller never gets ciphertext,
an empty value or a partial plaintext back.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_BYTES = 32
NONCE_BYTES = 12
FORMAT_V1 = b"\x01"
KID_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
_WRAP_AD = "mds-vault/v1/wrap"
_DATA_AD = "mds-vault/v1/data"


class VaultError(Exception):
    """Base class of the vault's errors."""


class VaultDecryptionError(VaultError):
    """A value could not be decrypted: wrong key, altered data or wrong row/field."""


class UnknownVaultKeyError(VaultDecryptionError):
    """The key id of a record is not in ``VAULT_KEYS`` (removed too early?)."""


@dataclass(frozen=True)
class WrappedKey:
    """A data key wrapped by the key-encryption key ``kid``."""

    kid: str
    blob: bytes


@dataclass(frozen=True, repr=False)
class Keyring:
    """Key-encryption keys by id; ``current_kid`` (the last listed) is used for writes."""

    keys: dict[str, bytes]
    current_kid: str

    def __repr__(self) -> str:  # never print key material
        return f"Keyring(kids={list(self.keys)!r}, current={self.current_kid!r})"

    def key(self, kid: str) -> bytes:
        try:
            return self.keys[kid]
        except KeyError:
            raise UnknownVaultKeyError(
                f"Clé du coffre inconnue : « {kid} ». Elle a peut-être été retirée de "
                "VAULT_KEYS avant la fin de la rotation (python manage.py rotate_vault_keys)."
            ) from None

    @classmethod
    def parse(cls, value: str) -> Keyring:
        return _parse_keyring(value.strip())


@lru_cache(maxsize=8)
def _parse_keyring(value: str) -> Keyring:
    if not value:
        raise ImproperlyConfigured(
            "VAULT_KEYS est vide : le coffre RGPD ne peut ni chiffrer ni déchiffrer. "
            "Générez une clé avec « python manage.py generate_vault_key » "
            "(voir docs/vault-keys.md)."
        )
    keys: dict[str, bytes] = {}
    for position, item in enumerate(value.split(","), start=1):
        kid, sep, encoded = item.strip().partition(":")
        if not sep or not KID_PATTERN.match(kid):
            raise ImproperlyConfigured(
                f"VAULT_KEYS mal formé (élément {position}) : attendu « identifiant:clé_base64 », "
                "identifiant de 1 à 32 caractères parmi lettres, chiffres, « _ », « . », « - »."
            )
        if kid in keys:
            raise ImproperlyConfigured(f"VAULT_KEYS : l'identifiant « {kid} » apparaît deux fois.")
        try:
            key = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise ImproperlyConfigured(
                f"VAULT_KEYS : la clé « {kid} » n'est pas du base64 valide."
            ) from None
        if len(key) != KEY_BYTES:
            raise ImproperlyConfigured(
                f"VAULT_KEYS : la clé « {kid} » fait {len(key)} octets au lieu de {KEY_BYTES}."
            )
        keys[kid] = key
    return Keyring(keys=keys, current_kid=kid)


def get_keyring() -> Keyring:
    """The keyring from ``settings.VAULT_KEYS``, parsed now (raises ``ImproperlyConfigured``)."""
    return Keyring.parse(str(getattr(settings, "VAULT_KEYS", "") or ""))


def generate_key() -> bytes:
    """32 random bytes from the OS CSPRNG: one key-encryption key."""
    return secrets.token_bytes(KEY_BYTES)


def generate_key_spec(kid: str | None = None) -> str:
    """A new ``"kid:base64"`` item for ``VAULT_KEYS``; the default kid is dated and unique."""
    if kid is None:
        kid = f"k{dt.date.today():%Y%m%d}-{secrets.token_hex(2)}"
    if not KID_PATTERN.match(kid):
        raise ValueError(
            "Identifiant de clé invalide : 1 à 32 caractères parmi lettres, chiffres, _ . -"
        )
    return f"{kid}:{base64.b64encode(generate_key()).decode('ascii')}"


def new_data_key() -> bytes:
    """A fresh AES-256-GCM data key for one record."""
    return AESGCM.generate_key(bit_length=256)


def _seal(key: bytes, plaintext: bytes, ad: bytes) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)  # random 96-bit nonce: one key per record, few uses
    return FORMAT_V1 + nonce + AESGCM(key).encrypt(nonce, plaintext, ad)


def _open(key: bytes, blob: bytes, ad: bytes) -> bytes:
    blob = bytes(blob)  # BinaryField gives memoryview on PostgreSQL
    if len(blob) < 1 + NONCE_BYTES + 16 or blob[:1] != FORMAT_V1:
        raise VaultDecryptionError("Donnée chiffrée illisible (format inconnu ou tronqué).")
    nonce, body = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
    try:
        return AESGCM(key).decrypt(nonce, body, ad)
    except InvalidTag:
        raise VaultDecryptionError(
            "Déchiffrement impossible : clé, donnée ou emplacement incorrect."
        ) from None


def _wrap_ad(kid: str, context: str) -> bytes:
    return f"{_WRAP_AD}|{kid}|{context}".encode()


def _data_ad(context: str) -> bytes:
    return f"{_DATA_AD}|{context}".encode()


def wrap_key(data_key: bytes, *, context: str, keyring: Keyring | None = None) -> WrappedKey:
    """Wrap ``data_key`` under the newest key, bound to ``context`` (``"table:pk"``)."""
    ring = keyring or get_keyring()
    kid = ring.current_kid
    return WrappedKey(kid=kid, blob=_seal(ring.key(kid), data_key, _wrap_ad(kid, context)))


def unwrap_key(wrapped: WrappedKey, *, context: str, keyring: Keyring | None = None) -> bytes:
    """The data key inside ``wrapped``; raises :class:`VaultDecryptionError` on any mismatch."""
    ring = keyring or get_keyring()
    data_key = _open(ring.key(wrapped.kid), wrapped.blob, _wrap_ad(wrapped.kid, context))
    if len(data_key) != KEY_BYTES:
        raise VaultDecryptionError("Clé de données invalide.")
    return data_key


def rewrap(wrapped: WrappedKey, *, context: str, keyring: Keyring | None = None) -> WrappedKey:
    """``wrapped`` re-wrapped under the newest key (returned unchanged if already on it)."""
    ring = keyring or get_keyring()
    if wrapped.kid == ring.current_kid:
        return wrapped
    return wrap_key(
        unwrap_key(wrapped, context=context, keyring=ring), context=context, keyring=ring
    )


def encrypt(data_key: bytes, plaintext: bytes, *, context: str) -> bytes:
    """Encrypt with a record's data key, bound to ``context`` (``"table:pk:field"``)."""
    return _seal(data_key, plaintext, _data_ad(context))


def decrypt(data_key: bytes, blob: bytes, *, context: str) -> bytes:
    """Decrypt a field value; raises :class:`VaultDecryptionError` on any mismatch."""
    return _open(data_key, blob, _data_ad(context))
