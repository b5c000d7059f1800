"""Fixtures of the notification tests: an empty in-memory backend, a fake SMS provider."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from notifications.backends.simple import MemoryBackend


@pytest.fixture(autouse=True)
def memory_outbox() -> Iterator[list[Any]]:
    MemoryBackend.outbox.clear()
    yield MemoryBackend.outbox
    MemoryBackend.outbox.clear()


@dataclass
class FakeSmsProvider:
    """A local HTTP server standing for the SMS provider's API (the only thing mocked)."""

    url: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    #: HTTP statuses to answer, in order; 200 once exhausted
    statuses: list[int] = field(default_factory=list)


@pytest.fixture
def sms_provider(settings: SettingsWrapper) -> Iterator[FakeSmsProvider]:
    provider = FakeSmsProvider(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            provider.requests.append(
                {
                    "path": self.path,
                    "authorization": self.headers.get("Authorization"),
                    "json": json.loads(self.rfile.read(length)),
                }
            )
            status = provider.statuses.pop(0) if provider.statuses else 200
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"id": "msg-1"}')

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)  # a free port, chosen by the OS
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    provider.url = f"http://127.0.0.1:{server.server_address[1]}/v1/sms"
    settings.SMS_HTTP_URL = provider.url
    settings.SMS_HTTP_TOKEN = "test-token"
    settings.NOTIFICATION_BACKENDS = {
        **settings.NOTIFICATION_BACKENDS,
        "sms": "notifications.backends.sms_http.HttpSmsBackend",
    }
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
