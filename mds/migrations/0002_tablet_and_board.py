import secrets

from django.db import migrations, models

import mds.models


def fill_tokens(apps, schema_editor):
    MDS = apps.get_model("mds", "MDS")
    for site in MDS.objects.filter(board_token__isnull=True):
        site.board_token = secrets.token_urlsafe(16)
        site.save(update_fields=["board_token"])


class Migration(migrations.Migration):
    dependencies = [("mds", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="mds",
            name="idle_logout_minutes",
            field=models.PositiveSmallIntegerField(
                default=10,
                help_text="La tablette partagée de l'accueil se déconnecte seule après ce délai.",
                verbose_name="déconnexion de la tablette après (minutes d'inactivité)",
            ),
        ),
        migrations.AddField(
            model_name="mds",
            name="board_token",
            field=models.CharField(max_length=40, null=True),
        ),
        migrations.RunPython(fill_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="mds",
            name="board_token",
            field=models.CharField(
                default=mds.models._new_board_token,
                help_text="Partie secrète de l'adresse de l'écran de la salle d'attente.",
                max_length=40,
                unique=True,
                verbose_name="jeton de l'écran d'appel",
            ),
        ),
        migrations.AddConstraint(
            model_name="mds",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("idle_logout_minutes__gte", 1), ("idle_logout_minutes__lte", 240)
                ),
                name="mds_idle_logout_range",
                violation_error_message="Le délai d'inactivité va de 1 à 240 minutes.",
            ),
        ),
    ]
