"""Demo and test seeding of the vault's reference data (called by the project's demo command).

Stable entry point: :func:`seed_demo_reference` (idempotent). The data itself comes from the
data migrations; this puts back what a flush of the database removed.
"""

from __future__ import annotations

from .models import ConsentPurpose, ConsentText
from .reference import PURPOSES


def seed_consent_purposes() -> None:
    """Create the purposes and their first text when missing (idempotent; demo and tests)."""
    for position, item in enumerate(PURPOSES, start=1):
        purpose, _created = ConsentPurpose.objects.get_or_create(
            code=item.code,
            defaults={
                "label": item.label,
                "default_validity_days": item.default_validity_days,
                "position": position * 10,
            },
        )
        if not purpose.texts.exists():
            ConsentText.objects.create(purpose=purpose, version=1, text=item.text)


def seed_demo_reference() -> None:
    """Everything the vault needs before the demo accounts use it (idempotent)."""
    seed_consent_purposes()
