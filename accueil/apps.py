from django.apps import AppConfig


class AccueilConfig(AppConfig):
    name = "accueil"
    verbose_name = "Accueil"
    default_auto_field = "django.db.models.BigAutoField"
