"""Settings of the benchmark server: production-like (DEBUG off, no debug toolbar, persistent
connections) but plain HTTP on loopback, and the bench's own URLconf with a bare view."""

import os

from mds.settings.base import *  # noqa: F403
from mds.settings.base import MIDDLEWARE

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.urls"
SECURE_SSL_REDIRECT = False
# Templates use {% static %}: no manifest is needed when the files are not collected. The page
# weight bench (bench/pageweight.py) collects them as production does (hashed names, gzip,
# immutable caching by WhiteNoise) into STATIC_ROOT and sets BENCH_COLLECTED_STATIC=1.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if os.environ.get("BENCH_COLLECTED_STATIC") == "1"
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# First, so the measured time covers every other middleware.
MIDDLEWARE = ["bench.middleware.ServerTimingMiddleware", *MIDDLEWARE]
# The bench agent logs in once; a fast hasher keeps that out of the figures' warm-up.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
# The public development key of the journal (rgpd.journal_keys.DEV_KEY): a bench, not production.
JOURNAL_KEYS = os.environ.get("JOURNAL_KEYS", "dev:bWRzLWRldi1qb3VybmFsLWtleS1OT1QtU0VDUkVUISE=")
