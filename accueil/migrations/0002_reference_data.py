from django.db import migrations


def seed(apps, schema_editor):
    from accueil.reference import LANGUAGES, MOTIVES

    Motive = apps.get_model("accueil", "Motive")
    Language = apps.get_model("accueil", "Language")
    for code, label, pictogram, routes_to, order in MOTIVES:
        Motive.objects.update_or_create(
            code=code,
            defaults={
                "label": label,
                "pictogram": pictogram,
                "routes_to": routes_to,
                "order": order,
            },
        )
    for code, label, order in LANGUAGES:
        Language.objects.update_or_create(code=code, defaults={"label": label, "order": order})


class Migration(migrations.Migration):
    dependencies = [("accueil", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
