"""Double submits are idempotent: a form carries a one-time key, and creating twice with the
same key returns the first record. Models that need it have a unique ``idempotency_key``."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction

M = TypeVar("M", bound=models.Model)


def idempotency_key_field() -> models.UUIDField[Any, Any]:
    return models.UUIDField(null=True, blank=True, unique=True, editable=False)


def create_once(model: type[M], key: uuid.UUID | None, create: Callable[[], M]) -> tuple[M, bool]:
    """``(record, created)``: run ``create`` unless a record with ``key`` exists already.

    ``create`` must store ``key`` in the record's ``idempotency_key``. It runs in a savepoint, so
    when two submits race, the loser's writes are rolled back and the winner's record returned.
    """
    if key is None:
        return create(), True
    manager = model._default_manager
    found = manager.filter(idempotency_key=key).first()
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            return create(), True
    except IntegrityError:
        found = manager.filter(idempotency_key=key).first()
        if found is None:
            raise
        return found, False
