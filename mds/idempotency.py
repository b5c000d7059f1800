"""Double submits are idempotent: a form carries a one-time key, and creating twice with the
same key returns the first record. Models that need it have a unique ``idempotency_key``.

This is the one code path for every form with a submission key (usager, session, atelier,
consent, credential, document…): same key and same content → the first record, nothing written;
same key and other content (Back, edit, submit again) → refused with :data:`REUSED_FORM`, nothing
written, so nobody is told "saved" for a change that was dropped."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from uuid6 import uuid7

M = TypeVar("M", bound=models.Model)


def new_key() -> uuid.UUID:
    """A fresh submission key: a time-ordered UUID (version 7, 74 random bits).

    Keys are stored in unique indexes of big tables (a passage's ``client_token``). Random
    keys (version 4) land on random index pages: every insert, and every retention UPDATE of
    an old row that cannot stay on its page, dirties a page anywhere in the index (a full-page
    image in the WAL after each checkpoint). Time-ordered keys keep a day's rows together, so
    the check-in insert and the night's purge touch a few pages (bench/purge.py). 74 random
    bits are plenty for a key that only deduplicates a submit."""
    return uuid7()


def idempotency_key_field() -> models.UUIDField[Any, Any]:
    return models.UUIDField(null=True, blank=True, unique=True, editable=False)


REUSED_FORM = (
    "Ce formulaire a déjà servi pour autre chose : rien n'a été enregistré. "
    "Rechargez la page et recommencez."
)


def create_once(
    model: type[M],
    key: uuid.UUID | None,
    create: Callable[[], M],
    *,
    same: Mapping[str, Any],
    check: Callable[[M], bool] | None = None,
) -> tuple[M, bool]:
    """``(record, created)``: run ``create`` unless a record with ``key`` exists already.

    ``create`` must store ``key`` in the record's ``idempotency_key``. It runs in a savepoint, so
    when two submits race, the loser's writes are rolled back and the winner's record returned.
    ``same`` lists what a true double submit repeats: every attribute the form's content sets
    (person, author, kind, dates, counts…), as stored. ``check`` compares what attributes cannot
    say (related rows, an encrypted payload). A key found on a record that differs is a reused
    form (back button, edited page) and is refused, rather than answering "saved" for something
    that was not.
    """
    if key is None:
        return create(), True
    found = _found(model, key, same, check)
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            return create(), True
    except IntegrityError:
        found = _found(model, key, same, check)
        if found is None:
            raise
        return found, False


def _found(
    model: type[M], key: uuid.UUID, same: Mapping[str, Any], check: Callable[[M], bool] | None
) -> M | None:
    found = model._default_manager.filter(idempotency_key=key).first()
    if found is not None:
        refuse_if_changed(found, same=same, check=check)
    return found


def refuse_if_changed(
    found: M, *, same: Mapping[str, Any], check: Callable[[M], bool] | None = None
) -> M:
    """``found`` if it says what the re-submitted form says; else refuse with :data:`REUSED_FORM`.

    The rule of :func:`create_once`, for a hot path that inserts first and only reads the first
    record when the unique key says it exists (the check-in)."""
    differs = any(getattr(found, name) != value for name, value in same.items())
    if differs or (check is not None and not check(found)):
        raise ValidationError(_(REUSED_FORM), code="idempotency_conflict")
    return found
