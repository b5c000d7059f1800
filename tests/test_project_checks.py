"""Static project checks: migrations in sync, deploy checks clean with production settings, ruff."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_migrations_are_in_sync_with_models() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mds.settings.test"}
    result = _run("manage.py", "makemigrations", "--check", "--dry-run", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_checks_are_clean_with_production_settings() -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mds.settings.prod",
        "SECRET_KEY": "prod-like-" + "k3y!" * 16,
        "ALLOWED_HOSTS": "mds-connectee.departement13.fr",
        "VAULT_KEYS": "test1:dGVzdC1rZXktMDEtZG8tbm90LXVzZS1pbi1wcm9kISE=",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "sqlite:////tmp/mds-check.sqlite3"),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests for their own process
    result = _run("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_refuse_the_development_secret_key() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mds.settings.prod", "SECRET_KEY": ""}
    env.pop("SECRET_KEY")
    result = _run("manage.py", "check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_ruff_is_clean() -> None:
    ruff = Path(sys.executable).parent / "ruff"
    result = subprocess.run(
        [str(ruff), "check", "."], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout
