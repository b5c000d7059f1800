from typing import Any

from django.apps import AppConfig
from django.db import transaction


def _resync_schedule(**kwargs: Any) -> None:
    # An MDS's day close follows its opening hours: rewrite the schedule once the change commits.
    if kwargs.get("raw"):
        return  # loaddata
    from . import schedule

    transaction.on_commit(schedule.sync, robust=True)


class MdsConfig(AppConfig):
    name = "mds"
    verbose_name = "MDS Connectée"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import checks  # noqa: F401  (registers the system checks)
        from .models import MDS, OpeningPeriod

        for model in (MDS, OpeningPeriod):
            post_save.connect(_resync_schedule, sender=model, dispatch_uid=f"schedule-{model}")
            post_delete.connect(_resync_schedule, sender=model, dispatch_uid=f"schedule-d-{model}")
