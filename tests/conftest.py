"""Fixtures shared by the whole suite: two MDS, a user per role, a clean cache per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.core.cache import cache
from django.test import Client

from mds.models import MDS, User
from mds.roles import Role
from tests.factories import MDSFactory, make_member


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    # Rate limits and used TOTP codes live in the cache (Redis db 15 in `make test`).
    from mds.cache import forget_all

    cache.clear()
    forget_all()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> Iterator[None]:
    """Transactional tests empty every table when they end (TRUNCATE), reference lists included
    (those come from data migrations): put them back before each such test, and empty the
    append-only journal after it, which the database otherwise refuses to truncate."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")
    from demo.seed import seed_reference_data
    from tests.rgpd.utils import clear_journal

    seed_reference_data()
    yield
    clear_journal()


@pytest.fixture
def mds_a(db: None) -> MDS:
    return MDSFactory(code="mds-a", name="MDS A (Malpassé)")


@pytest.fixture
def mds_b(db: None) -> MDS:
    return MDSFactory(code="mds-b", name="MDS B (Marignane)")


@pytest.fixture
def member(mds_a: MDS) -> Callable[..., User]:
    """``member(role, mds=mds_a, with_totp=True)`` makes a user with that role."""

    def make(role: str, mds: MDS | None = None, **kwargs: object) -> User:
        return make_member(role, mds or mds_a, **kwargs)

    return make


@pytest.fixture
def client_as(member: Callable[..., User]) -> Callable[..., Client]:
    """``client_as(role, mds=None)``: a test client logged in as a new user with that role."""

    def make(role: str, mds: MDS | None = None) -> Client:
        client = Client()
        client.force_login(member(role, mds))
        return client

    return make


ALL_ROLES: tuple[str, ...] = tuple(Role.values)


@pytest.fixture
def url_context(mds_a: MDS) -> dict[str, object]:
    """One record of each kind in MDS A, for the URL x role table's pages about a record."""
    from tests.url_roles import build_context

    return build_context(mds_a)


@pytest.fixture(scope="session")
def celery_worker(django_db_setup: None, django_db_blocker: object) -> Iterator[str | None]:
    """A real Celery worker process on the test broker and the test database.

    Yields the worker's node name, or ``None`` when the suite runs without Redis
    (``ALLOW_SQLITE=1``: tasks then run eagerly in the test process).
    """
    import os
    import subprocess
    import sys
    import time
    import uuid

    from django.conf import settings
    from django.db import connection

    from mds.celery import app

    if not settings.REDIS_URL:
        yield None
        return
    node = f"test-{uuid.uuid4().hex[:8]}@localhost"
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "mds.settings.test"
    db = connection.settings_dict
    env["DATABASE_URL"] = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    app.control.purge()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "mds",
            "worker",
            "-P",
            "solo",
            "-n",
            node,
            "-l",
            "warning",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if app.control.ping(destination=[node], timeout=0.5):
                break
            if proc.poll() is not None:
                raise RuntimeError("Le worker Celery s'est arrêté au démarrage.")
        else:
            raise RuntimeError("Le worker Celery n'a pas répondu en 60 s.")
        yield node
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
