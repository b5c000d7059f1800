from django.apps import AppConfig

from rgpd.registry import register_read_action


class AccompagnementConfig(AppConfig):
    name = "accompagnement"
    verbose_name = "Accompagnement"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The vault journals reads of a person's page without importing this app (layers).
        register_read_action("accompagnement.Usager", action="view_person", target_type="usager")
