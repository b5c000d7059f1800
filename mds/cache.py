"""A small per-process cache for reference data read on hot paths (opening hours, motives).

Reference lists change a few times a year; the front desk reads them at every check-in. Each
process keeps them for ``seconds`` (an edit in the admin shows within that delay everywhere),
which spares a database round trip per request without any cross-process invalidation.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Hashable
from typing import Generic, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

_ALL: list[TTLCached[..., object]] = []


class TTLCached(Generic[P, R]):
    def __init__(self, function: Callable[P, R], seconds: float) -> None:
        self.function = function
        self.seconds = seconds
        self.entries: dict[Hashable, tuple[float, R]] = {}
        functools.update_wrapper(self, function)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        key = (args, tuple(sorted(kwargs.items())))
        now = time.monotonic()
        entry = self.entries.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
        value = self.function(*args, **kwargs)
        self.entries[key] = (now + self.seconds, value)
        return value

    def forget(self) -> None:
        self.entries.clear()


def ttl_cached(seconds: float) -> Callable[[Callable[P, R]], TTLCached[P, R]]:
    def decorator(function: Callable[P, R]) -> TTLCached[P, R]:
        cached = TTLCached(function, seconds)
        _ALL.append(cached)  # type: ignore[arg-type]
        return cached

    return decorator


def forget_all() -> None:
    """Empty every per-process cache (tests, or after a bulk change in a shell)."""
    for cached in _ALL:
        cached.forget()
