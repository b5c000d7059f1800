"""The Redis cache, with a per-process fallback while Redis is unreachable.

What the cache holds here is short-lived and re-creatable: allauth's rate-limit counters, the
TOTP codes already used, throttles. Losing Redis must not lock every agent out of login and
re-authentication (the tablet logs its agent out after 10 idle minutes), so every cache call
that meets a connection error is answered by a local-memory cache instead, and Redis is tried
again after ``RETRY_SECONDS``. One warning is logged when the outage starts, one line when Redis
answers again; ``/healthz`` reports the cache as degraded meanwhile (:func:`cache_state`).

Trade-off, written down: during an outage the counters are per process (with 3 gunicorn workers
an attacker gets up to 3 times the per-account allowance, for the length of the outage only).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 10.0
_OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)
_lock = threading.Lock()
# location -> monotonic time before which Redis is not tried again (shared by every thread)
_down_until: dict[str, float] = {}


def _fallback_method(name: str) -> Any:
    def method(self: FallbackRedisCache, *args: Any, **kwargs: Any) -> Any:
        if self._is_down():
            return getattr(self._fallback, name)(*args, **kwargs)
        try:
            result = getattr(RedisCache, name)(self, *args, **kwargs)
        except _OUTAGE_ERRORS as exc:
            self._mark_down(exc)
            return getattr(self._fallback, name)(*args, **kwargs)
        self._mark_up()
        return result

    method.__name__ = name
    return method


class FallbackRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._location = server
        # LocMemCache shares its storage between instances of the same name (one per thread).
        self._fallback = LocMemCache(
            f"mds-fallback:{server}",
            {"TIMEOUT": params.get("TIMEOUT", 300), "OPTIONS": {"MAX_ENTRIES": 10_000}},
        )

    def _is_down(self) -> bool:
        until = _down_until.get(self._location)
        return until is not None and time.monotonic() < until

    def _mark_down(self, exc: BaseException) -> None:
        with _lock:
            starting = self._location not in _down_until
            _down_until[self._location] = time.monotonic() + RETRY_SECONDS
        if starting:
            logger.warning(
                "Cache Redis injoignable (%s) : limites de connexion et codes TOTP gardés en "
                "mémoire locale de ce processus jusqu'à son retour (nouvel essai toutes les %d s).",
                type(exc).__name__,
                RETRY_SECONDS,
            )

    def _mark_up(self) -> None:
        if self._location in _down_until:
            with _lock:
                was_down = _down_until.pop(self._location, None) is not None
            if was_down:
                logger.warning("Cache Redis de nouveau joignable : fin du mode dégradé.")

    @property
    def degraded(self) -> bool:
        return self._location in _down_until

    add = _fallback_method("add")
    get = _fallback_method("get")
    set = _fallback_method("set")
    touch = _fallback_method("touch")
    delete = _fallback_method("delete")
    get_many = _fallback_method("get_many")
    has_key = _fallback_method("has_key")
    incr = _fallback_method("incr")
    set_many = _fallback_method("set_many")
    delete_many = _fallback_method("delete_many")
    clear = _fallback_method("clear")


def cache_state() -> dict[str, Any]:
    """For /healthz: is the default cache on Redis, or on the per-process fallback?"""
    from django.core.cache import caches

    real = caches["default"]
    if not isinstance(real, FallbackRedisCache):
        return {"ok": True, "mode": type(real).__name__}
    try:
        real.has_key("healthz-probe")  # tries Redis unless it is known down
    except Exception as exc:  # the fallback itself failing is not expected; report, don't raise
        return {"ok": False, "mode": "redis", "error": type(exc).__name__}
    if real.degraded:
        return {
            "ok": False,
            "mode": "fallback",
            "detail": "Redis injoignable : limites de connexion en mémoire locale",
        }
    return {"ok": True, "mode": "redis"}
