"""Key rotation: every record re-wrapped under the newest key, old key then removable."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from pytest_django.fixtures import Settings as SettingsWrapper

from rgpd import crypto, vault
from rgpd.models import JournalAction, JournalEntry, Secret
from tests.rgpd.conftest import KEY_1, KEY_2
from tests.rgpd.factories import SecretFactory

pytestmark = pytest.mark.django_db


def _plaintexts() -> dict[object, bytes]:
    return {secret.pk: secret.reveal() for secret in Secret.objects.all()}


def test_secret_is_in_the_registry_of_encrypted_models() -> None:
    assert Secret in vault.vault_models()


def test_rotation_keeps_every_secret_readable_and_the_old_key_can_then_be_removed(
    settings: SettingsWrapper,
) -> None:
    secrets = [SecretFactory(plaintext=f"secret-{n}") for n in range(7)]
    payloads = {s.pk: bytes(s.payload) for s in secrets}
    settings.VAULT_KEYS = f"{KEY_1},{KEY_2}"

    call_command("rotate_vault_keys", "--batch-size", "3", stdout=StringIO())

    assert set(Secret.objects.values_list("vault_kid", flat=True)) == {"k2"}
    # Only the data keys were re-wrapped: the ciphertexts did not change.
    assert {s.pk: bytes(s.payload) for s in Secret.objects.all()} == payloads
    settings.VAULT_KEYS = KEY_2
    assert _plaintexts() == {s.pk: f"secret-{n}".encode() for n, s in enumerate(secrets)}


def test_rotation_is_idempotent_and_journaled_once(settings: SettingsWrapper) -> None:
    SecretFactory.create_batch(3)
    settings.VAULT_KEYS = f"{KEY_1},{KEY_2}"
    first = vault.rotate_keys()
    second = vault.rotate_keys()
    assert (first.rewrapped, second.rewrapped, second.skipped) == (3, 0, 0)

    call_command("rotate_vault_keys", stdout=StringIO())
    assert not JournalEntry.objects.filter(action=JournalAction.ROTATE_VAULT_KEYS).exists()


def test_the_rotation_command_journals_the_new_key_id(settings: SettingsWrapper) -> None:
    SecretFactory()
    settings.VAULT_KEYS = f"{KEY_1},{KEY_2}"
    call_command("rotate_vault_keys", stdout=StringIO())
    entry = JournalEntry.objects.get(action=JournalAction.ROTATE_VAULT_KEYS)
    assert (entry.actor, entry.target_type, entry.target_id) == (None, "vault_key", "k2")


def test_rotation_skips_destroyed_secrets(settings: SettingsWrapper) -> None:
    kept, destroyed = SecretFactory(), SecretFactory()
    destroyed.destroy()
    settings.VAULT_KEYS = f"{KEY_1},{KEY_2}"
    report = vault.rotate_keys()
    assert report.rewrapped == 1 and not report.failed
    assert Secret.objects.get(pk=destroyed.pk).vault_kid == ""
    assert Secret.objects.get(pk=kept.pk).vault_kid == "k2"


def test_rotation_reports_a_record_whose_key_is_gone_and_rotates_the_others(
    settings: SettingsWrapper,
) -> None:
    settings.VAULT_KEYS = crypto.generate_key_spec("k0")
    orphan = SecretFactory()
    settings.VAULT_KEYS = KEY_1
    readable = SecretFactory()
    settings.VAULT_KEYS = f"{KEY_1},{KEY_2}"

    err = StringIO()
    with pytest.raises(CommandError, match="gardez les anciennes clés"):
        call_command("rotate_vault_keys", stdout=StringIO(), stderr=err)

    assert f"rgpd.secret:{orphan.pk}" in err.getvalue()
    assert Secret.objects.get(pk=readable.pk).vault_kid == "k2"
    assert Secret.objects.get(pk=orphan.pk).vault_kid == "k0"


def test_check_option_counts_what_is_left_to_rotate(settings: SettingsWrapper) -> None:
    SecretFactory.create_batch(2)
    settings.VAULT_KEYS = f"{KEY_1},{KEY_2}"
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("rotate_vault_keys", "--check", stdout=out)
    assert "rgpd.secret : 2 à rechiffrer" in out.getvalue()

    vault.rotate_keys()
    out = StringIO()
    call_command("rotate_vault_keys", "--check", stdout=out)
    assert "OK" in out.getvalue()
