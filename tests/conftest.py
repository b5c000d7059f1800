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
    cache.clear()
    yield
    cache.clear()


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
