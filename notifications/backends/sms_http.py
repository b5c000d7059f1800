"""SMS through a provider's HTTP API: one adapter, configured by environment variables.

``SMS_HTTP_URL`` receives ``POST`` JSON ``{"to": "+33…", "text": "…", "sender": "…"}`` with
``Authorization: Bearer $SMS_HTTP_TOKEN``; 2xx is sent, 4xx refused (permanent), 5xx or no
answer is retried. Most French SMS gateways take this shape; another provider is another class
with the same ``send``. No credential is ever in the repository (see ``.env.example``).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from django.conf import settings

from . import OutgoingMessage, PermanentError, TransientError


class HttpSmsBackend:
    timeout = 10.0

    def send(self, message: OutgoingMessage) -> None:
        url = settings.SMS_HTTP_URL
        if not url.startswith(("https://", "http://")):
            raise PermanentError("Fournisseur SMS non configuré (SMS_HTTP_URL).")
        body = json.dumps(
            {"to": message.to, "text": message.body, "sender": settings.SMS_SENDER}
        ).encode()
        request = urllib.request.Request(  # noqa: S310 (scheme checked above)
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.SMS_HTTP_TOKEN}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout):  # noqa: S310
                return
        except urllib.error.HTTPError as exc:
            if 400 <= exc.code < 500 and exc.code != 429:
                raise PermanentError(f"Refusé par le fournisseur SMS (HTTP {exc.code}).") from exc
            raise TransientError(f"Fournisseur SMS indisponible (HTTP {exc.code}).") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise TransientError(f"Fournisseur SMS injoignable ({type(exc).__name__}).") from exc
