"""Form building blocks shared by the apps."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms


def parse_id(raw: str | None) -> int | None:
    """A record id from a query or form value; ``None`` for anything else.

    ``str.isdigit()`` alone also accepts "²" or "٣", which ``int()`` refuses: ASCII only.
    """
    return int(raw) if raw and raw.isascii() and raw.isdigit() else None


class IdempotentForm(forms.Form):
    """A form that carries a one-time key: submitting it twice creates one record, not two.

    The key is generated when the form is shown; the service receives it (see mds.idempotency).
    A post without key (an old page, a script) still works, just without that protection.
    """

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["initial"] = {"idempotency_key": uuid.uuid4(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
