"""Seed the consent purposes and version 1 of their texts (see rgpd.reference)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    from rgpd.reference import PURPOSES

    ConsentPurpose = apps.get_model("rgpd", "ConsentPurpose")
    ConsentText = apps.get_model("rgpd", "ConsentText")
    for position, item in enumerate(PURPOSES, start=1):
        purpose, _ = ConsentPurpose.objects.get_or_create(
            code=item.code,
            defaults={
                "label": item.label,
                "default_validity_days": item.default_validity_days,
                "position": position * 10,
            },
        )
        if not ConsentText.objects.filter(purpose=purpose).exists():
            ConsentText.objects.create(
                purpose=purpose,
                version=1,
                text=item.text,
                sha256=hashlib.sha256(item.text.encode("utf-8")).hexdigest(),
            )


class Migration(migrations.Migration):
    dependencies = [("rgpd", "0003_consents_credentials_documents")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
