from django.apps import AppConfig
from django.db.models.signals import post_migrate

from .personal_data import RGPD_CATEGORIES, register_personal_data


class RgpdConfig(AppConfig):
    name = "rgpd"
    verbose_name = "RGPD"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        register_personal_data(*RGPD_CATEGORIES)
        from . import admin_journal, checks, journal  # noqa: F401  (checks: system checks)

        admin_journal.connect()

        # Every migrate (owner role) writes JOURNAL_RETENTION_MONTHS where the trigger reads it.
        post_migrate.connect(journal.sync_retention_guard, sender=self)
