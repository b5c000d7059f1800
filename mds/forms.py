"""Form building blocks shared by the apps."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from mds.idempotency import new_key


def parse_id(raw: str | None) -> int | None:
    """A record id from a query or form value; ``None`` for anything else.

    ``str.isdigit()`` alone also accepts "²" or "٣", which ``int()`` refuses: ASCII only.
    """
    return int(raw) if raw and raw.isascii() and raw.isdigit() else None


def add_service_error(
    form: forms.BaseForm, error: ValidationError, *, fields: Mapping[str, str | None] | None = None
) -> None:
    """Put a service's refusal on ``form``: the one way every form shows a service error.

    Each message goes next to its field: the service's key when the form has a field of that
    name, or where ``fields`` maps it (``None``: top of the form); anything else, and errors
    without a key, go to the top of the form.
    """
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for key, errors in error.error_dict.items():
        target = (fields or {}).get(key, key if key in form.fields else None)
        for item in errors:
            for message in item.messages:
                form.add_error(target, message)


class IdempotentForm(forms.Form):
    """A form that carries a one-time key: submitting it twice creates one record, not two.

    The key is generated when the form is shown; the service receives it (see mds.idempotency).
    A post without key (an old page, a script) still works, just without that protection.
    """

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["initial"] = {"idempotency_key": new_key(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
