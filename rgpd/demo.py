"""Demo and test seeding of the vault's reference data (called by the project's demo command).

Stable entry point: :func:`seed_demo_reference` (idempotent). The data itself lives in the
frozen data migrations (``rgpd/migrations/0004_seed_consent_purposes.py``); this re-runs them to
put back what a flush of the database removed.
"""

from __future__ import annotations

import importlib

from django.apps import apps

#: Data migrations of rgpd, in order (module names start with a digit: imported by name).
DATA_MIGRATIONS = ("rgpd.migrations.0004_seed_consent_purposes",)


def seed_consent_purposes() -> None:
    """Create the purposes and their first text when missing (idempotent; demo and tests)."""
    importlib.import_module(DATA_MIGRATIONS[0]).seed(apps, None)


def seed_demo_reference() -> None:
    """Everything the vault needs before the demo accounts use it (idempotent)."""
    for name in DATA_MIGRATIONS:
        importlib.import_module(name).seed(apps, None)
