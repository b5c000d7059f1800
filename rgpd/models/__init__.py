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

One module per idea: :mod:`.secrets`, :mod:`.journal`, :mod:`.consents`, :mod:`.items`;
``from rgpd.models import X`` keeps working (Django finds the models through this package).
"""

from .consents import (
    Consent,
    ConsentMethod,
    ConsentPurpose,
    ConsentSignature,
    ConsentText,
    PurposeCode,
    sha256_text,
)
from .items import (
    CredentialService,
    DocumentKind,
    ScannedDocument,
    TemporaryCredential,
    VaultItem,
)
from .journal import (
    GENESIS_HASH,
    JournalAction,
    JournalCheckpoint,
    JournalEntry,
    JournalEntryQuerySet,
    JournalIsAppendOnly,
    JournalReason,
)
from .secrets import (
    Secret,
    SecretKind,
    VaultRecord,
)

__all__ = [
    "GENESIS_HASH",
    "Consent",
    "ConsentMethod",
    "ConsentPurpose",
    "ConsentSignature",
    "ConsentText",
    "CredentialService",
    "DocumentKind",
    "JournalAction",
    "JournalCheckpoint",
    "JournalEntry",
    "JournalEntryQuerySet",
    "JournalIsAppendOnly",
    "JournalReason",
    "PurposeCode",
    "ScannedDocument",
    "Secret",
    "SecretKind",
    "TemporaryCredential",
    "VaultItem",
    "VaultRecord",
    "sha256_text",
]
