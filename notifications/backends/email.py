"""E-mail through Django's configured mail backend (``EMAIL_URL``: SMTP, or django-anymail's
backends when a provider API is wanted — set ``EMAIL_BACKEND`` to the anymail one)."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage

from . import OutgoingMessage, PermanentError, TransientError


class EmailBackend:
    def send(self, message: OutgoingMessage) -> None:
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to],
        )
        try:
            email.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentError("Adresse refusée par le serveur de courriel.") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TransientError(
                f"Serveur de courriel indisponible ({type(exc).__name__})."
            ) from exc
