"""The newcomer's vault works (a development key made once, in a git-ignored file); production
never invents one and a system check says why the vault will refuse."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROUND_TRIP = (
    "from rgpd.crypto import new_data_key, wrap_key, unwrap_key;"
    "k = new_data_key();"
    "print('OK' if unwrap_key(wrap_key(k, context='t:1:x'), context='t:1:x') == k else 'KO')"
)


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in {"VAULT_KEYS", "DATABASE_URL"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_development_settings_create_a_vault_key_once_and_say_so(tmp_path: Path) -> None:
    key_file = tmp_path / ".dev-vault-keys"
    env = {
        "DJANGO_SETTINGS_MODULE": "mds.settings.dev",
        "DEV_VAULT_KEY_FILE": str(key_file),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'dev.sqlite3'}",
    }
    first = _manage("check", **env)
    assert first.returncode == 0, first.stderr
    assert "Clé de développement du coffre créée" in first.stderr
    spec = key_file.read_text().strip()
    assert spec.startswith("dev1:")
    assert key_file.stat().st_mode & 0o077 == 0  # readable by its owner only
    second = _manage("check", **env)
    assert "Clé de développement" not in second.stderr  # once
    assert key_file.read_text().strip() == spec
    assert "mds.W001" not in second.stdout + second.stderr
    vault = _manage("shell", "-c", ROUND_TRIP, **env)  # the vault encrypts and decrypts
    assert vault.stdout.strip().splitlines()[-1] == "OK", vault.stdout + vault.stderr


def test_the_development_key_is_ignored_by_git() -> None:
    result = subprocess.run(
        ["git", "check-ignore", "-q", ".dev-vault-keys"], cwd=ROOT, check=False, timeout=30
    )
    assert result.returncode == 0


def test_production_without_vault_keys_is_explained_by_a_system_check(tmp_path: Path) -> None:
    env = {
        "DJANGO_SETTINGS_MODULE": "mds.settings.prod",
        "SECRET_KEY": "prod-like-" + "k3y!" * 16,
        "DEV_VAULT_KEY_FILE": str(tmp_path / "never"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
    }
    result = _manage("check", **env)
    assert "mds.W001" in result.stderr + result.stdout
    assert "VAULT_KEYS est vide" in result.stderr + result.stdout
    assert not (tmp_path / "never").exists()  # production never makes a key up
