"""Development settings: ``make run``. Debug on, console email."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# Public development key of the journal chain (rgpd.journal_keys.DEV_KEY): refused in production.
JOURNAL_KEYS = env.str("JOURNAL_KEYS", default="dev:bWRzLWRldi1qb3VybmFsLWtleS1OT1QtU0VDUkVUISE=")
