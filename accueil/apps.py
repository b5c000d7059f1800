from django.apps import AppConfig

from rgpd.personal_data import register_personal_data

from .personal_data import CATEGORIES


class AccueilConfig(AppConfig):
    name = "accueil"
    verbose_name = "Accueil"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # rgpd sits below this app (layers): it learns about our tables by registration.
        register_personal_data(*CATEGORIES)
