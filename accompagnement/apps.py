from django.apps import AppConfig


class AccompagnementConfig(AppConfig):
    name = "accompagnement"
    verbose_name = "Accompagnement"
    default_auto_field = "django.db.models.BigAutoField"
