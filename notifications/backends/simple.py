"""Console (development) and in-memory (tests) backends."""

from __future__ import annotations

import logging
from typing import ClassVar

from . import OutgoingMessage

logger = logging.getLogger(__name__)


class ConsoleBackend:
    """Prints the message to the log (``make run``): nothing leaves the machine."""

    def send(self, message: OutgoingMessage) -> None:
        logger.info("[%s → %s] %s", message.channel, message.to, message.body)


class MemoryBackend:
    """Keeps messages in ``MemoryBackend.outbox`` (one list per process), like Django's locmem."""

    outbox: ClassVar[list[OutgoingMessage]] = []

    def send(self, message: OutgoingMessage) -> None:
        self.outbox.append(message)
