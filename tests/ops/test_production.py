"""Production smoke test: the image's steps, for real.

``collectstatic`` with ``mds.settings.prod`` into a temporary folder, gunicorn started with
``mds.settings.prod`` on the test database, then what an operator and a browser see behind the
HTTPS proxy. Also: a database that refuses or hangs gives /healthz JSON (whatever the cookies)
within the connect timeout, and one concise log line per failure after the first.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.ops.utils import free_port, silent_server

ROOT = Path(__file__).resolve().parents[2]
HOST = "mds.example.test"
pytestmark = pytest.mark.django_db


def _prod_env(database_url: str, static_root: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mds.settings.prod",
        "SECRET_KEY": "smoke-test-" + "s3cr3t-k3y-" * 6,
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": database_url,
        "REDIS_URL": settings.REDIS_URL,
        "VAULT_KEYS": settings.VAULT_KEYS,
        # A production-like journal key: check --deploy refuses the public development key.
        "JOURNAL_KEYS": "smoke:" + base64.b64encode(b"smoke-test-journal-key-32-bytes!").decode(),
        "STATIC_ROOT": str(static_root),
        **extra,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def _test_database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Server:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.log = log
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "mds.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--timeout",
                "30",
            ],
            cwd=ROOT,
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("gunicorn s'est arrêté :\n" + log.read_text())
            try:
                self.get("/static/favicon.svg")
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn n'a pas répondu en 60 s")

    def get(
        self, path: str, headers: dict[str, str] | None = None, timeout: float = 30
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request("GET", path, headers={"Host": HOST, **(headers or {})})
            response = conn.getresponse()
            headers_ = {k.lower(): v for k, v in response.getheaders()}
            return response.status, headers_, response.read()
        finally:
            conn.close()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


HTTPS = {"X-Forwarded-Proto": "https"}


@pytest.fixture(scope="module")
def static_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("staticfiles")
    env = _prod_env("sqlite:////nonexistent/unused.sqlite3", root)
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return root


@pytest.fixture
def production(static_root: Path, tmp_path: Path) -> Iterator[Server]:
    server = Server(_prod_env(_test_database_url(), static_root), tmp_path / "gunicorn.log")
    yield server
    server.stop()


def test_collectstatic_with_production_settings_builds_compressed_hashed_files(
    static_root: Path,
) -> None:
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    hashed = manifest["paths"]["vendor/bootstrap/bootstrap.subset.min.css"]
    assert (static_root / hashed).exists()
    assert (static_root / (hashed + ".gz")).exists()


def test_deploy_checks_are_clean_with_production_settings(static_root: Path) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_prod_env(_test_database_url(), static_root),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_gunicorn_with_production_settings_serves_login_static_and_health(
    production: Server,
) -> None:
    status, headers, _ = production.get("/compte/login/")
    assert status == 301 and headers["location"].startswith("https://")  # HTTPS only

    status, headers, body = production.get("/compte/login/", HTTPS)
    assert status == 200, body[:2000]
    assert "Connexion" in body.decode()
    match = re.search(rb"/static/vendor/bootstrap/bootstrap\.subset\.min\.[0-9a-f]{12}\.css", body)
    assert match, "the login page links the hashed stylesheet"

    status, headers, body = production.get(
        match.group(0).decode(), {**HTTPS, "Accept-Encoding": "gzip"}
    )
    assert status == 200
    assert headers["content-encoding"] == "gzip"
    assert "immutable" in headers["cache-control"]
    assert "max-age=315360000" in headers["cache-control"]

    status, headers, body = production.get("/healthz")  # the probe speaks plain HTTP
    assert status == 200
    assert headers["content-type"] == "application/json"
    assert json.loads(body)["status"] == "ok"


def test_a_database_that_never_answers_gives_healthz_json_within_the_connect_timeout(
    static_root: Path, tmp_path: Path
) -> None:
    with silent_server() as port:
        env = _prod_env(f"postgres://mds@127.0.0.1:{port}/mds", static_root, DB_CONNECT_TIMEOUT="2")
        server = Server(env, tmp_path / "gunicorn.log")
        try:
            for cookies in ("", "__Host-sessionid=abcdef0123456789; __Host-csrftoken=x"):
                started = time.monotonic()
                status, headers, body = server.get(
                    "/healthz", {"Cookie": cookies} if cookies else {}, timeout=25
                )
                elapsed = time.monotonic() - started
                assert status == 503
                assert headers["content-type"] == "application/json"
                assert json.loads(body)["status"] == "down"
                assert elapsed < 10, f"{elapsed:.1f} s: no connect timeout"
        finally:
            server.stop()


def test_database_down_gives_one_traceback_then_one_line_per_failure(
    static_root: Path, tmp_path: Path
) -> None:
    env = _prod_env(f"postgres://mds@127.0.0.1:{free_port()}/mds", static_root)
    log = tmp_path / "gunicorn.log"
    server = Server(env, log)
    try:
        cookie = {**HTTPS, "Cookie": "__Host-sessionid=abcdef0123456789"}
        status, _, body = server.get("/healthz", {"Cookie": cookie["Cookie"]})
        assert status == 503 and json.loads(body)["database"]["ok"] is False
        for _ in range(4):
            status, _, body = server.get("/compte/login/", cookie)
            assert status == 500
            assert "Traceback" not in body.decode()
    finally:
        server.stop()
    text = log.read_text()
    # the first failure, with its (chained) traceback; then one line each
    assert text.count("Internal Server Error: /compte/login/") == 1, text
    lines = [line for line in text.splitlines() if "Base de données indisponible" in line]
    assert len(lines) == 3, text
    assert all(len(line) < 400 for line in lines)


def test_statement_and_connect_timeouts_come_from_settings(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == f"{settings.DB_STATEMENT_TIMEOUT}s"
    assert connection.settings_dict["OPTIONS"]["connect_timeout"] == settings.DB_CONNECT_TIMEOUT
