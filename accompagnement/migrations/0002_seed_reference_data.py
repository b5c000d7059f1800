"""Seed the reference lists (organismes, kinds of help, origins, outcomes, rights, related-right
rules, forbidden acts) from accompagnement.reference. Seeding skips existing codes."""

from django.db import migrations

from accompagnement.reference import seed_reference_data


class Migration(migrations.Migration):
    dependencies = [
        ("accompagnement", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed_reference_data, migrations.RunPython.noop),
    ]
