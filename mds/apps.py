from django.apps import AppConfig


class MdsConfig(AppConfig):
    name = "mds"
    verbose_name = "MDS Connectée"
    default_auto_field = "django.db.models.BigAutoField"
