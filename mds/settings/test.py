"""Test settings: PostgreSQL and Redis by default (see Makefile), fast password hashing."""

import os

from .base import *  # noqa: F403
from .base import CONTENT_SECURITY_POLICY

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
NOTIFICATION_BACKENDS = {
    "sms": "notifications.backends.simple.MemoryBackend",
    "email": "notifications.backends.email.EmailBackend",
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Browser tests use pytest-django's live server, which serves static files itself.
WHITENOISE_AUTOREFRESH = True
# Test vault keys: fixed, never used anywhere else.
VAULT_KEYS = os.environ.get(
    "VAULT_KEYS",
    "test1:dGVzdC1rZXktMDEtZG8tbm90LXVzZS1pbi1wcm9kISE=",
)
assert CONTENT_SECURITY_POLICY  # the CSP is on in tests too: the browser journeys exercise it
# Public development key of the journal chain (rgpd.journal_keys.DEV_KEY): refused in production.
JOURNAL_KEYS = os.environ.get("JOURNAL_KEYS", "dev:bWRzLWRldi1qb3VybmFsLWtleS1OT1QtU0VDUkVUISE=")
