"""Health checks for /healthz: the database must answer; the broker's state is reported."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connection


def database_state() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"; the type is reported, not secrets
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "vendor": connection.vendor}


def broker_state() -> dict[str, Any]:
    url = settings.REDIS_URL
    if not url:
        return {"ok": True, "mode": "eager", "detail": "tâches exécutées sans broker"}
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    except Exception as exc:  # connection refused, timeout, auth…
        return {"ok": False, "mode": "redis", "error": type(exc).__name__}
    return {"ok": True, "mode": "redis"}
