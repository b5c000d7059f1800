"""Envelope encryption: round trip, wrong key, tampering, moved ciphertexts, configuration."""

from __future__ import annotations

import base64
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from pytest_django.fixtures import Settings as SettingsWrapper

from rgpd import crypto
from rgpd.models import Secret
from tests.rgpd.conftest import KEY_1
from tests.rgpd.factories import SecretFactory

pytestmark = pytest.mark.django_db

CANARY = "CANARI-identifiant:Mot-De-Passe-Secret-7781"


def _reload(secret: Secret) -> Secret:
    return Secret.objects.get(pk=secret.pk)


def test_round_trip_through_the_database_gives_back_the_plaintext() -> None:
    secret = SecretFactory(plaintext=CANARY)
    assert _reload(secret).reveal().decode() == CANARY


def test_round_trip_of_binary_content() -> None:
    content = bytes(range(256)) * 40
    secret = SecretFactory(plaintext=content)
    assert _reload(secret).reveal() == content


def test_the_database_holds_neither_the_plaintext_nor_the_data_key_in_clear() -> None:
    secret = _reload(SecretFactory(plaintext=CANARY))
    assert CANARY.encode() not in bytes(secret.payload)
    assert secret.vault_kid == "k1"
    assert len(bytes(secret.vault_key)) == 1 + 12 + 32 + 16


def test_each_record_gets_its_own_data_key_and_nonce() -> None:
    first, second = SecretFactory(plaintext=CANARY), SecretFactory(plaintext=CANARY)
    assert bytes(first.payload) != bytes(second.payload)
    assert bytes(first.vault_key) != bytes(second.vault_key)


def test_the_newest_key_listed_last_is_used_for_writes(settings: SettingsWrapper) -> None:
    settings.VAULT_KEYS = f"{KEY_1},{crypto.generate_key_spec('k9')}"
    assert SecretFactory().vault_kid == "k9"


def test_a_wrong_key_under_the_same_id_raises(settings: SettingsWrapper) -> None:
    secret = SecretFactory(plaintext=CANARY)
    settings.VAULT_KEYS = crypto.generate_key_spec("k1")  # same kid, other key material
    with pytest.raises(crypto.VaultDecryptionError):
        _reload(secret).reveal()


def test_a_key_id_missing_from_the_keyring_raises(settings: SettingsWrapper) -> None:
    secret = SecretFactory(plaintext=CANARY)
    settings.VAULT_KEYS = crypto.generate_key_spec("k2")
    with pytest.raises(crypto.UnknownVaultKeyError, match="k1"):
        _reload(secret).reveal()


@pytest.mark.parametrize("position", [0, 5, 20, -1])
def test_a_tampered_ciphertext_raises(position: int) -> None:
    secret = _reload(SecretFactory(plaintext=CANARY))
    altered = bytearray(bytes(secret.payload))
    altered[position] ^= 0x01
    Secret.objects.filter(pk=secret.pk).update(payload=bytes(altered))
    with pytest.raises(crypto.VaultDecryptionError):
        _reload(secret).reveal()


def test_a_truncated_ciphertext_raises() -> None:
    secret = _reload(SecretFactory(plaintext=CANARY))
    Secret.objects.filter(pk=secret.pk).update(payload=bytes(secret.payload)[:10])
    with pytest.raises(crypto.VaultDecryptionError):
        _reload(secret).reveal()


def test_a_tampered_wrapped_key_raises() -> None:
    secret = _reload(SecretFactory(plaintext=CANARY))
    altered = bytearray(bytes(secret.vault_key))
    altered[-1] ^= 0x80
    Secret.objects.filter(pk=secret.pk).update(vault_key=bytes(altered))
    with pytest.raises(crypto.VaultDecryptionError):
        _reload(secret).reveal()


def test_a_ciphertext_copied_to_another_row_raises() -> None:
    source, target = SecretFactory(plaintext=CANARY), SecretFactory(plaintext="autre")
    Secret.objects.filter(pk=target.pk).update(payload=bytes(source.payload))
    with pytest.raises(crypto.VaultDecryptionError):
        _reload(target).reveal()


def test_a_ciphertext_copied_with_its_wrapped_key_to_another_row_raises() -> None:
    source, target = SecretFactory(plaintext=CANARY), SecretFactory(plaintext="autre")
    Secret.objects.filter(pk=target.pk).update(
        payload=bytes(source.payload), vault_key=bytes(source.vault_key), vault_kid=source.vault_kid
    )
    with pytest.raises(crypto.VaultDecryptionError):
        _reload(target).reveal()


def test_a_relabelled_key_id_raises(settings: SettingsWrapper) -> None:
    settings.VAULT_KEYS = f"{KEY_1},{crypto.generate_key_spec('k2')}"
    secret = SecretFactory(plaintext=CANARY)
    assert secret.vault_kid == "k2"
    Secret.objects.filter(pk=secret.pk).update(vault_kid="k1")
    with pytest.raises(crypto.VaultDecryptionError):
        _reload(secret).reveal()


def test_a_value_bound_to_one_field_does_not_decrypt_as_another() -> None:
    key = crypto.new_data_key()
    blob = crypto.encrypt(key, b"valeur", context="rgpd_secret:1:payload")
    assert crypto.decrypt(key, blob, context="rgpd_secret:1:payload") == b"valeur"
    with pytest.raises(crypto.VaultDecryptionError):
        crypto.decrypt(key, blob, context="rgpd_secret:1:identifier")


def test_a_destroyed_secret_raises_instead_of_returning_empty() -> None:
    secret = SecretFactory(plaintext=CANARY)
    secret.destroy()
    reloaded = _reload(secret)
    assert reloaded.is_shredded and reloaded.destroyed_at is not None
    assert bytes(reloaded.payload) == b"" and bytes(reloaded.vault_key) == b""
    with pytest.raises(crypto.VaultDecryptionError):
        reloaded.reveal()


def test_sealing_needs_a_primary_key() -> None:
    secret = Secret(id=None)
    with pytest.raises(crypto.VaultError):
        secret.seal("x")


def test_an_empty_keyring_is_a_clear_configuration_error(settings: SettingsWrapper) -> None:
    settings.VAULT_KEYS = ""
    with pytest.raises(ImproperlyConfigured, match="VAULT_KEYS est vide"):
        SecretFactory()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("sans-deux-points", "mal formé"),
        ("mauvais id!:" + base64.b64encode(b"x" * 32).decode(), "mal formé"),
        ("k1:pas du base64", "base64"),
        ("k1:" + base64.b64encode(b"x" * 16).decode(), "16 octets"),
        (f"{KEY_1},{KEY_1}", "deux fois"),
    ],
)
def test_a_malformed_keyring_is_a_clear_configuration_error(value: str, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        crypto.Keyring.parse(value)


def test_the_keyring_never_shows_key_material() -> None:
    ring = crypto.Keyring.parse(KEY_1)
    assert KEY_1.split(":")[1] not in repr(ring)


def test_generate_vault_key_prints_a_usable_key() -> None:
    out = StringIO()
    call_command("generate_vault_key", "--kid", "k2030", stdout=out)
    spec = out.getvalue().strip()
    kid, encoded = spec.split(":")
    assert kid == "k2030"
    assert len(base64.b64decode(encoded)) == 32
    assert crypto.Keyring.parse(spec).current_kid == "k2030"


def test_generated_keys_are_unique_with_a_dated_default_id() -> None:
    first, second = crypto.generate_key_spec(), crypto.generate_key_spec()
    assert first != second
    assert first.startswith("k20")
