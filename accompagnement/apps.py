from django.apps import AppConfig

from rgpd.personal_data import register_personal_data
from rgpd.registry import register_read_action

from .personal_data import CATEGORIES


class AccompagnementConfig(AppConfig):
    name = "accompagnement"
    verbose_name = "Accompagnement"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # rgpd sits below this app (layers): it learns about our tables by registration.
        register_read_action("accompagnement.Usager", action="view_person", target_type="usager")
        register_personal_data(*CATEGORIES)
        # imported here: both load models, ready only now
        from mds.jobs.purges import register as register_purge

        from .services.retention import PURGE

        register_purge(PURGE)
