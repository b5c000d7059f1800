from django.db import migrations

from accueil.reference import seed_reference_data


class Migration(migrations.Migration):
    dependencies = [("accueil", "0001_initial")]
    operations = [migrations.RunPython(seed_reference_data, migrations.RunPython.noop)]
