"""scripts/test-services.sh, run by `make test` and `.ci/run`: reuse what answers, start what it
can (private PostgreSQL/Redis in a folder of its own), otherwise say exactly what to install."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

from tests.ops.utils import free_port

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "test-services.sh"


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_running_services_are_reused_and_nothing_is_started(tmp_path: Path) -> None:
    from django.db import connection

    db = connection.settings_dict
    result = _run(
        "start",
        SERVICES="postgres redis",
        SERVICES_DIR=str(tmp_path / "services"),
        TEST_DATABASE_URL=f"postgres://postgres@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/x",
        TEST_REDIS_URL=settings.REDIS_URL,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PostgreSQL répond" in result.stdout
    assert "Redis répond" in result.stdout
    assert not (tmp_path / "services").exists()


def test_private_postgresql_and_redis_are_started_when_their_binaries_exist() -> None:
    # initdb refuses root; the script then runs the server as "postgres", who must reach it.
    services = Path(tempfile.mkdtemp(prefix="mds-services-", dir="/tmp"))
    services.chmod(0o755)
    pg_port, redis_port = free_port(), free_port()
    env = {
        "SERVICES": "postgres redis",
        "SERVICES_DIR": str(services),
        "TEST_DATABASE_URL": f"postgres://postgres@127.0.0.1:{pg_port}/mds_test",
        "TEST_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
    }
    try:
        result = _run("start", **env)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "PostgreSQL privé" in result.stdout
        assert "Redis privé" in result.stdout
        import psycopg2
        import redis

        conn = psycopg2.connect(host="127.0.0.1", port=pg_port, user="postgres")
        try:
            cursor = conn.cursor()
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)
        finally:
            conn.close()
        assert redis.Redis(port=redis_port).ping()
        again = _run("start", **env)  # second call (make test after .ci/run): reuse
        assert "PostgreSQL répond" in again.stdout and "Redis répond" in again.stdout
    finally:
        stopped = _run("stop", **env)
        shutil.rmtree(services, ignore_errors=True)
    assert stopped.returncode == 0


def test_without_anything_to_start_it_says_exactly_what_to_install(tmp_path: Path) -> None:
    """A bare machine: no server binaries, no Docker, no apt-get, no Chromium."""
    bare = tmp_path / "bin"
    bare.mkdir()
    for tool in ("bash", "timeout", "seq", "sleep", "id", "mkdir", "grep", "ls", "sort", "tail"):
        found = shutil.which(tool)
        assert found, tool
        (bare / tool).symlink_to(found)
    result = subprocess.run(
        ["bash", str(SCRIPT), "start"],
        cwd=ROOT,
        env={
            "PATH": str(bare),
            "HOME": str(tmp_path),
            "SERVICES_DIR": str(tmp_path / "services"),
            "PG_BIN_DIRS": str(tmp_path / "none"),
            "CHROMIUM_PATH": str(tmp_path / "none" / "chromium"),
            "TEST_DATABASE_URL": f"postgres://postgres@127.0.0.1:{free_port()}/mds_test",
            "TEST_REDIS_URL": f"redis://127.0.0.1:{free_port()}/15",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "sudo apt-get install postgresql" in result.stderr
    assert "sudo apt-get install redis-server" in result.stderr
    assert "sudo apt-get install chromium" in result.stderr
    assert "ALLOW_SQLITE=1 make test" in result.stderr


def test_make_test_and_ci_use_this_one_script() -> None:
    dry = subprocess.run(
        ["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert "scripts/test-services.sh start" in dry.stdout
    assert "scripts/test-services.sh start" in (ROOT / ".ci" / "run").read_text()
