from django.apps import AppConfig

from .personal_data import RGPD_CATEGORIES, register_personal_data


class RgpdConfig(AppConfig):
    name = "rgpd"
    verbose_name = "RGPD"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        register_personal_data(*RGPD_CATEGORIES)
