"""Redis down: login, re-authentication and the account lock keep working on a local fallback;
a warning is logged and /healthz names what is degraded."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from mds import resilient_cache
from mds.models import User
from mds.roles import Role
from tests.factories import PASSWORD
from tests.ops.utils import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down() -> Iterator[None]:
    """The project's cache settings, pointed at a port where nothing listens."""
    dead = f"redis://127.0.0.1:{free_port()}/0"
    cache_settings = {"default": {**settings.CACHES["default"], "LOCATION": dead}}
    with override_settings(CACHES=cache_settings, REDIS_URL=dead):
        yield
    resilient_cache._down_until.clear()


def test_login_works_while_redis_is_down_and_a_warning_is_logged(
    redis_down: None, member: Callable[..., User], caplog: pytest.LogCaptureFixture
) -> None:
    agent = member(Role.ACCUEIL)
    client = Client()
    with caplog.at_level(logging.WARNING, logger="mds.resilient_cache"):
        response = client.post("/compte/login/", {"login": agent.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("accueil:home")).status_code == 200
    assert any("Redis injoignable" in r.getMessage() for r in caplog.records)


def test_reauthentication_works_while_redis_is_down(
    redis_down: None, member: Callable[..., User]
) -> None:
    agent = member(Role.ACCUEIL)
    client = Client()
    client.force_login(agent)
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]


def test_the_account_lock_still_holds_while_redis_is_down(
    redis_down: None, member: Callable[..., User]
) -> None:
    agent = member(Role.ACCUEIL)
    for i in range(5):
        Client().post("/compte/login/", {"login": agent.email, "password": f"faux-{i}"})
    response = Client().post("/compte/login/", {"login": agent.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "Trop de tentatives de connexion échouées" in response.content.decode()


def test_password_reset_request_works_while_redis_is_down(
    redis_down: None, member: Callable[..., User]
) -> None:
    agent = member(Role.ACCUEIL)
    response = Client().post(reverse("account_reset_password"), {"email": agent.email})
    assert response.status_code == 302


def test_healthz_names_the_cache_and_broker_as_degraded(redis_down: None) -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert set(body["degraded"]) == {"broker", "cache"}
    assert body["cache"]["mode"] == "fallback"


def test_the_cache_goes_back_to_redis_when_it_answers_again(db: None) -> None:
    live = resilient_cache.FallbackRedisCache(settings.REDIS_URL, {})
    resilient_cache._down_until[settings.REDIS_URL] = 0.0  # an outage whose retry delay is over
    assert live.degraded
    live.set("mds-test-back", "1", 5)
    assert not live.degraded
    assert live.get("mds-test-back") == "1"
