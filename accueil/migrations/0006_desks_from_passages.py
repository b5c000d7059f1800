"""Desks were free text on passages: each name used at an MDS becomes a desk row of that MDS,
with English and Arabic names when it is a usual one ("Bureau 2", "Accueil"). Reversible: going
back deletes the rows (the passages keep their text)."""

from typing import Any

from django.db import migrations

from accueil.reference import suggested_desk_translations, unique_desk_code


def desks_from_passages(apps: Any, schema_editor: Any) -> None:
    passage_model = apps.get_model("accueil", "Passage")
    desk_model = apps.get_model("accueil", "Desk")
    names = (
        passage_model.objects.exclude(desk="")
        .values_list("mds_id", "desk")
        .distinct()
        .order_by("mds_id", "desk")
    )
    for mds_id, raw in names.iterator():
        label = raw.strip()[:40]
        if not label or desk_model.objects.filter(mds_id=mds_id, label=label).exists():
            continue
        english, arabic = suggested_desk_translations(label)
        desk_model.objects.create(
            mds_id=mds_id,
            code=unique_desk_code(desk_model, mds_id, label),
            label=label,
            label_en=english,
            label_ar=arabic,
        )


def remove_desks(apps: Any, schema_editor: Any) -> None:
    apps.get_model("accueil", "Desk").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accueil", "0005_desk"),
    ]

    operations = [migrations.RunPython(desks_from_passages, remove_desks)]
