"""Reference data of the accompagnement app: organismes, kinds of help, origins, outcomes,
rights, related-right rules, forbidden acts.

The data lives once, in the frozen data migrations (``DATA_MIGRATIONS``, in order): a migration
must not follow later code changes, so a change of the lists for existing databases is a new data
migration with its own data. :func:`seed_reference_data` re-runs them, which is what
``seed_demo`` and the tests use to put back rows a flush removed (same style as ``rgpd.demo``).
Seeding never overwrites an existing code, so running it again is harmless; the admin edits the
rows afterwards. Codes are stable: exports and rules refer to them.

National themes (``coop_theme``): codes of the Coop de la médiation numérique's activity reports
(see ``accompagnement.models.CoopTheme``). The organisme → administrative theme and kind → digital
theme mapping is our choice, to be checked with the Coop's documentation before merging figures
with national ones.
"""

from __future__ import annotations

import importlib
from typing import Any

#: Data migrations of accompagnement, in order (module names start with a digit: by name).
DATA_MIGRATIONS = (
    "accompagnement.migrations.0002_seed_reference_data",
    "accompagnement.migrations.0006_more_kinds_of_help",
)

_FIRST = importlib.import_module(DATA_MIGRATIONS[0])
ORGANISMES: list[tuple[str, str, str]] = _FIRST.ORGANISMES
KINDS_OF_HELP: list[tuple[str, str, str]] = [
    kind for name in DATA_MIGRATIONS for kind in importlib.import_module(name).KINDS_OF_HELP
]
ORIGINS: list[tuple[str, str]] = _FIRST.ORIGINS
OUTCOMES: list[tuple[str, str, bool, bool]] = _FIRST.OUTCOMES
RIGHTS: list[tuple[str, str, str]] = _FIRST.RIGHTS
RELATED_RIGHT_RULES: list[tuple[str, str, str]] = _FIRST.RELATED_RIGHT_RULES
FORBIDDEN_ACTS: list[dict[str, Any]] = _FIRST.FORBIDDEN_ACTS


def seed_reference_data(apps: Any, schema_editor: Any) -> None:
    """Create the missing reference rows (idempotent): every data migration, in order."""
    for name in DATA_MIGRATIONS:
        importlib.import_module(name).seed_reference_data(apps, schema_editor)
