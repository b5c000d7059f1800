"""/healthz reports database and broker state; 200 while the database answers."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings


@pytest.mark.django_db
def test_healthz_is_ok_with_database_and_broker() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True


@pytest.mark.django_db
@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_healthz_says_when_the_broker_is_down_but_still_answers_200() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["broker"] == {"ok": False, "mode": "redis", "error": "ConnectionError"}
    assert body["database"]["ok"] is True
