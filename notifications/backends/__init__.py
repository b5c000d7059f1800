"""Pluggable delivery backends, one per channel, chosen by ``NOTIFICATION_BACKENDS``.

A backend sends one message and raises :class:`PermanentError` (bad address, refused: do not
try again) or :class:`TransientError` (provider down, timeout: try again later, bounded).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class DeliveryError(Exception):
    """Base of backend errors; the text is shown on the receipt (no secret, no content)."""


class PermanentError(DeliveryError):
    pass


class TransientError(DeliveryError):
    pass


@dataclass(frozen=True)
class OutgoingMessage:
    channel: str
    to: str
    subject: str
    body: str


class Backend(Protocol):
    def send(self, message: OutgoingMessage) -> None: ...


def get_backend(channel: str) -> Backend:
    path = settings.NOTIFICATION_BACKENDS[channel]
    backend: Backend = import_string(path)()
    return backend
