from django.apps import AppConfig


class MdsConfig(AppConfig):
    name = "mds"
    verbose_name = "MDS Connectée"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
