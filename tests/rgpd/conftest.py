"""Fixtures of the RGPD tests: a fresh, valid vault keyring for every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from pytest_django.fixtures import Settings as SettingsWrapper

from rgpd.crypto import generate_key_spec
from tests.rgpd.utils import clear_journal

KEY_1 = generate_key_spec("k1")
KEY_2 = generate_key_spec("k2")


@pytest.fixture(autouse=True)
def vault_keys(settings: SettingsWrapper) -> str:
    """One key, ``k1``; tests that rotate change ``settings.VAULT_KEYS`` themselves."""
    settings.VAULT_KEYS = KEY_1
    return KEY_1


@pytest.fixture
def postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Le déclencheur d'ajout seul n'existe que sur PostgreSQL (la CI l'utilise).")


@pytest.fixture
def journal_db(transactional_db: None) -> Iterator[None]:
    """A transactional database whose journal is emptied before Django's flush (TRUNCATE)."""
    yield
    clear_journal()


@pytest.fixture
def consent_purposes(db: None) -> None:
    """Purposes and texts (a transactional test elsewhere may have flushed the seeded rows)."""
    from rgpd.demo import seed_consent_purposes

    seed_consent_purposes()
