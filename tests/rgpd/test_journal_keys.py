"""The journal chain is keyed (HMAC under JOURNAL_KEYS, with key ids) and rotates keys."""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from pytest_django.fixtures import Settings as SettingsWrapper

from rgpd import checks, journal, journal_keys
from rgpd.crypto import generate_key_spec
from rgpd.models import GENESIS_HASH, JournalAction, JournalEntry
from tests.rgpd.utils import journal_trigger_disabled

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
J1 = generate_key_spec("j1")
J2 = generate_key_spec("j2")


def _entry(target_id: str = "1") -> JournalEntry:
    return journal.record(
        actor=None, action=JournalAction.VIEW_PERSON, target_type="usager", target_id=target_id
    )


def _key(spec: str) -> bytes:
    return base64.b64decode(spec.partition(":")[2])


def test_an_entry_is_an_hmac_under_the_newest_key_not_a_plain_hash(
    settings: SettingsWrapper,
) -> None:
    settings.JOURNAL_KEYS = J1
    entry = _entry()
    assert entry.kid == "j1"
    canonical = entry.canonical()
    assert b'"kid":"j1"' in canonical and b'"v":2' in canonical
    expected = hmac.new(_key(J1), b"mds-journal/v2/entry|" + canonical, hashlib.sha256)
    assert entry.hash == expected.hexdigest()
    assert entry.hash != hashlib.sha256(canonical).hexdigest()


def test_key_rotation_keeps_old_entries_verifiable(settings: SettingsWrapper) -> None:
    settings.JOURNAL_KEYS = J1
    old = [_entry(str(n)) for n in range(3)]
    settings.JOURNAL_KEYS = f"{J1},{J2}"
    new = [_entry(str(n)) for n in range(2)]
    assert {e.kid for e in old} == {"j1"} and {e.kid for e in new} == {"j2"}
    assert new[0].prev_hash == old[-1].hash
    report = journal.verify_chain()
    assert report.ok and report.count == 5


def test_removing_a_key_still_in_use_is_reported_clearly(settings: SettingsWrapper) -> None:
    settings.JOURNAL_KEYS = J1
    first = _entry()
    settings.JOURNAL_KEYS = J2
    _entry()
    report = journal.verify_chain()
    assert not report.ok and report.broken_id == first.pk
    assert "« j1 », absente de JOURNAL_KEYS" in report.problem


def test_without_a_journal_key_nothing_is_journaled(settings: SettingsWrapper) -> None:
    settings.JOURNAL_KEYS = ""
    with pytest.raises(ImproperlyConfigured, match="JOURNAL_KEYS est vide"):
        _entry()
    assert not JournalEntry.objects.exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "vide"),
        ("nokid", "mal formé"),
        ("j1:pas-du-base64!", "base64"),
        ("j1:" + base64.b64encode(b"court").decode(), "5 octets"),
        (f"{J1},{J1}", "deux fois"),
    ],
)
def test_a_missing_or_malformed_key_is_a_system_check_error(
    settings: SettingsWrapper, value: str, message: str
) -> None:
    settings.JOURNAL_KEYS = value
    errors = checks.journal_keys_configured()
    assert [e.id for e in errors] == ["rgpd.E001"] and message in errors[0].msg


def test_the_development_key_is_refused_by_the_deploy_check(settings: SettingsWrapper) -> None:
    settings.JOURNAL_KEYS = f"{J1},{journal_keys.DEV_KEYS_SETTING}"
    assert [e.id for e in checks.journal_dev_key_not_deployed()] == ["rgpd.E002"]
    settings.JOURNAL_KEYS = J1
    assert checks.journal_dev_key_not_deployed() == []


def test_dev_and_test_settings_use_the_public_development_key() -> None:
    for module in ("mds.settings.dev", "mds.settings.test"):
        env = {k: v for k, v in os.environ.items() if k != "JOURNAL_KEYS"}
        out = subprocess.run(
            [sys.executable, "-c", f"import {module} as s; print(s.JOURNAL_KEYS)"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout.strip()
        assert out == journal_keys.DEV_KEYS_SETTING, module


def _prod_check(**extra: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mds.settings.prod",
        "SECRET_KEY": "prod-like-" + "k3y!" * 16,
        "ALLOWED_HOSTS": "mds-connectee.departement13.fr",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "sqlite:////tmp/mds-check.sqlite3"),
        **extra,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    if not extra.get("JOURNAL_KEYS"):
        env.pop("JOURNAL_KEYS", None)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_without_a_journal_key_fails_its_checks_and_says_why() -> None:
    result = _prod_check()
    assert result.returncode != 0
    assert "rgpd.E001" in result.stderr and "JOURNAL_KEYS est vide" in result.stderr


def test_production_with_the_development_key_fails_its_deploy_checks() -> None:
    result = _prod_check(JOURNAL_KEYS=journal_keys.DEV_KEYS_SETTING)
    assert result.returncode != 0
    assert "rgpd.E002" in result.stderr and "clé de développement" in result.stderr


# --- entries written before the key: verified, then re-signed by migration 0008 ------------


def _legacy_chain(n: int) -> list[JournalEntry]:
    """Entries as the code before the key wrote them (plain SHA-256, no kid)."""
    entries = [_entry(str(i)) for i in range(n)]
    prev = GENESIS_HASH
    with journal_trigger_disabled(), connection.cursor() as cursor:
        for entry in entries:
            entry.kid, entry.prev_hash = "", prev
            entry.hash = hashlib.sha256(entry.canonical()).hexdigest()
            cursor.execute(
                "UPDATE rgpd_journalentry SET kid = '', prev_hash = %s, hash = %s WHERE id = %s",
                [entry.prev_hash, entry.hash, entry.pk],
            )
            prev = entry.hash
    return entries


def _resign() -> None:
    migration = importlib.import_module("rgpd.migrations.0008_journal_keyed_retention")
    with connection.schema_editor(atomic=False) as editor:
        migration.resign_legacy_entries(apps, editor)


def test_unsigned_entries_fail_verification() -> None:
    entries = _legacy_chain(3)
    report = journal.verify_chain()
    assert not report.ok and report.broken_id == entries[0].pk
    assert "non signée" in report.problem


def test_the_migration_re_signs_a_verified_legacy_chain(settings: SettingsWrapper) -> None:
    settings.JOURNAL_KEYS = J1
    _legacy_chain(4)
    _resign()
    assert set(JournalEntry.objects.values_list("kid", flat=True)) == {"j1"}
    report = journal.verify_chain()
    assert report.ok and report.count == 4
    _entry()
    assert journal.verify_chain().ok


def test_the_migration_never_re_signs_a_broken_legacy_chain() -> None:
    entries = _legacy_chain(3)
    with journal_trigger_disabled(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE rgpd_journalentry SET target_id = '9' WHERE id = %s", [entries[1].pk]
        )
    with pytest.raises(RuntimeError, match="rompu à l'entrée n° 2"):
        _resign()
    assert set(JournalEntry.objects.values_list("kid", flat=True)) == {""}


# --- the retention the trigger reads ---------------------------------------------------------


@pytest.mark.usefixtures("postgres_only")
def test_migrate_writes_the_retention_setting_where_the_trigger_reads_it(
    settings: SettingsWrapper,
) -> None:
    def days() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT EXTRACT(DAY FROM rgpd_journal_retention())::int")
            return int(cursor.fetchone()[0])

    assert days() == journal.retention_days() == 366  # 12 months (test settings)
    settings.JOURNAL_RETENTION_MONTHS = 6
    call_command("migrate", "rgpd", verbosity=0)  # post_migrate: sync_retention_guard
    assert days() == 183
